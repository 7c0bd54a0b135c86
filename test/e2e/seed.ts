import { randomUUID } from 'node:crypto';

import { formatBotSqliteText } from '../../src/store/timestamp.js';
import { createBotTable, insertRow, quoteTableName, type TestDatabase } from '../support/db.js';

/**
 * Seeding and reading test databases for the end-to-end tests of list, show
 * and set: rows written as the bot writes them, read back raw.
 */

export const DAY_SECONDS = 86_400;

/** `last_updated` as the bot writes it `ageSeconds` ago: New York text in SQLite, an instant in PostgreSQL. */
export function botTimestamp(db: TestDatabase, ageSeconds: number): string {
  const epochMillis = Date.now() - ageSeconds * 1000;
  if (db.dialect === 'sqlite') {
    return formatBotSqliteText(BigInt(epochMillis) * 1000n + 123n);
  }
  return new Date(epochMillis).toISOString();
}

export interface SeedRow {
  readonly strategyId: string;
  readonly variables: string | null;
  /** Default: one day, so the strategy does not look live. */
  readonly ageSeconds?: number;
  readonly id?: string;
}

/** Creates the bot's table with its placeholder row, then inserts `rows`. */
export async function seedBotTable(db: TestDatabase, rows: readonly SeedRow[], tableName = 'vars_backup'): Promise<void> {
  await createBotTable(db, tableName);
  for (const row of rows) {
    await insertRow(
      db,
      {
        id: row.id ?? randomUUID(),
        last_updated: botTimestamp(db, row.ageSeconds ?? DAY_SECONDS),
        variables: row.variables,
        strategy_id: row.strategyId,
      },
      tableName,
    );
  }
}

export interface StoredRow {
  readonly id: string | null;
  /** As text, for comparing before and after. */
  readonly lastUpdated: string | null;
  readonly variables: string | null;
}

/** Every row of a strategy, raw, ordered by id. */
export async function readRows(db: TestDatabase, strategyId: string, tableName = 'vars_backup'): Promise<StoredRow[]> {
  const table = quoteTableName(tableName);
  const sql =
    db.dialect === 'sqlite'
      ? `SELECT id, CAST(last_updated AS TEXT) AS last_updated, variables FROM ${table} WHERE strategy_id = ? ORDER BY id`
      : `SELECT id, CAST(last_updated AS TEXT) AS last_updated, variables FROM ${table} WHERE strategy_id = $1 ORDER BY id`;

  const rows = await db.query(sql, [strategyId]);
  return rows.map((row) => ({
    id: row['id'] as string | null,
    lastUpdated: row['last_updated'] as string | null,
    variables: row['variables'] as string | null,
  }));
}

/** The one row of a strategy's `variables`; fails the test when there is not exactly one row. */
export async function readVariables(db: TestDatabase, strategyId: string): Promise<string | null> {
  const rows = await readRows(db, strategyId);
  if (rows.length !== 1) {
    throw new Error(`expected one row for ${strategyId}, found ${rows.length}`);
  }
  return rows[0]?.variables ?? null;
}

/** Sets a strategy's `variables` and `last_updated` directly, as the bot's UPDATE does. */
export async function botUpdate(db: TestDatabase, strategyId: string, variables: string, ageSeconds = 0): Promise<void> {
  const table = quoteTableName('vars_backup');
  const sql =
    db.dialect === 'sqlite'
      ? `UPDATE ${table} SET last_updated = ?, variables = ? WHERE strategy_id = ?`
      : `UPDATE ${table} SET last_updated = $1, variables = $2 WHERE strategy_id = $3`;
  await db.query(sql, [botTimestamp(db, ageSeconds), variables, strategyId]);
}
