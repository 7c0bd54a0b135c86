import { parseEpochNumber, parseTimestampText } from '../timestamp.js';
import type { BackupRow, Timestamp } from '../types.js';
import { decodeEscaped, encodeEscaped, invalidUtf8Offset } from '../utf8.js';

/**
 * A TEXT column as its bytes: better-sqlite3 would turn bytes that are not
 * valid UTF-8 into U+FFFD, so they are read as a BLOB and decoded losslessly.
 */
export function textAsBytes(column: string, alias: string): string {
  return `CASE WHEN typeof(${column}) = 'text' THEN CAST(${column} AS BLOB) ELSE ${column} END AS ${alias}`;
}

/**
 * `last_updated` for a SELECT. It keeps its own name for the ORDER BY
 * clauses that follow (an alias would take its place there), and its TEXT
 * comes once more as bytes, which the driver would otherwise decode lossily.
 * `storedLastUpdated` reads the two back as one value.
 */
export const LAST_UPDATED_COLUMNS = `last_updated, CASE WHEN typeof(last_updated) = 'text' THEN CAST(last_updated AS BLOB) END AS last_updated_bytes`;

/** The row's columns for a SELECT, each TEXT as its bytes. */
export const SELECT_ROW_COLUMNS = [
  textAsBytes('id', 'id'),
  LAST_UPDATED_COLUMNS,
  textAsBytes('variables', 'variables'),
  textAsBytes('strategy_id', 'strategy_id'),
].join(', ');

/**
 * A text to bind through `CAST(? AS TEXT)`: escaped bytes (see utf8.ts) go
 * back as the original bytes, and the column still stores TEXT.
 */
export function toSqliteText(text: string | null): string | Buffer | null {
  if (text === null) {
    return null;
  }
  return invalidUtf8Offset(text) === null ? text : encodeEscaped(text);
}

/**
 * SQL that keeps the rows whose strategy_id is one of the names bound by
 * strategyIdsParameter. Each name is bound as its exact bytes, because a
 * bound string that contains escaped bytes (see utf8.ts) would reach SQLite
 * with U+FFFD in their place and could match another strategy.
 */
export const STRATEGY_ID_IN_LIST = 'strategy_id IN (SELECT CAST(unhex(value) AS TEXT) FROM json_each(?))';

/** Binds names for STRATEGY_ID_IN_LIST: a JSON array of each name's bytes in hex. */
export function strategyIdsParameter(strategyIds: readonly string[]): string {
  return JSON.stringify(strategyIds.map((strategyId) => encodeEscaped(strategyId).toString('hex')));
}

/** A row as better-sqlite3 returns it with safe integers on: any column may hold any type. */
export interface SqliteRow {
  readonly id: unknown;
  readonly last_updated: unknown;
  /** The TEXT of last_updated as bytes, when the query selects them. */
  readonly last_updated_bytes?: unknown;
  readonly variables: unknown;
  readonly strategy_id: unknown;
}

export function toBackupRow(row: SqliteRow): BackupRow {
  return {
    id: columnText(row.id),
    lastUpdated: storedLastUpdated(row),
    variables: columnText(row.variables),
    strategyId: columnText(row.strategy_id) ?? '',
  };
}

/** Reads `last_updated` as selected by LAST_UPDATED_COLUMNS: the TEXT's bytes where there are some. */
export function storedLastUpdated(row: Pick<SqliteRow, 'last_updated' | 'last_updated_bytes'>): Timestamp | null {
  return toTimestamp(Buffer.isBuffer(row.last_updated_bytes) ? row.last_updated_bytes : row.last_updated);
}

/**
 * Reads `last_updated` whatever its storage class: TEXT byte for byte, an
 * INTEGER or REAL epoch that another tool wrote as its decimal text.
 */
export function toTimestamp(value: string): Timestamp;
export function toTimestamp(value: unknown): Timestamp | null;
export function toTimestamp(value: unknown): Timestamp | null {
  if (value === null || value === undefined) {
    return null;
  }
  if (typeof value === 'bigint' || typeof value === 'number') {
    return { text: String(value), epochMicros: parseEpochNumber(value), dialect: 'sqlite' };
  }

  const text = columnText(value) ?? '';
  return { text, epochMicros: parseTimestampText(text), dialect: 'sqlite' };
}

/** TEXT as is, numbers as their decimal text, a BLOB decoded as UTF-8 with invalid bytes escaped. */
export function columnText(value: unknown): string | null {
  if (value === null || value === undefined) {
    return null;
  }
  if (Buffer.isBuffer(value)) {
    return decodeEscaped(value);
  }
  return String(value);
}
