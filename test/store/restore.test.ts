import { afterEach, describe, expect, it } from 'vitest';

import { CorruptDataError } from '../../src/errors.js';
import { openStore, type BackupRow, type RestoreRow, type Store } from '../../src/store/index.js';
import { DIALECTS, createBotTable, createTestDatabase, insertRow, type TestDialect, type TestDatabase } from '../support/db.js';

async function collect(rows: AsyncIterable<BackupRow>): Promise<BackupRow[]> {
  const collected: BackupRow[] = [];
  for await (const row of rows) {
    collected.push(row);
  }
  return collected;
}

async function* fromArray<T>(rows: readonly T[]): AsyncIterable<T> {
  yield* rows;
}

const opened: Store[] = [];
const databases: TestDatabase[] = [];

async function freshDatabase(dialect: TestDialect): Promise<{ db: TestDatabase; store: Store }> {
  const db = await createTestDatabase(dialect);
  databases.push(db);
  const store = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 2000 });
  opened.push(store);
  return { db, store };
}

afterEach(async () => {
  for (const store of opened.splice(0)) {
    await store.close();
  }
  for (const db of databases.splice(0)) {
    await db.close();
  }
});

// Rows as the bot leaves them in SQLite, with the instants they denote.
const SQLITE_ROWS: readonly {
  id: string;
  last_updated: string | null;
  variables: string | null;
  strategy_id: string;
  instant: bigint | null;
}[] = [
  { id: 'p', last_updated: '2026-12-04 14:41:06.166707', variables: 'INITIAL VALUE', strategy_id: 'INITIAL VALUE', instant: 1_796_413_266_166_707n },
  { id: 'w', last_updated: '2026-12-04 14:41:06.946717-05:00', variables: '{"a": NaN}', strategy_id: 'Winter', instant: 1_796_413_266_946_717n },
  { id: 's', last_updated: '2025-07-01 12:00:00-04:00', variables: '{"b": 1}', strategy_id: 'Summer', instant: 1_751_385_600_000_000n },
  { id: 'n', last_updated: null, variables: null, strategy_id: 'Null', instant: null },
];

describe('replaceStrategies across dialects', () => {
  it('keeps SQLite text exactly from SQLite to SQLite', async () => {
    const source = await freshDatabase('sqlite');
    await createBotTable(source.db);
    await source.db.exec('DELETE FROM vars_backup');
    for (const { instant: _, ...row } of SQLITE_ROWS) {
      await insertRow(source.db, row);
    }
    const target = await freshDatabase('sqlite');

    const rows = await collect(source.store.streamRows());
    const names = rows.map((row) => row.strategyId);
    expect(await target.store.replaceStrategies(names, fromArray(rows))).toBe(4);

    const copied = await target.db.query('SELECT id, last_updated, variables, strategy_id FROM vars_backup ORDER BY id');
    const expected = SQLITE_ROWS.map(({ instant: _, ...row }) => row).sort((a, b) => a.id.localeCompare(b.id));
    expect(copied).toEqual(expected);
  });

  it('writes SQLite instants into PostgreSQL', async () => {
    const source = await freshDatabase('sqlite');
    await createBotTable(source.db);
    await source.db.exec('DELETE FROM vars_backup');
    for (const { instant: _, ...row } of SQLITE_ROWS) {
      await insertRow(source.db, row);
    }
    const target = await freshDatabase('postgresql');

    const rows = await collect(source.store.streamRows());
    await target.store.replaceStrategies(rows.map((row) => row.strategyId), fromArray(rows));

    const copied = await target.db.query(
      "SELECT id, (extract(epoch FROM last_updated) * 1000000)::bigint::text AS micros, variables FROM vars_backup ORDER BY id",
    );
    const expected = SQLITE_ROWS.map((row) => ({
      id: row.id,
      micros: row.instant === null ? null : String(row.instant),
      variables: row.variables,
    })).sort((a, b) => a.id.localeCompare(b.id));
    expect(copied).toEqual(expected);
  });

  it('writes PostgreSQL instants as the bot SQLite text', async () => {
    const source = await freshDatabase('postgresql');
    await createBotTable(source.db);
    await source.db.exec('DELETE FROM vars_backup');
    await insertRow(source.db, { id: 'w', last_updated: '2026-12-04 19:41:06.946717+00', variables: '{}', strategy_id: 'Winter' });
    await insertRow(source.db, { id: 's', last_updated: '2025-07-01 16:00:00+00', variables: '{}', strategy_id: 'Summer' });
    await insertRow(source.db, { id: 'n', last_updated: null, variables: '{}', strategy_id: 'Null' });
    const target = await freshDatabase('sqlite');

    const rows = await collect(source.store.streamRows());
    await target.store.replaceStrategies(rows.map((row) => row.strategyId), fromArray(rows));

    const copied = await target.db.query("SELECT id, last_updated FROM vars_backup WHERE strategy_id <> 'INITIAL VALUE' ORDER BY id");
    expect(copied).toEqual([
      { id: 'n', last_updated: null },
      { id: 's', last_updated: '2025-07-01 12:00:00-04:00' },
      { id: 'w', last_updated: '2026-12-04 14:41:06.946717-05:00' },
    ]);
  });

  it('writes the placeholder time as pandas does', async () => {
    const source = await freshDatabase('postgresql');
    await createBotTable(source.db);
    await source.db.exec('DELETE FROM vars_backup');
    await insertRow(source.db, { id: 'p', last_updated: '2026-12-04 19:41:06.5+00', variables: 'INITIAL VALUE', strategy_id: 'INITIAL VALUE' });
    await insertRow(source.db, { id: 'q', last_updated: '2026-12-04 19:41:06.5+00', variables: '{}', strategy_id: 'INITIAL VALUE' });
    const target = await freshDatabase('sqlite');

    const rows = await collect(source.store.streamRows());
    await target.store.replaceStrategies(['INITIAL VALUE'], fromArray(rows));

    const copied = await target.db.query('SELECT id, last_updated FROM vars_backup ORDER BY id');
    expect(copied).toEqual([
      { id: 'p', last_updated: '2026-12-04 14:41:06.500000' },
      { id: 'q', last_updated: '2026-12-04 14:41:06.500000-05:00' },
    ]);
  });

  it('rejects a text PostgreSQL cannot store', async () => {
    const target = await freshDatabase('postgresql');
    const rows: RestoreRow[] = [
      { id: 'x', lastUpdated: { text: 'yesterday-ish', epochMicros: null, dialect: 'sqlite' }, variables: '{}', strategyId: 'S' },
    ];
    await expect(target.store.replaceStrategies(['S'], fromArray(rows))).rejects.toBeInstanceOf(CorruptDataError);
    expect(await target.store.describeTable()).toBeNull();
  });
});

describe.each(DIALECTS)('replaceStrategies (%s)', (dialect) => {
  it('creates the table as the bot does', async () => {
    const { db, store } = await freshDatabase(dialect);
    const rows: RestoreRow[] = [{ id: 'a', lastUpdated: null, variables: '{}', strategyId: 'S' }];
    await store.replaceStrategies(['S'], fromArray(rows));

    const info = await store.describeTable();
    expect(info?.hasPrimaryKey).toBe(false);
    const types = [...(info?.columns ?? [])].map(([name, column]) => `${name} ${column.declaredType}`);
    if (dialect === 'sqlite') {
      expect(types).toEqual(['id TEXT', 'last_updated TIMESTAMP', 'variables TEXT', 'strategy_id TEXT']);
      const indexes = await db.query("SELECT name, \"unique\" FROM pragma_index_list('vars_backup')");
      expect(indexes).toEqual([{ name: 'ix_vars_backup_id', unique: 0 }]);
    } else {
      expect(types).toEqual(['id text', 'last_updated timestamp with time zone', 'variables text', 'strategy_id text']);
      const indexes = await db.query("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'vars_backup'");
      expect(indexes).toEqual([{ indexname: 'ix_vars_backup_id', indexdef: 'CREATE INDEX ix_vars_backup_id ON public.vars_backup USING btree (id)' }]);
    }
  });

  it('leaves other strategies alone', async () => {
    const { db, store } = await freshDatabase(dialect);
    await createBotTable(db);
    await insertRow(db, { id: 'keep', last_updated: '2025-01-02 09:30:00-05:00', variables: '{"k": 1}', strategy_id: 'Keep' });
    await insertRow(db, { id: 'old1', last_updated: '2025-01-02 09:30:00-05:00', variables: '{"o": 1}', strategy_id: 'Swap' });
    await insertRow(db, { id: 'old2', last_updated: '2025-01-02 09:30:00-05:00', variables: '{"o": 1}', strategy_id: 'Swap' });

    const rows: RestoreRow[] = [{ id: 'new', lastUpdated: null, variables: '{"n": 1}', strategyId: 'Swap' }];
    expect(await store.replaceStrategies(['Swap'], fromArray(rows))).toBe(1);

    const left = await db.query("SELECT id FROM vars_backup WHERE strategy_id <> 'INITIAL VALUE' ORDER BY id");
    expect(left).toEqual([{ id: 'keep' }, { id: 'new' }]);
  });

  it('inserts many rows in batches', async () => {
    const { store } = await freshDatabase(dialect);
    const rows: RestoreRow[] = Array.from({ length: 1234 }, (_, index) => ({
      id: `id-${index}`,
      lastUpdated: { text: '2025-01-02 09:30:00-05:00', epochMicros: 1_735_828_200_000_000n, dialect: 'sqlite' },
      variables: `{"n": ${index}}`,
      strategyId: `S${index % 7}`,
    }));
    expect(await store.replaceStrategies(['S0'], fromArray(rows))).toBe(1234);
    // The first number is the placeholder row of the table the restore created.
    expect((await store.listSummaries()).map((summary) => summary.rowCount)).toEqual([1, 177, 177, 176, 176, 176, 176, 176]);
  });

  it('rolls back the deletion when an insert fails', async () => {
    const { db, store } = await freshDatabase(dialect);
    await createBotTable(db);
    await insertRow(db, { id: 'old', last_updated: '2025-01-02 09:30:00-05:00', variables: '{"o": 1}', strategy_id: 'A' });

    async function* failing(): AsyncIterable<RestoreRow> {
      for (let index = 0; index < 700; index += 1) {
        yield { id: `n${index}`, lastUpdated: null, variables: '{}', strategyId: 'A' };
      }
      throw new CorruptDataError('damaged export file');
    }

    await expect(store.replaceStrategies(['A'], failing())).rejects.toBeInstanceOf(CorruptDataError);
    expect(await db.query("SELECT id FROM vars_backup WHERE strategy_id = 'A'")).toEqual([{ id: 'old' }]);
  });
});

describe.each(DIALECTS)('streamRows (%s)', (dialect) => {
  it('streams every row of a large table', async () => {
    const { db, store } = await freshDatabase(dialect);
    await createBotTable(db);
    const big = `{"blob": "${'x'.repeat(10_000)}"}`;
    const values = Array.from({ length: 3000 }, (_, index) => `('id-${index}', NULL, '${big}', 'S${index % 3}')`);
    await db.exec(`INSERT INTO vars_backup (id, last_updated, variables, strategy_id) VALUES ${values.join(', ')}`);

    let count = 0;
    const ids = new Set<string | null>();
    for await (const row of store.streamRows()) {
      count += 1;
      ids.add(row.id);
    }
    expect(count).toBe(3001);
    expect(ids.size).toBe(3001);
  });

  it('stops early and stays usable', async () => {
    const { db, store } = await freshDatabase(dialect);
    await createBotTable(db);
    for (let index = 0; index < 20; index += 1) {
      await insertRow(db, { id: `i${index}`, last_updated: null, variables: '{}', strategy_id: 'S' });
    }

    let seen = 0;
    for await (const _ of store.streamRows(['S'])) {
      seen += 1;
      if (seen === 5) {
        break;
      }
    }
    expect(seen).toBe(5);
    expect((await store.readStrategy('S'))?.rows).toHaveLength(20);
  });
});
