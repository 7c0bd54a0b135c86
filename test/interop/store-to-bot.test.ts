/**
 * What varsctl writes, the bot loads. Texts built with `src/vars` and written
 * through the store load in the reference bot with the expected Python types
 * and values, and are byte-identical to what the bot itself writes. Their
 * `last_updated` is ordered correctly by the bot's loader.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openStore, type Store } from '../../src/store/index.js';
import { fromJs, loadedType, parseValue, canonicalize, Vars } from '../../src/vars/index.js';
import { createTestDatabase, DIALECTS, insertRow, type TestDatabase } from '../support/db.js';
import { refbotBackup, refbotLoad, refbotLoop, refbotMissingReason } from './support/refbot.js';
import { storedRows } from './support/rows.js';
import { realServerMissingReason, titled } from './support/skip.js';

const refbotReason = refbotMissingReason();
if (refbotReason !== null) {
  console.warn(`store-to-bot tests skipped: ${refbotReason}`);
}

/** The bot's SQLite `last_updated` text: space separator, optional fraction, UTC offset. */
const BOT_SQLITE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{6})?[+-]\d{2}:\d{2}$/;

/** Builds the sample variables in TypeScript. SAMPLE_PYTHON has the same values in Python. */
function sampleVars(): Vars {
  const vars = Vars.empty();
  vars.set('qty', fromJs(10n));
  vars.set('one', fromJs(1));
  vars.set('nan', fromJs(Number.NaN));
  vars.set('neg_inf', fromJs(Number.NEGATIVE_INFINITY));
  vars.set('neg_zero', fromJs(-0));
  vars.set('big', fromJs(18446744073709551621n));
  vars.set('stop', canonicalize(parseValue('1e-05')));
  vars.set('day', fromJs('2025-01-02'));
  vars.set('note', fromJs('naïve café – 🚀'));
  vars.set('цена', fromJs(312.45));
  vars.set('nested', fromJs(new Map<string, unknown>([['at', '2025-01-02T14:30:00Z'], ['days', ['2025-01-03']]])));
  vars.set('flag', fromJs(true));
  vars.set('nothing', fromJs(null));
  return vars;
}

const SAMPLE_PYTHON = `{
  "qty": 10, "one": 1.0, "nan": float("nan"), "neg_inf": float("-inf"), "neg_zero": -0.0,
  "big": 2**64 + 5, "stop": 1e-05, "day": "2025-01-02", "note": "naïve café – 🚀", "цена": 312.45,
  "nested": {"at": "2025-01-02T14:30:00Z", "days": ["2025-01-03"]}, "flag": True, "nothing": None,
}`;

const SAMPLE_LOADED: Record<string, { type: string; repr: string }> = {
  qty: { type: 'int', repr: '10' },
  one: { type: 'float', repr: '1.0' },
  nan: { type: 'float', repr: 'nan' },
  neg_inf: { type: 'float', repr: '-inf' },
  neg_zero: { type: 'float', repr: '-0.0' },
  big: { type: 'int', repr: '18446744073709551621' },
  stop: { type: 'float', repr: '1e-05' },
  day: { type: 'date', repr: 'datetime.date(2025, 1, 2)' },
  note: { type: 'str', repr: "'naïve café – 🚀'" },
  цена: { type: 'float', repr: '312.45' },
  nested: { type: 'dict', repr: "{'at': datetime.datetime(2025, 1, 2, 14, 30, tzinfo=datetime.timezone.utc), 'days': ['2025-01-03']}" },
  flag: { type: 'bool', repr: 'True' },
  nothing: { type: 'NoneType', repr: 'None' },
};

describe.skipIf(refbotReason !== null)(titled('store writes that the bot loads', refbotReason), () => {
  describe.each(DIALECTS)('%s', (dialect) => {
    const reason = realServerMissingReason(dialect);

    describe.skipIf(reason !== null)(titled('store and reference bot', reason), () => {
      let db: TestDatabase;
      let store: Store;

      beforeAll(async () => {
        db = await createTestDatabase(dialect);
        // The bot creates the table, so its column types are the bot's own.
        await refbotBackup(db.url, 'Seed', '{"seed": 1}');
        store = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 5000 });
      });

      afterAll(async () => {
        await store?.close();
        await db?.close();
      });

      it('inserted vars load with Python types', async () => {
        await store.insertStrategy('Inserted', sampleVars().toText());

        const result = await refbotLoad(db.url, 'Inserted');

        expect(result.loaded).toBe(true);
        expect(result.vars).toEqual(SAMPLE_LOADED);
      });

      it('loadedType agrees with the bot', async () => {
        const vars = sampleVars();
        await store.insertStrategy('TypeCheck', vars.toText());

        const result = await refbotLoad(db.url, 'TypeCheck');

        for (const key of vars.keys()) {
          expect(loadedType(vars.get(key)!), key).toBe(result.vars[key]?.type);
        }
      });

      it('serialized text equals the bot text', async () => {
        await refbotBackup(db.url, 'BotSample', SAMPLE_PYTHON);
        const [botRow] = await storedRows(db, 'BotSample');

        expect(sampleVars().toText()).toBe(botRow?.variables);
      });

      it('compareAndSwap result loads in the bot', async () => {
        await refbotBackup(db.url, 'Swapped', SAMPLE_PYTHON);
        const read = await store.readStrategy('Swapped');
        const loaded = read!.rows[read!.loadedIndex]!;
        const vars = Vars.parse(loaded.variables!);
        vars.set('qty', fromJs(11n));
        vars.set('added', fromJs('2025-03-14T09:30:00-04:00'));

        const swap = await store.compareAndSwap('Swapped', { lastUpdated: loaded.lastUpdated, variables: loaded.variables }, vars.toText());
        const result = await refbotLoad(db.url, 'Swapped');

        expect(swap.status).toBe('updated');
        expect(result.vars['qty']).toEqual({ type: 'int', repr: '11' });
        expect(result.vars['added']).toEqual({
          type: 'datetime',
          repr: 'datetime.datetime(2025, 3, 14, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(days=-1, seconds=72000)))',
        });
        expect(result.vars['big']).toEqual(SAMPLE_LOADED['big']);
        expect(result.vars['nested']).toEqual(SAMPLE_LOADED['nested']);
      });

      it('compareAndSwap after a bot write conflicts', async () => {
        await refbotBackup(db.url, 'Raced', '{"counter": 0}');
        const read = await store.readStrategy('Raced');
        const loaded = read!.rows[read!.loadedIndex]!;

        await refbotLoop(db.url, 'Raced', 1, 0);
        const swap = await store.compareAndSwap('Raced', { lastUpdated: loaded.lastUpdated, variables: loaded.variables }, '{"counter": 100}');
        const [row] = await storedRows(db, 'Raced');

        expect(swap.status).toBe('conflict');
        expect(row?.variables).toBe('{"counter": 1}');
      });

      it('bot backup updates inserted row in place', async () => {
        const inserted = await store.insertStrategy('Adopted', '{"qty": 1}');

        const backup = await refbotBackup(db.url, 'Adopted', '{"qty": 2}');
        const rows = await storedRows(db, 'Adopted');

        expect(backup).toEqual({ steps: ['updated'] });
        expect(rows).toHaveLength(1);
        expect(rows[0]?.id).toBe(inserted.id);
        expect(rows[0]?.variables).toBe('{"qty": 2}');
      });

      it('inserted id is a uuid4', async () => {
        const inserted = await store.insertStrategy('Uuid', '{"qty": 1}');

        expect(inserted.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      });

      it.skipIf(dialect !== 'sqlite')('sqlite last_updated has the bot shape', async () => {
        await refbotBackup(db.url, 'ShapeBot', '{"qty": 1}');
        await store.insertStrategy('ShapeStore', '{"qty": 1}');
        const [botRow] = await storedRows(db, 'ShapeBot');
        const [storeRow] = await storedRows(db, 'ShapeStore');

        expect(botRow?.lastUpdated).toMatch(BOT_SQLITE_TIME);
        expect(storeRow?.lastUpdated).toMatch(BOT_SQLITE_TIME);
        expect(storeRow?.lastUpdatedType).toBe('text');
        // Both are New York time written moments apart, so the offsets agree.
        expect(storeRow?.lastUpdated?.slice(-6)).toBe(botRow?.lastUpdated?.slice(-6));
      });

      it('last_updated orders with bot rows', async () => {
        await refbotBackup(db.url, 'OrderFirst', '{"qty": 1}');
        await store.insertStrategy('OrderSecond', '{"qty": 1}');
        await refbotBackup(db.url, 'OrderThird', '{"qty": 1}');

        const rows = await db.query(
          `SELECT strategy_id FROM vars_backup
            WHERE strategy_id IN ('OrderFirst', 'OrderSecond', 'OrderThird') ORDER BY last_updated DESC`,
        );

        expect(rows.map((row) => row['strategy_id'])).toEqual(['OrderThird', 'OrderSecond', 'OrderFirst']);
      });

      it('bot loads the newer store row', async () => {
        await refbotBackup(db.url, 'EarlierBot', '{"row": "bot"}');
        const [earlier] = await storedRows(db, 'EarlierBot');
        await store.insertStrategy('Mixed', '{"row": "store"}');
        // A bot-written row of the same strategy, older than the store's.
        await insertRow(db, { id: 'older', last_updated: earlier!.lastUpdated, variables: '{"row": "bot"}', strategy_id: 'Mixed' });

        const result = await refbotLoad(db.url, 'Mixed');
        const read = await store.readStrategy('Mixed');

        expect(result.vars['row']).toEqual({ type: 'str', repr: "'store'" });
        expect(read!.rows[read!.loadedIndex]!.variables).toBe('{"row": "store"}');
      });
    });
  });
});
