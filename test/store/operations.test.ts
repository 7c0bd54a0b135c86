import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ConflictError, NotFoundError } from '../../src/errors.js';
import { openStore, type RestoreRow, type Store } from '../../src/store/index.js';
import { DIALECTS, createBotTable, createTestDatabase, insertRow, type TestDatabase } from '../support/db.js';

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe.each(DIALECTS)('store operations (%s)', (dialect) => {
  let db: TestDatabase;
  let store: Store;

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    await createBotTable(db);
    store = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 2000 });
  });

  afterEach(async () => {
    await store.close();
    await db.close();
  });

  it('lists the placeholder row', async () => {
    const summaries = await store.listSummaries();
    expect(summaries.map((summary) => summary.strategyId)).toEqual(['INITIAL VALUE']);
    expect(summaries[0]?.variables).toBe('INITIAL VALUE');
    expect(summaries[0]?.variablesBytes).toBe(13);
    expect(summaries[0]?.rowCount).toBe(1);
  });

  it('inserts a strategy as the bot does', async () => {
    const row = await store.insertStrategy('Momentum', '{"a": 1}');
    expect(row.id).toMatch(UUID4);
    expect(row.variables).toBe('{"a": 1}');

    const read = await store.readStrategy('Momentum');
    expect(read?.rows).toHaveLength(1);
    expect(read?.rows[0]?.lastUpdated?.text).toBe(row.lastUpdated?.text);
    if (dialect === 'sqlite') {
      expect(row.lastUpdated?.text).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{6})?-0[45]:00$/);
    } else {
      expect(row.lastUpdated?.text).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/);
    }
    const age = BigInt(Date.now()) * 1000n - (row.lastUpdated?.epochMicros ?? 0n);
    expect(Number(age)).toBeLessThan(60_000_000);
  });

  it('swaps when the row is unchanged', async () => {
    await insertRow(db, { id: 'r1', last_updated: '2025-01-02 09:30:00.5-05:00', variables: '{"a": 1}', strategy_id: 'S' });
    await insertRow(db, { id: 'r2', last_updated: '2025-01-01 09:30:00-05:00', variables: '{"a": 0}', strategy_id: 'S' });
    const before = await store.readStrategy('S');
    const loaded = before?.rows[before.loadedIndex];
    expect(loaded?.id).toBe('r1');

    const result = await store.compareAndSwap('S', { lastUpdated: loaded?.lastUpdated ?? null, variables: loaded?.variables ?? null }, '{"a": 2}');
    expect(result.status).toBe('updated');
    expect(result.status === 'updated' ? result.rowsUpdated : 0).toBe(2);

    const after = await store.readStrategy('S');
    expect(after?.rows.map((row) => row.variables)).toEqual(['{"a": 2}', '{"a": 2}']);
    expect(after?.rows[0]?.lastUpdated?.text).toBe(after?.rows[1]?.lastUpdated?.text);
  });

  it('reports a conflict when another writer changed the row', async () => {
    await insertRow(db, { id: 'r1', last_updated: '2025-01-02 09:30:00-05:00', variables: '{"a": 1}', strategy_id: 'S' });
    const before = await store.readStrategy('S');
    const loaded = before?.rows[0];

    await db.query("UPDATE vars_backup SET variables = '{\"a\": 5}' WHERE strategy_id = 'S'");
    const result = await store.compareAndSwap('S', { lastUpdated: loaded?.lastUpdated ?? null, variables: loaded?.variables ?? null }, '{"a": 2}');

    expect(result.status).toBe('conflict');
    expect(result.status === 'conflict' ? result.current?.variables : null).toBe('{"a": 5}');
    const rows = await db.query("SELECT variables FROM vars_backup WHERE strategy_id = 'S'");
    expect(rows).toEqual([{ variables: '{"a": 5}' }]);
  });

  it('conflicts on one changed character', async () => {
    const text = `{"history": "${'x'.repeat(300_000)}", "a": 1}`;
    await insertRow(db, { id: 'r1', last_updated: '2025-01-02 09:30:00-05:00', variables: text, strategy_id: 'S' });
    const before = await store.readStrategy('S');
    const loaded = before?.rows[0];

    await db.query(`UPDATE vars_backup SET variables = '${text.replace('"a": 1', '"a": 7')}' WHERE strategy_id = 'S'`);
    const result = await store.compareAndSwap('S', { lastUpdated: loaded?.lastUpdated ?? null, variables: loaded?.variables ?? null }, '{"a": 2}');

    expect(result.status).toBe('conflict');
    expect(result.status === 'conflict' ? result.current?.variables?.endsWith('"a": 7}') : null).toBe(true);
  });

  it('conflicts on a repeated swap', async () => {
    await insertRow(db, { id: 'r1', last_updated: '2025-01-02 09:30:00-05:00', variables: '{"a": 1}', strategy_id: 'S' });
    const before = await store.readStrategy('S');
    const expected = { lastUpdated: before?.rows[0]?.lastUpdated ?? null, variables: before?.rows[0]?.variables ?? null };

    expect((await store.compareAndSwap('S', expected, '{"a": 2}')).status).toBe('updated');
    const second = await store.compareAndSwap('S', expected, '{"a": 3}');

    expect(second.status).toBe('conflict');
    expect(second.status === 'conflict' ? second.current?.variables : null).toBe('{"a": 2}');
  });

  it('conflicts after its own write', async () => {
    await insertRow(db, { id: 'r1', last_updated: '2025-01-02 09:30:00-05:00', variables: '{"a": 1}', strategy_id: 'S' });
    const before = await store.readStrategy('S');
    await store.insertStrategy('S', '{"a": 8}');

    const result = await store.compareAndSwap('S', { lastUpdated: before?.rows[0]?.lastUpdated ?? null, variables: before?.rows[0]?.variables ?? null }, '{"a": 2}');

    expect(result.status).toBe('conflict');
    expect(result.status === 'conflict' ? result.current?.variables : null).toBe('{"a": 8}');
  });

  it('swaps after an identical rewrite', async () => {
    await insertRow(db, { id: 'r1', last_updated: '2025-01-02 09:30:00-05:00', variables: '{"a": 1}', strategy_id: 'S' });
    const before = await store.readStrategy('S');

    await db.query("UPDATE vars_backup SET variables = '{\"a\": 1}' WHERE strategy_id = 'S'");
    const result = await store.compareAndSwap('S', { lastUpdated: before?.rows[0]?.lastUpdated ?? null, variables: before?.rows[0]?.variables ?? null }, '{"a": 2}');

    expect(result.status).toBe('updated');
  });

  it('conflicts after a file rewrite', async () => {
    // One transaction writes both rows, so they share xmin and last_updated.
    await db.exec(
      `INSERT INTO vars_backup VALUES ('a', '2025-01-02 09:30:00-05:00', '{"v": "A"}', 'S'), ('b', '2025-01-02 09:30:00-05:00', '{"v": "B"}', 'S')`,
    );
    const before = await store.readStrategy('S');
    const loaded = before?.rows[before.loadedIndex];

    // The other row moves into the loaded row's place when the file is rewritten.
    await db.exec(`DELETE FROM vars_backup WHERE id = '${loaded?.id ?? ''}'`);
    await db.exec(dialect === 'postgresql' ? 'VACUUM FULL vars_backup' : 'VACUUM');
    const result = await store.compareAndSwap('S', { lastUpdated: loaded?.lastUpdated ?? null, variables: loaded?.variables ?? null }, '{"v": "C"}');

    expect(result.status).toBe('conflict');
    const rows = await db.query("SELECT variables FROM vars_backup WHERE strategy_id = 'S'");
    expect(rows).toEqual([{ variables: loaded?.id === 'a' ? '{"v": "B"}' : '{"v": "A"}' }]);
  });

  it.skipIf(dialect === 'sqlite')('conflicts across partitions', async () => {
    await db.exec('DROP TABLE vars_backup');
    await db.exec('CREATE TABLE vars_backup (id TEXT, last_updated TIMESTAMPTZ, variables TEXT, strategy_id TEXT) PARTITION BY LIST (id)');
    await db.exec(`CREATE TABLE vars_backup_a PARTITION OF vars_backup FOR VALUES IN ('a')`);
    await db.exec(`CREATE TABLE vars_backup_b PARTITION OF vars_backup FOR VALUES IN ('b')`);
    await db.exec(
      `INSERT INTO vars_backup VALUES ('a', '2025-01-02 09:30:00-05:00', '{"v": "A"}', 'S'), ('b', '2025-01-02 09:30:00-05:00', '{"v": "B"}', 'S')`,
    );
    const partitioned = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 2000 });
    try {
      const before = await partitioned.readStrategy('S');
      const loaded = before?.rows[before.loadedIndex];

      // Both rows sit in the first slot of their own partition, written by one transaction.
      await db.exec(`DELETE FROM vars_backup WHERE id = '${loaded?.id ?? ''}'`);
      const result = await partitioned.compareAndSwap('S', { lastUpdated: loaded?.lastUpdated ?? null, variables: loaded?.variables ?? null }, '{"v": "C"}');

      expect(result.status).toBe('conflict');
    } finally {
      await partitioned.close();
    }
  });

  it.skipIf(dialect === 'sqlite')('conflicts after columns are renamed', async () => {
    await db.exec('ALTER TABLE vars_backup ADD COLUMN variables_new TEXT');
    await insertRow(db, { id: 'a', last_updated: '2025-01-02 09:30:00-05:00', variables: '{"v": "old"}', strategy_id: 'S' });
    await db.exec(`UPDATE vars_backup SET variables_new = '{"v": "migrated"}' WHERE id = 'a'`);
    const before = await store.readStrategy('S');
    const loaded = before?.rows[before.loadedIndex];

    // The tuple stays where it was, and its variables now read another column.
    await db.exec('ALTER TABLE vars_backup RENAME COLUMN variables TO variables_old');
    await db.exec('ALTER TABLE vars_backup RENAME COLUMN variables_new TO variables');
    const result = await store.compareAndSwap('S', { lastUpdated: loaded?.lastUpdated ?? null, variables: loaded?.variables ?? null }, '{"v": "new"}');

    expect(result.status).toBe('conflict');
    expect(await db.query("SELECT variables FROM vars_backup WHERE id = 'a'")).toEqual([{ variables: '{"v": "migrated"}' }]);
  });

  it.skipIf(dialect === 'sqlite')('reads one row per partition', async () => {
    await db.exec('DROP TABLE vars_backup');
    await db.exec('CREATE TABLE vars_backup (id TEXT, last_updated TIMESTAMPTZ, variables TEXT, strategy_id TEXT) PARTITION BY LIST (id)');
    for (const id of ['r1', 'r2', 'r3']) {
      await db.exec(`CREATE TABLE vars_backup_${id} PARTITION OF vars_backup FOR VALUES IN ('${id}')`);
    }
    // Each row is the first of its partition, so all three have the same ctid.
    await insertRow(db, { id: 'r1', last_updated: '2025-01-02 09:30:00-05:00', variables: '{"v": 1}', strategy_id: 'S' });
    await insertRow(db, { id: 'r2', last_updated: '2025-01-02 09:31:00-05:00', variables: '{"v": 2}', strategy_id: 'S' });
    await insertRow(db, { id: 'r3', last_updated: '2025-01-02 09:29:00-05:00', variables: '{"v": 3}', strategy_id: 'S' });
    const partitioned = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 2000 });
    try {
      const summaries = await partitioned.listSummaries();
      const read = await partitioned.readStrategy('S');

      expect(summaries.map((summary) => [summary.strategyId, summary.rowCount, summary.variables])).toEqual([['S', 3, '{"v": 2}']]);
      expect(read?.rows.map((row) => row.id)).toEqual(['r2', 'r1', 'r3']);
      expect(read?.loadedIndex).toBe(0);
    } finally {
      await partitioned.close();
    }
  });

  it('swaps a non-ASCII text', async () => {
    const text = '{"note": "caf\\u00e9 \u00e9\u6f22\ud83d\ude00"}';
    await insertRow(db, { id: 'r1', last_updated: '2025-01-02 09:30:00-05:00', variables: text, strategy_id: 'S' });
    const before = await store.readStrategy('S');
    const loaded = before?.rows[0];
    expect(loaded?.variables).toBe(text);

    const result = await store.compareAndSwap('S', { lastUpdated: loaded?.lastUpdated ?? null, variables: loaded?.variables ?? null }, '{"a": 2}');
    expect(result.status).toBe('updated');
  });

  it('conflicts when expecting NULL text', async () => {
    await insertRow(db, { id: 'r1', last_updated: '2025-01-02 09:30:00-05:00', variables: '{}', strategy_id: 'S' });
    const read = await store.readStrategy('S');

    const result = await store.compareAndSwap('S', { lastUpdated: read?.rows[0]?.lastUpdated ?? null, variables: null }, '{"a": 2}');
    expect(result.status).toBe('conflict');
  });

  it('swaps a row whose last_updated is NULL', async () => {
    await insertRow(db, { id: 'r1', last_updated: null, variables: '{"a": 1}', strategy_id: 'S' });
    const result = await store.compareAndSwap('S', { lastUpdated: null, variables: '{"a": 1}' }, '{"a": 2}');

    expect(result.status).toBe('updated');
    const after = await store.readStrategy('S');
    expect(after?.rows[0]?.variables).toBe('{"a": 2}');
    expect(after?.rows[0]?.lastUpdated?.epochMicros).not.toBeNull();
  });

  it('compares last_updated at full precision', async () => {
    await insertRow(db, { id: 'r1', last_updated: '2025-01-02 09:30:00.000002-05:00', variables: '{"a": 1}', strategy_id: 'S' });
    const read = await store.readStrategy('S');
    const text = read?.rows[0]?.lastUpdated?.text ?? '';
    const oneMicroEarlier = text.replace('.000002', '.000001');

    const result = await store.compareAndSwap('S', { lastUpdated: { text: oneMicroEarlier, epochMicros: null }, variables: '{"a": 1}' }, '{"a": 2}');
    expect(result.status).toBe('conflict');
  });

  it('deletes strategies', async () => {
    await insertRow(db, { id: 'r1', last_updated: '2025-01-02 09:30:00-05:00', variables: '{}', strategy_id: 'A' });
    await insertRow(db, { id: 'r2', last_updated: '2025-01-02 09:30:00-05:00', variables: '{}', strategy_id: 'A' });
    await insertRow(db, { id: 'r3', last_updated: '2025-01-02 09:30:00-05:00', variables: '{}', strategy_id: 'B' });

    expect(await store.deleteStrategies(['A', 'missing'])).toBe(2);
    const left = await store.listSummaries();
    expect(left.map((summary) => summary.strategyId)).toEqual(['B', 'INITIAL VALUE']);
  });

  it('streams rows of named strategies', async () => {
    await insertRow(db, { id: 'r1', last_updated: '2025-01-02 09:30:00-05:00', variables: '{}', strategy_id: 'A' });
    await insertRow(db, { id: 'r3', last_updated: null, variables: null, strategy_id: 'B' });

    const rows = [];
    for await (const row of store.streamRows(['B'])) {
      rows.push(row);
    }
    expect(rows).toEqual([{ id: 'r3', lastUpdated: null, variables: null, strategyId: 'B' }]);
  });

  it('replaces strategies in one transaction', async () => {
    await insertRow(db, { id: 'old', last_updated: '2025-01-02 09:30:00-05:00', variables: '{"old": 1}', strategy_id: 'A' });
    const rows: RestoreRow[] = [
      { id: 'n1', lastUpdated: { text: '2025-01-03 10:00:00-05:00', epochMicros: 1_735_916_400_000_000n, dialect: 'sqlite' }, variables: '{"new": 1}', strategyId: 'A' },
    ];
    async function* source() {
      yield* rows;
    }

    expect(await store.replaceStrategies(['A'], source())).toBe(1);
    const read = await store.readStrategy('A');
    expect(read?.rows.map((row) => row.id)).toEqual(['n1']);
    expect(read?.rows[0]?.lastUpdated?.epochMicros).toBe(1_735_916_400_000_000n);
  });

  it('rolls back a failed replace', async () => {
    await insertRow(db, { id: 'old', last_updated: '2025-01-02 09:30:00-05:00', variables: '{"old": 1}', strategy_id: 'A' });
    async function* source(): AsyncIterable<RestoreRow> {
      yield { id: 'n1', lastUpdated: null, variables: '{"new": 1}', strategyId: 'A' };
      throw new Error('export file damaged');
    }

    await expect(store.replaceStrategies(['A'], source())).rejects.toThrow('export file damaged');
    const read = await store.readStrategy('A');
    expect(read?.rows.map((row) => row.id)).toEqual(['old']);
  });

  it('raises NotFoundError for a missing table', async () => {
    const other = await openStore({ url: db.url, table: 'nope', lockTimeoutMs: 1000 });
    try {
      await expect(other.listSummaries()).rejects.toBeInstanceOf(NotFoundError);
      expect(await other.describeTable()).toBeNull();
    } finally {
      await other.close();
    }
    expect(ConflictError).toBeDefined();
  });
});
