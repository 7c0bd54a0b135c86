import { afterEach, describe, expect, it } from 'vitest';

import { RowFingerprints } from '../../src/cli/archive/row-fingerprints.js';
import { ConflictError } from '../../src/errors.js';
import { openStore, type RestoreRow, type Store } from '../../src/store/index.js';
import { DIALECTS, createBotTable, createTestDatabase, insertRow, type TestDatabase } from '../support/db.js';

const TIME = '2026-12-04 10:00:00.000000-05:00';
const LATER = '2026-12-04 10:05:00.000000-05:00';

async function* noRows(): AsyncIterable<RestoreRow> {}

// A purge or restore reads the rows, then deletes them in a later
// transaction. The check in that transaction must see any write that
// landed in between, such as the bot's next backup, and roll back.
describe.each(DIALECTS)('the locked-rows check in %s', (dialect) => {
  let db: TestDatabase;
  let store: Store;

  async function open(): Promise<void> {
    db = await createTestDatabase(dialect);
    await createBotTable(db);
    await insertRow(db, { id: 'a1', last_updated: TIME, variables: '{"qty": 1}', strategy_id: 'Bot' });
    await insertRow(db, { id: 'k1', last_updated: TIME, variables: '{"keep": 1}', strategy_id: 'Other' });
    store = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 2000 });
  }

  afterEach(async () => {
    await store.close();
    await db.close();
  });

  async function readRows(strategyIds: readonly string[]): Promise<RowFingerprints> {
    const seen = new RowFingerprints();
    for await (const row of store.streamRows(strategyIds)) {
      seen.add(row);
    }
    return seen;
  }

  const changed = (strategyId: string) => new ConflictError(`${strategyId} changed`);

  async function variablesOf(strategyId: string): Promise<unknown[]> {
    const rows = await db.query(`SELECT variables FROM vars_backup WHERE strategy_id = '${strategyId}' ORDER BY id`);
    return rows.map((row) => row['variables']);
  }

  it('deletes rows still as read', async () => {
    await open();
    const seen = await readRows(['Bot']);

    const deleted = await store.deleteStrategies(['Bot'], { check: seen.check(['Bot'], changed) });

    expect(deleted).toBe(1);
    expect(await variablesOf('Bot')).toEqual([]);
    expect(await variablesOf('Other')).toEqual(['{"keep": 1}']);
  });

  it('keeps a row written after the read', async () => {
    await open();
    const seen = await readRows(['Bot']);
    await db.exec(`UPDATE vars_backup SET variables = '{"qty": 2}', last_updated = '${LATER}' WHERE strategy_id = 'Bot'`);

    const deleting = store.deleteStrategies(['Bot'], { check: seen.check(['Bot'], changed) });

    await expect(deleting).rejects.toThrow('Bot changed');
    expect(await variablesOf('Bot')).toEqual(['{"qty": 2}']);
  });

  it('keeps a row changed only in its text', async () => {
    await open();
    const seen = await readRows(['Bot']);
    await db.exec(`UPDATE vars_backup SET variables = '{"qty": 3}' WHERE strategy_id = 'Bot'`);

    await expect(store.deleteStrategies(['Bot'], { check: seen.check(['Bot'], changed) })).rejects.toBeInstanceOf(ConflictError);
    expect(await variablesOf('Bot')).toEqual(['{"qty": 3}']);
  });

  it('keeps rows when one was added after the read', async () => {
    await open();
    const seen = await readRows(['Bot']);
    await insertRow(db, { id: 'a2', last_updated: TIME, variables: '{"qty": 1}', strategy_id: 'Bot' });

    await expect(store.deleteStrategies(['Bot'], { check: seen.check(['Bot'], changed) })).rejects.toThrow('Bot changed');
    expect(await variablesOf('Bot')).toEqual(['{"qty": 1}', '{"qty": 1}']);
  });

  it('keeps rows a restore would replace after a write', async () => {
    await open();
    const seen = await readRows(['Bot']);
    await db.exec(`UPDATE vars_backup SET variables = '{"qty": 4}', last_updated = '${LATER}' WHERE strategy_id = 'Bot'`);

    const replacing = store.replaceStrategies(['Bot'], noRows(), { check: seen.check(['Bot'], changed) });

    await expect(replacing).rejects.toThrow('Bot changed');
    expect(await variablesOf('Bot')).toEqual(['{"qty": 4}']);
  });

  it('replaces rows still as read', async () => {
    await open();
    const seen = await readRows(['Bot']);

    const inserted = await store.replaceStrategies(['Bot'], noRows(), { check: seen.check(['Bot'], changed) });

    expect(inserted).toBe(0);
    expect(await variablesOf('Bot')).toEqual([]);
  });
});
