import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openStore, type Store } from '../../src/store/index.js';
import { createBotTable, createTestDatabase, insertRow, type TestDatabase } from '../support/db.js';

/** Returns the loaded row as readStrategy marks it (its id) and as listSummaries shows it (its variables). */
async function loadedRow(store: Store, strategyId: string): Promise<{ id: string | null; listed: string | null }> {
  const read = await store.readStrategy(strategyId);
  const loaded = read?.rows[read.loadedIndex];
  const summary = (await store.listSummaries()).find((candidate) => candidate.strategyId === strategyId);
  return { id: loaded?.id ?? null, listed: summary?.variables ?? null };
}

describe('loaded row in SQLite', () => {
  let db: TestDatabase;
  let store: Store;

  beforeEach(async () => {
    db = await createTestDatabase('sqlite');
    await createBotTable(db);
    store = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 1000 });
  });

  afterEach(async () => {
    await store.close();
    await db.close();
  });

  it('picks a T-separated row over a later bot row', async () => {
    await insertRow(db, { id: 'bot', last_updated: '2025-01-02 15:00:00.000001-05:00', variables: '"bot"', strategy_id: 'S' });
    await insertRow(db, { id: 'tool', last_updated: '2025-01-02T09:00:00-05:00', variables: '"tool"', strategy_id: 'S' });

    expect(await loadedRow(store, 'S')).toEqual({ id: 'tool', listed: '"tool"' });
  });

  it('picks a date-only row over bot rows', async () => {
    await insertRow(db, { id: 'bot', last_updated: '2098-12-31 23:59:59-05:00', variables: '"bot"', strategy_id: 'S' });
    await insertRow(db, { id: 'date', last_updated: '2099-01-01', variables: '"date"', strategy_id: 'S' });

    expect(await loadedRow(store, 'S')).toEqual({ id: 'date', listed: '"date"' });
  });

  it('ranks epoch numbers below text', async () => {
    await insertRow(db, { id: 'old', last_updated: '2000-01-01 00:00:00-05:00', variables: '"old"', strategy_id: 'S' });
    await insertRow(db, { id: 'real', last_updated: 4_102_444_800.5, variables: '"real"', strategy_id: 'S' });

    expect(await loadedRow(store, 'S')).toEqual({ id: 'old', listed: '"old"' });
    const read = await store.readStrategy('S');
    const real = read?.rows.find((row) => row.id === 'real');
    expect(real?.lastUpdated?.text).toBe('4102444800.5');
    expect(real?.lastUpdated?.epochMicros).toBe(4_102_444_800_500_000n);
  });

  it('ranks NULL last', async () => {
    await insertRow(db, { id: 'null', last_updated: null, variables: '"null"', strategy_id: 'S' });
    await insertRow(db, { id: 'old', last_updated: '2000-01-01 00:00:00-05:00', variables: '"old"', strategy_id: 'S' });

    expect(await loadedRow(store, 'S')).toEqual({ id: 'old', listed: '"old"' });
  });

  it('lists the loaded row when all times are NULL', async () => {
    for (let index = 0; index < 5; index += 1) {
      await insertRow(db, { id: `row${index}`, last_updated: null, variables: `"row${index}"`, strategy_id: 'S' });
    }

    const { id, listed } = await loadedRow(store, 'S');
    const summary = (await store.listSummaries()).find((candidate) => candidate.strategyId === 'S');
    expect(summary?.rowCount).toBe(5);
    expect(summary?.lastUpdated).toBeNull();
    expect(listed).toBe(`"${id}"`);
  });

  it('keeps the stored text byte for byte', async () => {
    await insertRow(db, { id: 'a', last_updated: '2025-01-02 09:30:00.000100-05:00', variables: '{"a": 1.0}', strategy_id: 'S' });
    const read = await store.readStrategy('S');
    expect(read?.rows[0]?.lastUpdated?.text).toBe('2025-01-02 09:30:00.000100-05:00');
  });
});

describe('loaded row in PostgreSQL', () => {
  let db: TestDatabase;
  let store: Store;

  beforeEach(async () => {
    db = await createTestDatabase('postgresql');
    await createBotTable(db);
    store = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 1000 });
  });

  afterEach(async () => {
    await store.close();
    await db.close();
  });

  it('picks the latest instant, whatever its text', async () => {
    await insertRow(db, { id: 'later', last_updated: '2025-01-02 15:00:00-05:00', variables: '"later"', strategy_id: 'S' });
    await insertRow(db, { id: 'earlier', last_updated: '2025-01-02T19:00:00+00:00', variables: '"earlier"', strategy_id: 'S' });

    expect(await loadedRow(store, 'S')).toEqual({ id: 'later', listed: '"later"' });
  });

  it('picks a NULL row first', async () => {
    await insertRow(db, { id: 'dated', last_updated: '2099-01-01 00:00:00+00', variables: '"dated"', strategy_id: 'S' });
    await insertRow(db, { id: 'null', last_updated: null, variables: '"null"', strategy_id: 'S' });

    expect(await loadedRow(store, 'S')).toEqual({ id: 'null', listed: '"null"' });
    const summary = (await store.listSummaries()).find((candidate) => candidate.strategyId === 'S');
    expect(summary?.lastUpdated).toBeNull();
    expect(summary?.rowCount).toBe(2);
  });

  it('reads microseconds as UTC text', async () => {
    await insertRow(db, { id: 'a', last_updated: '2026-12-04 14:41:06.000007-05:00', variables: '{}', strategy_id: 'S' });
    const read = await store.readStrategy('S');
    expect(read?.rows[0]?.lastUpdated?.text).toBe('2026-12-04 19:41:06.000007+00:00');
  });

  it('reads infinity as text without an instant', async () => {
    await insertRow(db, { id: 'a', last_updated: 'infinity', variables: '"inf"', strategy_id: 'S' });
    await insertRow(db, { id: 'b', last_updated: '2026-12-04 14:41:06-05:00', variables: '"b"', strategy_id: 'S' });
    const read = await store.readStrategy('S');
    expect(read?.rows[read.loadedIndex]?.lastUpdated).toEqual({ text: 'infinity', epochMicros: null, dialect: 'postgresql' });
  });

  it('reads a BC time as text only', async () => {
    await insertRow(db, { id: 'a', last_updated: '4713-01-01 00:00:00+00 BC', variables: '"bc"', strategy_id: 'S' });
    const read = await store.readStrategy('S');
    expect(read?.rows[0]?.lastUpdated?.text).toMatch(/ BC$/);
    expect(read?.rows[0]?.lastUpdated?.epochMicros).toBeNull();
  });
});
