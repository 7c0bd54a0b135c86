import { parseTimestampText } from '../timestamp.js';
import type { BackupRow, TableInfo, Timestamp } from '../types.js';
import { decodeEscaped } from '../utf8.js';

/**
 * A column selected as text: a string, or its bytes when the database is
 * SQL_ASCII (see textColumn).
 */
export type ColumnText = string | Buffer | null;

/** A row as the adapter selects it: every column text or its bytes. */
export interface PostgresRow {
  readonly id: ColumnText;
  readonly last_updated: ColumnText;
  readonly variables: ColumnText;
  readonly strategy_id: ColumnText;
}

/**
 * Returns SQL that selects the text `expression` so that it reaches the client
 * unchanged. A SQL_ASCII database stores any bytes unchecked, and sending a
 * text that is not valid UTF-8 fails the whole query, so there the text is
 * selected as its bytes and decoded by columnText.
 */
export function textColumn(expression: string, asBytes: boolean): string {
  return asBytes ? `convert_to(${expression}, 'SQL_ASCII')` : expression;
}

/**
 * Decodes a column selected by textColumn. Bytes that are not valid UTF-8
 * become lone surrogates (see utf8.ts), as the SQLite store reads them.
 */
export function columnText(value: ColumnText): string | null {
  return Buffer.isBuffer(value) ? decodeEscaped(value) : value;
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

/** Builds the select list for whole rows, each column as text, or as its bytes with `asBytes` (see textColumn). */
export function rowColumns(info: TableInfo, asBytes: boolean): string {
  return [
    `${textColumn('id::text', asBytes)} AS id`,
    `${textColumn(lastUpdatedText(info), asBytes)} AS last_updated`,
    `${textColumn('variables::text', asBytes)} AS variables`,
    `${textColumn('strategy_id::text', asBytes)} AS strategy_id`,
  ].join(', ');
}

export function toBackupRow(row: PostgresRow): BackupRow {
  return {
    id: columnText(row.id),
    lastUpdated: toTimestamp(columnText(row.last_updated)),
    variables: columnText(row.variables),
    strategyId: columnText(row.strategy_id) ?? '',
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
