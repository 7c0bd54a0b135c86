import { parseEpochNumber, parseTimestampText } from '../timestamp.js';
import type { BackupRow, Timestamp } from '../types.js';

/** A row as better-sqlite3 returns it with safe integers on: any column may hold any type. */
export interface SqliteRow {
  readonly id: unknown;
  readonly last_updated: unknown;
  readonly variables: unknown;
  readonly strategy_id: unknown;
}

export function toBackupRow(row: SqliteRow): BackupRow {
  return {
    id: toText(row.id),
    lastUpdated: toTimestamp(row.last_updated),
    variables: toText(row.variables),
    strategyId: toText(row.strategy_id) ?? '',
  };
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

  const text = toText(value) ?? '';
  return { text, epochMicros: parseTimestampText(text), dialect: 'sqlite' };
}

/** TEXT as is, numbers as their decimal text, a BLOB decoded as UTF-8. */
function toText(value: unknown): string | null {
  if (value === null || value === undefined) {
    return null;
  }
  if (Buffer.isBuffer(value)) {
    return value.toString('utf8');
  }
  return String(value);
}
