import { afterEach, describe, expect, it } from 'vitest';

import { NotFoundError } from '../../src/errors.js';
import { openStore, type Store } from '../../src/store/index.js';
import { DIALECTS, createBotTable, createTestDatabase, insertRow, type TestDatabase } from '../support/db.js';

describe.each(DIALECTS)('listStrategyIds (%s)', (dialect) => {
  let db: TestDatabase | undefined;
  let store: Store | undefined;

  afterEach(async () => {
    await store?.close();
    await db?.close();
    store = undefined;
    db = undefined;
  });

  async function open(): Promise<Store> {
    db = await createTestDatabase(dialect);
    store = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 2000 });
    return store;
  }

  it('lists each name once, without NULL', async () => {
    const opened = await open();
    const database = db as TestDatabase;
    await createBotTable(database);
    const rows = [
      { strategy: 'Zeta', variables: '{"a": 1}' },
      { strategy: 'Alpha', variables: '{"a": 2}' },
      { strategy: 'Alpha', variables: '{"a": 3}' },
      { strategy: 'alpha ', variables: 'not json at all' },
      { strategy: null, variables: '{"orphan": true}' },
    ];
    for (const [index, row] of rows.entries()) {
      await insertRow(database, { id: `row-${index}`, last_updated: null, variables: row.variables, strategy_id: row.strategy });
    }

    const names = await opened.listStrategyIds();

    expect(new Set(names)).toEqual(new Set(['INITIAL VALUE', 'Zeta', 'Alpha', 'alpha ']));
    expect(names).toHaveLength(4);
  });

  // The order is the database's own (a collation on PostgreSQL), as in listSummaries.
  it('matches the names and order of listSummaries', async () => {
    const opened = await open();
    const database = db as TestDatabase;
    await createBotTable(database);
    for (const name of ['Momentum', 'Wheel', 'Wheel', 'Ünïcode']) {
      await insertRow(database, { id: null, last_updated: null, variables: '{}', strategy_id: name });
    }

    const summaries = await opened.listSummaries();

    expect(await opened.listStrategyIds()).toEqual(summaries.map((summary) => summary.strategyId));
  });

  it.skipIf(dialect !== 'sqlite')('lists in the column collation order', async () => {
    const opened = await open();
    const database = db as TestDatabase;
    await database.exec('CREATE TABLE vars_backup (id, last_updated, variables, strategy_id COLLATE NOCASE)');
    const names = [`'B'`, `'a'`, `'C'`, '10', '2.5', `'\uff01'`, `'\u{1f600}'`, `X'41'`, `'Zeta'`];
    for (const [index, name] of names.entries()) {
      await database.exec(`INSERT INTO vars_backup VALUES ('row-${index}', NULL, '{}', ${name})`);
    }

    const summaries = await opened.listSummaries();

    // NOCASE puts a before B and C, numbers come before text and a BLOB last,
    // and the UTF-8 bytes of U+FF01 sort before those of U+1F600.
    expect(summaries.map((summary) => summary.strategyId)).toEqual(['2.5', '10', 'a', 'B', 'C', 'Zeta', '\uff01', '\u{1f600}', 'A']);
  });

  it('rejects a missing table', async () => {
    const opened = await open();

    await expect(opened.listStrategyIds()).rejects.toBeInstanceOf(NotFoundError);
  });
});
