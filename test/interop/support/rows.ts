/** Raw access to the backup table of a test database, bypassing varsctl. */
import { execFileSync } from 'node:child_process';

import { quoteTableName, type TestDatabase } from '../../support/db.js';

export interface StoredRow {
  readonly id: string | null;
  /** SQLite: the stored value as text. PostgreSQL: `last_updated::text` in the session's time zone. */
  readonly lastUpdated: string | null;
  /** SQLite: `typeof(last_updated)`. PostgreSQL: the column's type name. */
  readonly lastUpdatedType: string;
  readonly variables: string | null;
}

/** Returns every row of a strategy in physical order. */
export async function storedRows(db: TestDatabase, strategyId: string, tableName = 'vars_backup'): Promise<StoredRow[]> {
  const table = quoteTableName(tableName);
  const sql =
    db.dialect === 'sqlite'
      ? `SELECT id, CAST(last_updated AS TEXT) AS last_updated, typeof(last_updated) AS type, variables
           FROM ${table} WHERE strategy_id = ? ORDER BY rowid`
      : `SELECT id, last_updated::text AS last_updated, pg_typeof(last_updated)::text AS type, variables
           FROM ${table} WHERE strategy_id = $1 ORDER BY ctid`;

  const rows = await db.query(sql, [strategyId]);
  return rows.map((row) => ({
    id: row['id'] as string | null,
    lastUpdated: row['last_updated'] as string | null,
    lastUpdatedType: row['type'] as string,
    variables: row['variables'] as string | null,
  }));
}

/** Loads a plain-SQL dump into a PostgreSQL test database with psql. */
export function loadSqlDump(db: TestDatabase, dumpFile: string): void {
  execFileSync('psql', ['--quiet', '--no-psqlrc', '-v', 'ON_ERROR_STOP=1', '-d', db.url, '-f', dumpFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}
