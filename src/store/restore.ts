import { CorruptDataError } from '../errors.js';
import { isPlaceholderRow } from './placeholder.js';
import { formatBotSqliteText, formatNewYorkWallText, formatUtcText } from './timestamp.js';
import type { ColumnKind, RestoreRow } from './types.js';

/**
 * `last_updated` of a restored row in the target's own form. A time stamp
 * without a dialect is taken to come from the target's dialect.
 */

/**
 * SQLite keeps SQLite text exactly. An instant from PostgreSQL becomes the
 * text the bot writes: New York time with its offset for a strategy's row,
 * and New York wall time without an offset for the placeholder row, which
 * pandas writes when it creates the table.
 */
export function restoreTextForSqlite(row: RestoreRow): string | null {
  const timestamp = row.lastUpdated;
  if (timestamp === null) {
    return null;
  }
  if (timestamp.dialect === undefined || timestamp.dialect === 'sqlite' || timestamp.epochMicros === null) {
    return timestamp.text;
  }
  if (isPlaceholderRow(row.strategyId, row.variables)) {
    return formatNewYorkWallText(timestamp.epochMicros);
  }
  return formatBotSqliteText(timestamp.epochMicros);
}

/**
 * Tells whether a last_updated is a text that PostgreSQL's timestamp
 * columns reject: neither a time varsctl reads nor infinity.
 */
export function isNotATime(timestamp: { readonly text: string; readonly epochMicros: bigint | null }): boolean {
  return timestamp.epochMicros === null && !/^[+-]?infinity$/i.test(timestamp.text);
}

/**
 * PostgreSQL gets the instant with an explicit offset, so the session's
 * TimeZone cannot shift it. A timestamp without time zone column gets New
 * York wall time, the reading varsctl applies to it.
 */
export function restoreTextForPostgres(row: RestoreRow, columnKind: ColumnKind): string | null {
  const timestamp = row.lastUpdated;
  if (timestamp === null) {
    return null;
  }

  if (timestamp.epochMicros === null) {
    if (!isNotATime(timestamp) || (columnKind !== 'timestamptz' && columnKind !== 'timestamp')) {
      return timestamp.text;
    }
    // restore checks this before it writes; this is the last guard.
    throw new CorruptDataError(
      `last_updated ${JSON.stringify(timestamp.text)} of strategy ${JSON.stringify(row.strategyId)} is not a time, so PostgreSQL cannot store it`,
      { hint: 'fix last_updated of that row in the export file, or restore into SQLite, which keeps any text' },
    );
  }

  if (columnKind === 'timestamptz') {
    return formatUtcText(timestamp.epochMicros);
  }
  if (columnKind === 'timestamp') {
    return formatNewYorkWallText(timestamp.epochMicros);
  }
  // A hand-made text column keeps the text as it came.
  return timestamp.text;
}
