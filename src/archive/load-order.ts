import type { ArchiveTimestamp } from './format.js';

/**
 * Tells whether the bot's loader (`ORDER BY last_updated DESC LIMIT 1`)
 * prefers a row stamped `candidate` over one stamped `current`, by the rules
 * of the database the rows came from. SQLite compares the stored text, and
 * NULL sorts last. PostgreSQL compares instants, and NULL sorts first under
 * DESC, so a NULL wins. Ties keep `current`, the row met first.
 */
export function loadsBefore(candidate: ArchiveTimestamp | null, current: ArchiveTimestamp | null): boolean {
  const dialect = candidate?.dialect ?? current?.dialect;

  if (dialect === 'postgresql') {
    if (current === null) {
      return false;
    }
    if (candidate === null) {
      return true;
    }
    return compareInstants(candidate, current) > 0;
  }

  if (candidate === null) {
    return false;
  }
  if (current === null) {
    return true;
  }
  return candidate.text > current.text;
}

function compareInstants(left: ArchiveTimestamp, right: ArchiveTimestamp): number {
  if (left.epochMicros === null || right.epochMicros === null) {
    return compare(left.text, right.text);
  }
  return compare(left.epochMicros, right.epochMicros);
}

function compare<T extends string | bigint>(left: T, right: T): number {
  if (left < right) {
    return -1;
  }
  return left > right ? 1 : 0;
}
