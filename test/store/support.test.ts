import { afterEach, describe, expect, it } from 'vitest';

import { DIALECTS, createBotTable, createTestDatabase, insertRow, type TestDatabase } from '../support/db.js';

describe.each(DIALECTS)('test database (%s)', (dialect) => {
  let db: TestDatabase | undefined;

  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it('starts empty', async () => {
    db = await createTestDatabase(dialect);
    const tables =
      dialect === 'sqlite'
        ? await db.query("SELECT name FROM sqlite_master WHERE type = 'table'")
        : await db.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
    expect(tables).toEqual([]);
  });

  it('creates the bot table with its placeholder row', async () => {
    db = await createTestDatabase(dialect);
    await createBotTable(db);
    await insertRow(db, { id: 'a', last_updated: '2025-01-02 09:30:00-05:00', variables: '{}', strategy_id: 'Bot' });

    const rows = await db.query('SELECT strategy_id, variables FROM vars_backup ORDER BY strategy_id');
    expect(rows).toEqual([
      { strategy_id: 'Bot', variables: '{}' },
      { strategy_id: 'INITIAL VALUE', variables: 'INITIAL VALUE' },
    ]);
  });

  it('gives each call its own database', async () => {
    db = await createTestDatabase(dialect);
    const other = await createTestDatabase(dialect);
    try {
      await createBotTable(db);
      expect(other.url).not.toBe(db.url);
      const count = await other.query(
        dialect === 'sqlite'
          ? "SELECT count(*) AS n FROM sqlite_master WHERE name = 'vars_backup'"
          : "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'vars_backup'",
      );
      expect(count).toEqual([{ n: 0 }]);
    } finally {
      await other.close();
    }
  });
});
