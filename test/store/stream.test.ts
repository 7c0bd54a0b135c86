import { afterEach, describe, expect, it } from 'vitest';

import { openStore, type BackupRow, type RestoreRow, type Store } from '../../src/store/index.js';
import { DIALECTS, createBotTable, createTestDatabase, insertRow, type RawRow, type TestDatabase, type TestDialect } from '../support/db.js';

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

async function collect(rows: AsyncIterable<BackupRow>): Promise<BackupRow[]> {
  const collected: BackupRow[] = [];
  for await (const row of rows) {
    collected.push(row);
  }
  return collected;
}

function byId(rows: readonly BackupRow[]): BackupRow[] {
  return [...rows].sort((a, b) => String(a.id).localeCompare(String(b.id)));
}

const HARD_ROWS: RawRow[] = [
  { id: 'a', last_updated: '2026-12-04 14:41:06.946717-05:00', variables: '{"price": 187.99, "band": NaN}', strategy_id: 'MomentumBot' },
  { id: 'b', last_updated: null, variables: null, strategy_id: 'Стратегия 🚀' },
  { id: 'c', last_updated: '2026-12-04 14:41:07-05:00', variables: '{"tab": "\t", "nl": "\n", "esc": "\\u00e9 \\"q\\" \\\\"}', strategy_id: 'tab\tname' },
  { id: 'd', last_updated: '2026-12-04 14:41:08.5-05:00', variables: '', strategy_id: 'quote"back\\slash' },
  { id: 'e', last_updated: '2026-12-04 14:41:09-05:00', variables: `{"history": "${'x'.repeat(3_000_000)}"}`, strategy_id: 'Big' },
];

describe.each(DIALECTS)('streamRows (%s)', (dialect) => {
  it('returns every value as readStrategy does', async () => {
    const { db, store } = await freshDatabase(dialect);
    await createBotTable(db);
    for (const row of HARD_ROWS) {
      await insertRow(db, row);
    }

    const streamed = await collect(store.streamRows());

    const read: BackupRow[] = [];
    for (const strategyId of ['INITIAL VALUE', ...HARD_ROWS.map((row) => row.strategy_id ?? '')]) {
      read.push(...((await store.readStrategy(strategyId))?.rows ?? []));
    }
    expect(streamed).toHaveLength(HARD_ROWS.length + 1);
    expect(byId(streamed)).toEqual(byId(read));
  });

  it('leaves out rows without a strategy_id', async () => {
    const { db, store } = await freshDatabase(dialect);
    await createBotTable(db);
    await insertRow(db, { id: 'kept', last_updated: null, variables: '{}', strategy_id: 'S' });
    await insertRow(db, { id: 'orphan', last_updated: null, variables: '{}', strategy_id: null });

    const streamed = await collect(store.streamRows());

    expect(streamed.map((row) => row.strategyId).sort()).toEqual(['INITIAL VALUE', 'S']);
  });

  it('stops a full stream early and stays usable', async () => {
    const { db, store } = await freshDatabase(dialect);
    await createBotTable(db);
    const values = Array.from({ length: 2000 }, (_, index) => `('id-${index}', NULL, '{"n": ${index}}', 'S${index % 7}')`);
    await db.exec(`INSERT INTO vars_backup (id, last_updated, variables, strategy_id) VALUES ${values.join(', ')}`);

    let seen = 0;
    for await (const _ of store.streamRows()) {
      seen += 1;
      if (seen === 10) {
        break;
      }
    }

    expect(seen).toBe(10);
    expect((await store.readStrategy('S0'))?.rows).toHaveLength(286);
    expect(await collect(store.streamRows())).toHaveLength(2001);
  });

  it('streams named strategies with large states', async () => {
    const { db, store } = await freshDatabase(dialect);
    await createBotTable(db);
    const big = `{"blob": "${'y'.repeat(1_000_000)}"}`;
    for (let index = 0; index < 12; index += 1) {
      await insertRow(db, { id: `big-${index}`, last_updated: null, variables: big, strategy_id: index % 2 === 0 ? 'Even' : 'Odd' });
    }

    const streamed = await collect(store.streamRows(['Even']));

    expect(streamed).toHaveLength(6);
    expect(streamed.every((row) => row.variables === big)).toBe(true);
  });
});

describe.each(DIALECTS)('replaceStrategies (%s)', (dialect) => {
  it('writes hard values exactly', async () => {
    const { db, store } = await freshDatabase(dialect);
    await createBotTable(db);
    const rows: RestoreRow[] = [
      { id: 'a', lastUpdated: null, variables: '{"tab": "\t", "cr": "\r", "nl": "\n", "esc": "\\u00e9 \\"q\\" \\\\ \\\\N"}', strategyId: 'tab\tname' },
      { id: null, lastUpdated: null, variables: null, strategyId: 'Стратегия 🚀' },
      { id: '\\N', lastUpdated: null, variables: '\\.', strategyId: 'back\\slash' },
      { id: 'big', lastUpdated: null, variables: `{"history": "${'z'.repeat(2_500_000)}"}`, strategyId: 'Big' },
    ];

    const written = await store.replaceStrategies(
      rows.map((row) => row.strategyId),
      (async function* () {
        yield* rows;
      })(),
    );

    expect(written).toBe(rows.length);
    for (const row of rows) {
      const stored = await store.readStrategy(row.strategyId);
      expect(stored?.rows.map((entry) => [entry.id, entry.variables])).toEqual([[row.id, row.variables]]);
    }
  });

  it('rolls back when the rows fail midway', async () => {
    const { db, store } = await freshDatabase(dialect);
    await createBotTable(db);
    await insertRow(db, { id: 'old', last_updated: null, variables: '{"kept": true}', strategy_id: 'A' });

    async function* failing(): AsyncIterable<RestoreRow> {
      for (let index = 0; index < 3000; index += 1) {
        yield { id: `n${index}`, lastUpdated: null, variables: `{"n": ${index}, "pad": "${'p'.repeat(1000)}"}`, strategyId: 'A' };
      }
      throw new Error('the export file ended early');
    }

    await expect(store.replaceStrategies(['A'], failing())).rejects.toThrow('the export file ended early');
    expect((await store.readStrategy('A'))?.rows.map((row) => row.id)).toEqual(['old']);
    expect(await collect(store.streamRows(['A']))).toHaveLength(1);
  });
});
