/**
 * Checks the reference bot against what Lumibot's own code wrote: it loads the
 * bot-written fixtures to the same Python values, and backs up the fixtures'
 * Python values to the same bytes. Also pins the bot rules that the
 * interoperability tests rely on (loader date rules, update in place, errors
 * logged rather than raised).
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestDatabase, DIALECTS, insertRow, type TestDatabase } from '../support/db.js';
import {
  FIXTURE_PG_DUMP,
  FIXTURE_SQLITE,
  fixturesMissingReason,
  readFixtureStrategies,
  type FixtureStrategy,
} from './support/fixtures.js';
import { refbotBackup, refbotBackupFile, refbotLoad, refbotLoadEach, refbotMissingReason } from './support/refbot.js';
import { loadSqlDump, storedRows } from './support/rows.js';
import { realServerMissingReason, titled } from './support/skip.js';

const refbotReason = refbotMissingReason();
const fixtureReason = refbotReason ?? fixturesMissingReason();

for (const reason of new Set([refbotReason, fixtureReason, realServerMissingReason('postgresql')])) {
  if (reason !== null) {
    console.warn(`refbot tests partly skipped: ${reason}`);
  }
}

// SQLite: a copy of the bot's file. PostgreSQL: the bot's dump in a fresh database.
async function openFixtureDatabase(dialect: (typeof DIALECTS)[number]): Promise<{ url: string; close: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const folder = mkdtempSync(join(tmpdir(), 'varsctl-fixture-'));
    const file = join(folder, 'lumibot.sqlite');
    copyFileSync(FIXTURE_SQLITE, file);
    return { url: `sqlite:///${file}`, close: async () => rmSync(folder, { recursive: true, force: true }) };
  }

  const db = await createTestDatabase('postgresql');
  loadSqlDump(db, FIXTURE_PG_DUMP);
  return { url: db.url, close: () => db.close() };
}

describe.skipIf(fixtureReason !== null)(titled('refbot on bot-written fixtures', fixtureReason), () => {
  const strategies: FixtureStrategy[] = fixtureReason === null ? readFixtureStrategies() : [];

  it('fixture README lists every strategy', () => {
    expect(strategies.map((strategy) => strategy.strategyId)).toEqual([
      'MomentumBot',
      'OptionsWheel',
      'Стратегия Волатильность 🚀',
      'MeanReversion NaN-Edge',
      'crypto-grid.bot v2',
    ]);
  });

  describe.each(DIALECTS)('%s', (dialect) => {
    const reason = realServerMissingReason(dialect);

    describe.skipIf(reason !== null)(titled('load of the stored rows', reason), () => {
      let fixture: { url: string; close: () => Promise<void> };

      beforeAll(async () => {
        fixture = await openFixtureDatabase(dialect);
      });

      afterAll(async () => {
        await fixture?.close();
      });

      it.each(strategies.map((strategy) => [strategy.strategyId, strategy] as const))(
        'load %s matches loaded-back column',
        async (_name, strategy) => {
          const result = await refbotLoad(fixture.url, strategy.strategyId);

          expect(result.loaded).toBe(true);
          expect(result.error).toBeNull();
          expect(Object.keys(result.vars).sort()).toEqual(strategy.keys.map((entry) => entry.key).sort());
          for (const entry of strategy.keys) {
            expect(result.vars[entry.key], entry.key).toEqual({ type: entry.loadedType, repr: entry.loadedRepr });
          }
        },
      );

      it('load-each matches loaded-back columns', async () => {
        const results = await refbotLoadEach(fixture.url, [...strategies.map((strategy) => strategy.strategyId), 'INITIAL VALUE']);

        expect(results['INITIAL VALUE']?.status).toBe('error');
        for (const strategy of strategies) {
          const expected = Object.fromEntries(strategy.keys.map((entry) => [entry.key, { type: entry.loadedType, repr: entry.loadedRepr }]));
          expect(results[strategy.strategyId]?.vars, strategy.strategyId).toEqual(expected);
        }
      });

      it('load of placeholder row logs error', async () => {
        const result = await refbotLoad(fixture.url, 'INITIAL VALUE');

        expect(result.loaded).toBe(false);
        expect(result.status).toBe('error');
        expect(result.error).toMatch(/^Expecting value/);
        expect(result.vars).toEqual({});
      });
    });

    describe.skipIf(reason !== null)(titled('backup of the fixture values', reason), () => {
      let db: TestDatabase;

      beforeAll(async () => {
        db = await createTestDatabase(dialect);
        for (const strategy of strategies) {
          await refbotBackupFile(db.url, strategy.strategyId, strategy.varsFile);
        }
      });

      afterAll(async () => {
        await db?.close();
      });

      it.each(strategies.map((strategy) => [strategy.strategyId, strategy] as const))(
        'backup %s writes the stored text',
        async (_name, strategy) => {
          const rows = await storedRows(db, strategy.strategyId);

          expect(rows).toHaveLength(1);
          expect(rows[0]?.variables).toBe(strategy.storedText);
        },
      );

      it('README key rows assemble into the stored text', () => {
        for (const strategy of strategies) {
          const fragments = strategy.keys.map((entry) => `${JSON.stringify(entry.key)}: ${entry.storedFragment}`);

          // The README shows keys decoded and the stored text escapes them, so compare decoded.
          expect(decodeEscapes(`{${fragments.join(', ')}}`), strategy.strategyId).toBe(decodeEscapes(strategy.storedText));
        }
      });

      it('table has the bot placeholder row', async () => {
        const rows = await storedRows(db, 'INITIAL VALUE');

        expect(rows).toHaveLength(1);
        expect(rows[0]?.variables).toBe('INITIAL VALUE');
        expect(rows[0]?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      });

      it('table columns match the bot', async () => {
        if (dialect === 'sqlite') {
          const [table] = await db.query(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'vars_backup'`);
          const [index] = await db.query(`SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'ix_vars_backup_id'`);

          expect(table?.['sql']).toBe(
            'CREATE TABLE vars_backup (\n\tid TEXT, \n\tlast_updated TIMESTAMP, \n\tvariables TEXT, \n\tstrategy_id TEXT\n)',
          );
          expect(index?.['sql']).toBe('CREATE INDEX ix_vars_backup_id ON vars_backup (id)');
          return;
        }

        const columns = await db.query(
          `SELECT column_name, data_type FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = 'vars_backup' ORDER BY ordinal_position`,
        );
        const [index] = await db.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_vars_backup_id'`);

        expect(columns).toEqual([
          { column_name: 'id', data_type: 'text' },
          { column_name: 'last_updated', data_type: 'timestamp with time zone' },
          { column_name: 'variables', data_type: 'text' },
          { column_name: 'strategy_id', data_type: 'text' },
        ]);
        expect(index?.['indexdef']).toBe('CREATE INDEX ix_vars_backup_id ON public.vars_backup USING btree (id)');
      });

      it.skipIf(dialect !== 'sqlite')('sqlite last_updated shapes match the bot', async () => {
        const [placeholder] = await storedRows(db, 'INITIAL VALUE');
        const [strategy] = await storedRows(db, 'MomentumBot');

        expect(placeholder?.lastUpdatedType).toBe('text');
        expect(placeholder?.lastUpdated).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
        expect(strategy?.lastUpdatedType).toBe('text');
        expect(strategy?.lastUpdated).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{6})?-0[45]:00$/);
      });
    });
  });
});

describe.skipIf(refbotReason !== null)(titled('refbot bot rules', refbotReason), () => {
  describe.each(DIALECTS)('%s', (dialect) => {
    const reason = realServerMissingReason(dialect);
    let db: TestDatabase;

    beforeAll(async () => {
      if (reason === null) {
        db = await createTestDatabase(dialect);
      }
    });

    afterAll(async () => {
      await db?.close();
    });

    it.skipIf(reason !== null)(titled('load without table reports no_table', reason), async () => {
      const result = await refbotLoad(db.url, 'Nobody');

      expect(result.status).toBe('no_table');
      expect(result.loaded).toBe(false);
    });

    it.skipIf(reason !== null)(titled('repeated backup updates in place', reason), async () => {
      const first = await refbotBackup(db.url, 'InPlace', '{"qty": 1}');
      const second = await refbotBackup(db.url, 'InPlace', '{"qty": 2}');
      const rows = await storedRows(db, 'InPlace');

      expect(first).toEqual({ steps: ['inserted'] });
      expect(second).toEqual({ steps: ['updated'] });
      expect(rows).toHaveLength(1);
      expect(rows[0]?.variables).toBe('{"qty": 2}');
    });

    it.skipIf(reason !== null)(titled('unchanged vars are not written again', reason), async () => {
      const folder = mkdtempSync(join(tmpdir(), 'varsctl-refbot-'));
      const path = join(folder, 'vars.py');
      writeFileSync(path, 'SEQUENCE = [{"a": 1, "b": 2}, {"b": 2}, {"a": 3}]\n');

      const result = await refbotBackupFile(db.url, 'Unchanged', path);
      rmSync(folder, { recursive: true, force: true });

      expect(result).toEqual({ steps: ['inserted', 'unchanged', 'updated'] });
    });

    it.skipIf(reason !== null)(titled('empty vars write no row', reason), async () => {
      const result = await refbotBackup(db.url, 'Empty', '{}');
      const rows = await storedRows(db, 'Empty');

      expect(result).toEqual({ steps: ['empty'] });
      expect(rows).toHaveLength(0);
    });

    it.skipIf(reason !== null)(titled('unencodable value raises TypeError', reason), async () => {
      const result = await refbotBackup(db.url, 'Raises', '{"ok": 1, "at": datetime.time(9, 30)}');
      const rows = await storedRows(db, 'Raises');

      expect(result).toEqual({ raised: 'TypeError', error: 'Object of type time is not JSON serializable' });
      expect(rows).toHaveLength(0);
    });

    it.skipIf(reason !== null)(titled('backup updates every duplicate row', reason), async () => {
      const stamp = dialect === 'sqlite' ? '2025-01-02 10:00:00-05:00' : '2025-01-02 15:00:00+00';
      await insertRow(db, { id: 'dup-1', last_updated: stamp, variables: '{"v": 1}', strategy_id: 'Twice' });
      await insertRow(db, { id: 'dup-2', last_updated: stamp, variables: '{"v": 2}', strategy_id: 'Twice' });

      await refbotBackup(db.url, 'Twice', '{"v": 3}');
      const rows = await storedRows(db, 'Twice');

      expect(rows.map((row) => row.id)).toEqual(['dup-1', 'dup-2']);
      expect(rows.map((row) => row.variables)).toEqual(['{"v": 3}', '{"v": 3}']);
      expect(rows[0]?.lastUpdated).toBe(rows[1]?.lastUpdated);
      expect(rows[0]?.lastUpdated).not.toBe(stamp);
    });

    it.skipIf(reason !== null)(titled('loader converts only object string values', reason), async () => {
      const variables =
        '{"day": "2025-01-02", "at": "2025-01-02T14:30:00Z", "hour": "2025-01-02T10", "spaced": "2025-01-02 09:30:00", ' +
        '"bad_day": "2025-02-30", "ticker": "TTMI", "days": ["2025-01-02"], "nested": [{"d": "2025-01-03"}], ' +
        '"2025-01-04": 1, "big": 18446744073709551621, "neg_zero": -0, "exp": 1e5, "dup": 1, "dup": 2}';
      await insertRow(db, { id: 'rules', last_updated: null, variables, strategy_id: 'LoaderRules' });

      const result = await refbotLoad(db.url, 'LoaderRules');

      expect(result.vars['day']).toEqual({ type: 'date', repr: 'datetime.date(2025, 1, 2)' });
      expect(result.vars['at']).toEqual({ type: 'datetime', repr: 'datetime.datetime(2025, 1, 2, 14, 30, tzinfo=datetime.timezone.utc)' });
      expect(result.vars['hour']).toEqual({ type: 'datetime', repr: 'datetime.datetime(2025, 1, 2, 10, 0)' });
      expect(result.vars['spaced']).toEqual({ type: 'str', repr: "'2025-01-02 09:30:00'" });
      expect(result.vars['bad_day']).toEqual({ type: 'str', repr: "'2025-02-30'" });
      expect(result.vars['ticker']).toEqual({ type: 'str', repr: "'TTMI'" });
      expect(result.vars['days']).toEqual({ type: 'list', repr: "['2025-01-02']" });
      expect(result.vars['nested']).toEqual({ type: 'list', repr: "[{'d': datetime.date(2025, 1, 3)}]" });
      expect(result.vars['2025-01-04']).toEqual({ type: 'int', repr: '1' });
      expect(result.vars['big']).toEqual({ type: 'int', repr: '18446744073709551621' });
      expect(result.vars['neg_zero']).toEqual({ type: 'int', repr: '0' });
      expect(result.vars['exp']).toEqual({ type: 'float', repr: '100000.0' });
      expect(result.vars['dup']).toEqual({ type: 'int', repr: '2' });
    });

    it.skipIf(reason !== null)(titled('loader logs errors without raising', reason), async () => {
      const cases: [string, string | null, RegExp][] = [
        ['BadJson', '{"a": ', /^Expecting value/],
        ['TopList', '[1, 2]', /'list' object has no attribute 'items'/],
        ['Garbage', '{"a": 1} x', /^Extra data/],
        ['SqlNull', null, /must be str, bytes or bytearray, not NoneType/],
      ];

      for (const [strategyId, variables, message] of cases) {
        await insertRow(db, { id: strategyId, last_updated: null, variables, strategy_id: strategyId });
        const result = await refbotLoad(db.url, strategyId);

        expect(result.status, strategyId).toBe('error');
        expect(result.error, strategyId).toMatch(message);
        expect(result.vars, strategyId).toEqual({});
      }
    });
  });
});

function decodeEscapes(text: string): string {
  return text.replaceAll(/\\u([0-9a-f]{4})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
