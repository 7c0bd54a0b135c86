import { UsageError } from '../errors.js';

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

const CONVERSIONS: Readonly<Record<string, (date: Date) => string>> = {
  Y: (date) => pad(date.getFullYear(), 4),
  y: (date) => pad(date.getFullYear() % 100),
  m: (date) => pad(date.getMonth() + 1),
  d: (date) => pad(date.getDate()),
  H: (date) => pad(date.getHours()),
  M: (date) => pad(date.getMinutes()),
  S: (date) => pad(date.getSeconds()),
  j: (date) => pad(dayOfYear(date), 3),
  s: (date) => String(Math.floor(date.getTime() / 1000)),
  F: (date) => `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`,
  '%': () => '%',
};

/**
 * Expands strftime-style conversions in an export file name, in the local
 * time zone (TZ is honoured): %Y %y %m %d %H %M %S %j (day of the year),
 * %s (Unix seconds), %F (%Y-%m-%d) and %% (a percent sign). Throws
 * UsageError for any other conversion, so a typo cannot produce a file
 * name with a stray `%`.
 */
export function expandDatePattern(pattern: string, date: Date): string {
  return pattern.replace(/%(.?)/g, (match, conversion: string) => {
    const expand = CONVERSIONS[conversion];
    if (expand === undefined) {
      throw new UsageError(`unknown conversion "${match}" in the file name "${pattern}"`, {
        hint: 'use %Y %y %m %d %H %M %S %j %s %F, or %% for a percent sign; for example -o backup-%Y%m%d-%H%M%S.jsonl',
      });
    }
    return expand(date);
  });
}

/**
 * Names the copy that purge keeps of what it deletes:
 * `purged-20261204-194500-<database>.jsonl`. The time is UTC, so names sort
 * in order across time zone changes. The database comes from the masked URL:
 * a SQLite file's name, or a PostgreSQL host and database.
 */
export function purgeBackupName(displayUrl: string, date: Date): string {
  const stamp =
    `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}-` +
    `${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`;
  return `purged-${stamp}-${databaseLabel(displayUrl)}.jsonl`;
}

function databaseLabel(displayUrl: string): string {
  let label: string;
  try {
    const url = new URL(displayUrl);
    const lastSegment = decodeURIComponent(url.pathname.split('/').pop() ?? '');
    label = url.protocol.startsWith('sqlite') ? lastSegment : `${url.hostname}-${lastSegment}`;
  } catch {
    label = displayUrl;
  }

  const safe = label.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._-]+/, '').slice(0, 80);
  return safe === '' ? 'database' : safe;
}

function dayOfYear(date: Date): number {
  const startUtc = Date.UTC(date.getFullYear(), 0, 1);
  const dateUtc = Date.UTC(date.getFullYear(), date.getMonth(), date.getDate());
  return Math.round((dateUtc - startUtc) / 86_400_000) + 1;
}
