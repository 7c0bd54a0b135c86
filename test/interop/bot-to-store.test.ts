/**
 * What the bot writes, varsctl reads exactly. After the reference bot backs
 * up, the store returns the stored bytes unchanged, `src/vars` predicts the
 * Python type the bot loads for every value, and the store marks as loaded
 * the same row the bot's loader picks among duplicates.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openStore, type Store } from '../../src/store/index.js';
import { loadedType, Vars } from '../../src/vars/index.js';
import { createTestDatabase, DIALECTS, insertRow, type TestDatabase } from '../support/db.js';
import { fixturesMissingReason, readFixtureStrategies } from './support/fixtures.js';
import { refbotBackup, refbotBackupFile, refbotLoad, refbotMissingReason } from './support/refbot.js';
import { storedRows } from './support/rows.js';
import { realServerMissingReason, titled } from './support/skip.js';

const refbotReason = refbotMissingReason();
const fixtureReason = fixturesMissingReason();
for (const reason of new Set([refbotReason, fixtureReason])) {
  if (reason !== null) {
    console.warn(`bot-to-store tests partly skipped: ${reason}`);
  }
}

// Strings near the loader's date rules, where a wrong guess changes the type
// a user sees in `show` from what the bot really holds.
const DATE_EDGE_STRINGS = [
  '2025-01-02',
  '2025-01-02T10',
  '2025-01-02T14:30:00Z',
  '2025-01-02T14:30:00z',
  '2025-01-02T09:30:00.123456789',
  '2025-01-02T09:30:00,5',
  '2025-01-02T25:00',
  '2025-01-02T',
  '2025-01-02Tfoo',
  '2025-01-02T10:00:00 EST',
  '2025-01-02T10:00:00+0530',
  '2025-01-02T10:00:00+05:30:15',
  '2025-01-02T10:00:00+24:00',
  '2025-02-29',
  '2024-02-29',
  '2025-02-30',
  '2025-13-45',
  '2025-01-02\n',
  '2025-01-02 ',
  '2025-01-02 09:30:00',
  '2025-1-02',
  '20250102',
  '0000-01-01',
  '0001-01-01',
  '٢٠٢٥-01-02',
  '٢٠٢٥-٠١-٠٢',
  '２０２５-01-02T10:00',
  '2025-W01-1',
  'TTMI',
  'BRK-B',
  '123e4567-e89b-12d3-a456-426614174000',
  '',
];

/** Generates date-like strings from the pieces the loader's rules look at, with a fixed seed. */
function generatedDateStrings(count: number): string[] {
  const pad = (width: number) => (value: number) => String(value).padStart(width, '0');
  // Mostly valid fields, with an out-of-range value now and then.
  const digits = (validMax: number, max: number, width: number) =>
    fc
      .oneof({ arbitrary: fc.integer({ min: 1, max: validMax }), weight: 5 }, { arbitrary: fc.integer({ min: 0, max }), weight: 1 })
      .map(pad(width));
  const time = fc
    .tuple(
      fc.constantFrom('T', 'T', 'T', ' ', 't', 'X'),
      digits(23, 29, 2),
      fc.constantFrom('', ':00', ':30', ':59', ':07', ':60', ':5'),
      fc.constantFrom('', ':00', ':45', ':00.5', ':00.123456', ':00.1234567', ':00,25', ':61'),
      fc.constantFrom('', '', 'Z', '+00:00', '-04:00', '+05:30', 'z', '+0530', '+24:00', ' UTC', '-04:00:30'),
    )
    .map((parts) => parts.join(''));
  const tail = fc.oneof(fc.constant(''), fc.constant('\n'), fc.constant('T'), time, time);
  const date = fc
    .tuple(digits(2100, 9999, 4), fc.constantFrom('-', '-', '-', '/'), digits(12, 19, 2), fc.constant('-'), digits(28, 39, 2), tail)
    .map((parts) => parts.join(''));

  return fc.sample(date, { numRuns: count, seed: 20250102 });
}

/** Builds a Python dict literal with keys k0, k1, ... for the given strings. */
function pythonDictOf(strings: readonly string[]): string {
  // JSON string escapes are valid Python string escapes.
  return `{${strings.map((text, index) => `"k${index}": ${JSON.stringify(text)}`).join(', ')}}`;
}

describe.skipIf(refbotReason !== null)(titled('bot writes that the store reads', refbotReason), () => {
  describe.each(DIALECTS)('%s', (dialect) => {
    const reason = realServerMissingReason(dialect);

    describe.skipIf(reason !== null)(titled('reference bot and store', reason), () => {
      let db: TestDatabase;
      let store: Store;

      beforeAll(async () => {
        db = await createTestDatabase(dialect);
        await refbotBackup(db.url, 'Seed', '{"seed": 1}');
        store = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 5000 });
      });

      afterAll(async () => {
        await store?.close();
        await db?.close();
      });

      it.skipIf(fixtureReason !== null)(titled('fixture backups read back exactly', fixtureReason), async () => {
        for (const strategy of readFixtureStrategies()) {
          await refbotBackupFile(db.url, strategy.strategyId, strategy.varsFile);
          const read = await store.readStrategy(strategy.strategyId);
          const [raw] = await storedRows(db, strategy.strategyId);

          expect(read?.rows, strategy.strategyId).toHaveLength(1);
          expect(read?.rows[0]?.variables, strategy.strategyId).toBe(raw?.variables);
          expect(read?.rows[0]?.variables, strategy.strategyId).toBe(strategy.storedText);
          expect(Vars.parse(strategy.storedText).toText(), strategy.strategyId).toBe(strategy.storedText);
        }
      });

      it.skipIf(fixtureReason !== null)(titled('loadedType matches bot on fixtures', fixtureReason), async () => {
        // The previous test backed up every fixture strategy.
        for (const strategy of readFixtureStrategies()) {
          const read = await store.readStrategy(strategy.strategyId);
          const vars = Vars.parse(read!.rows[read!.loadedIndex]!.variables!);
          const loaded = await refbotLoad(db.url, strategy.strategyId);

          for (const key of vars.keys()) {
            expect(loadedType(vars.get(key)!), `${strategy.strategyId}: ${key}`).toBe(loaded.vars[key]?.type);
          }
        }
      });

      it('loadedType matches bot on date edges', async () => {
        await refbotBackup(db.url, 'DateEdges', pythonDictOf(DATE_EDGE_STRINGS));
        const read = await store.readStrategy('DateEdges');
        const vars = Vars.parse(read!.rows[0]!.variables!);
        const loaded = await refbotLoad(db.url, 'DateEdges');

        DATE_EDGE_STRINGS.forEach((text, index) => {
          expect(loadedType(vars.get(`k${index}`)!), JSON.stringify(text)).toBe(loaded.vars[`k${index}`]?.type);
        });
      });

      it('loadedType matches bot on generated dates', async () => {
        const strings = generatedDateStrings(500);
        await refbotBackup(db.url, 'DateGrammar', pythonDictOf(strings));
        const read = await store.readStrategy('DateGrammar');
        const vars = Vars.parse(read!.rows[0]!.variables!);
        const loaded = await refbotLoad(db.url, 'DateGrammar');

        const disagreements = strings.filter((_text, index) => loadedType(vars.get(`k${index}`)!) !== loaded.vars[`k${index}`]?.type);
        expect(disagreements).toEqual([]);
      });

      it('bot text survives a parse and write', async () => {
        await refbotBackup(
          db.url,
          'Lossless',
          '{"f": 1e22, "g": 1e-07, "h": 0.1 + 0.2, "big": -(2**63), "s": "tab\\t\\u00e9\\U0001F680", "n": float("nan")}',
        );
        const read = await store.readStrategy('Lossless');
        const text = read!.rows[0]!.variables!;
        const vars = Vars.parse(text);
        vars.set('added', vars.get('f')!);

        expect(text).toBe('{"f": 1e+22, "g": 1e-07, "h": 0.30000000000000004, "big": -9223372036854775808, "s": "tab\\t\\u00e9\\ud83d\\ude80", "n": NaN}');
        expect(Vars.parse(text).toText()).toBe(text);
        expect(vars.toText()).toBe(`${text.slice(0, -1)}, "added": 1e+22}`);
      });

      it('store reads a bot table of another name', async () => {
        const table = dialect === 'postgresql' ? 'trading.bot_vars' : 'bot_vars';
        if (dialect === 'postgresql') {
          await db.exec('CREATE SCHEMA trading');
        }
        await refbotBackup(db.url, 'Elsewhere', '{"qty": 3}', { table });

        const other = await openStore({ url: db.url, table, lockTimeoutMs: 5000 });
        try {
          const read = await other.readStrategy('Elsewhere');
          await other.insertStrategy('FromStore', '{"qty": 4}');
          const loaded = await refbotLoad(db.url, 'FromStore', { table });

          expect(read?.rows.map((row) => row.variables)).toEqual(['{"qty": 3}']);
          expect(loaded.vars['qty']).toEqual({ type: 'int', repr: '4' });
        } finally {
          await other.close();
        }
      });

      it('loaded row matches bot among duplicates', async () => {
        await refbotBackup(db.url, 'Dup', '{"row": "bot"}');
        const [botRow] = await storedRows(db, 'Dup');
        const botDay = botRow!.lastUpdated!.slice(0, 10);

        // Each step adds a row of another last_updated shape, then checks
        // that the store and the bot's loader pick the same row.
        const steps: [string, string | number | null][] =
          dialect === 'sqlite'
            ? [
                ['null', null],
                ['epoch', 1_893_456_000],
                ['t_separator_earlier', `${botDay}T00:00:01-05:00`],
                ['date_only_past', '2000-01-01'],
                ['date_only_future', '2099-01-01'],
              ]
            : [
                ['t_separator_earlier', `${botDay}T00:00:01+00:00`],
                ['date_only_past', '2000-01-01'],
                ['date_only_future', '2099-01-01'],
                ['null', null],
              ];

        for (const [label, lastUpdated] of steps) {
          await insertRow(db, { id: label, last_updated: lastUpdated, variables: `{"row": "${label}"}`, strategy_id: 'Dup' });

          const loaded = await refbotLoad(db.url, 'Dup');
          const read = await store.readStrategy('Dup');
          const storeRow = read!.rows[read!.loadedIndex]!;

          expect(storeRow.variables, `after adding ${label}`).toBe(`{"row": ${JSON.stringify(pythonStr(loaded.vars['row']!.repr))}}`);
        }
      });

      it('bot picks expected row among duplicates', async () => {
        // Pins the rules themselves, so that a change in the reference bot shows here.
        const loaded = await refbotLoad(db.url, 'Dup');

        expect(loaded.vars['row']?.repr).toBe(dialect === 'sqlite' ? "'date_only_future'" : "'null'");
      });

      it('bot backup rewrites every duplicate', async () => {
        await refbotBackup(db.url, 'Dup', '{"row": "rewritten"}');
        const read = await store.readStrategy('Dup');

        expect(read!.rows.map((row) => row.variables)).toEqual(read!.rows.map(() => '{"row": "rewritten"}'));
        expect(new Set(read!.rows.map((row) => row.lastUpdated?.text)).size).toBe(1);
      });
    });
  });
});

/** Reads back a simple Python str repr such as `'abc'`. */
function pythonStr(repr: string): string {
  expect(repr).toMatch(/^'[^'\\]*'$/);
  return repr.slice(1, -1);
}
