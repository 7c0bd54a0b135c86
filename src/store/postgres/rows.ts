import { parseTimestampText } from '../timestamp.js';
import type { BackupRow, TableInfo, Timestamp } from '../types.js';

/** A row as the adapter selects it: every column already text. */
export interface PostgresRow {
  readonly id: string | null;
  readonly last_updated: string | null;
  readonly variables: string | null;
  readonly strategy_id: string | null;
}

/**
 * SQL for `last_updated` as full-precision text that neither the process TZ
 * nor the session's TimeZone or DateStyle changes: a timestamptz as UTC with
 * `+00:00`, a timestamp without time zone as written. `infinity` stays as is.
 */
export function lastUpdatedText(info: TableInfo, column = 'last_updated'): string {
  const kind = info.columns.get('last_updated')?.kind;

  // to_char drops the era, so a time before the year 1 keeps its own text,
  // which ends in BC, and reads as unreadable rather than as a year AD.
  if (kind === 'timestamptz') {
    return `CASE WHEN isfinite(${column}) AND ${column} >= '0001-01-01 00:00:00+00' THEN to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00:00' ELSE ${column}::text END`;
  }
  if (kind === 'timestamp') {
    return `CASE WHEN isfinite(${column}) AND ${column} >= '0001-01-01 00:00:00' THEN to_char(${column}, 'YYYY-MM-DD HH24:MI:SS.US') ELSE ${column}::text END`;
  }
  // NOTE: a date or other type reads through its text cast, which follows the
  // session's DateStyle; the bot never creates such a column.
  return `${column}::text`;
}

/** Builds the select list for whole rows, each column as text. */
export function rowColumns(info: TableInfo): string {
  return [
    'id::text AS id',
    `${lastUpdatedText(info)} AS last_updated`,
    'variables::text AS variables',
    'strategy_id::text AS strategy_id',
  ].join(', ');
}

export function toBackupRow(row: PostgresRow): BackupRow {
  return {
    id: row.id,
    lastUpdated: toTimestamp(row.last_updated),
    variables: row.variables,
    strategyId: row.strategy_id ?? '',
  };
}

export function toTimestamp(text: string): Timestamp;
export function toTimestamp(text: string | null): Timestamp | null;
export function toTimestamp(text: string | null): Timestamp | null {
  if (text === null) {
    return null;
  }
  return { text, epochMicros: parseTimestampText(text), dialect: 'postgresql' };
}
