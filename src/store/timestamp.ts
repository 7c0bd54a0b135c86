/**
 * `last_updated` values as text and as instants (microseconds since the Unix
 * epoch, as a bigint), independent of the process TZ and of any database
 * session's TimeZone.
 *
 * Shapes read: the bot's SQLite text `YYYY-MM-DD HH:MM:SS[.ffffff]-05:00`, the
 * placeholder row's offset-less New York wall time, ISO 8601 with a `T`,
 * date-only texts, PostgreSQL text with a `+00` style offset, and epoch
 * numbers that another tool left in SQLite.
 */

import { newYorkZoneAt } from './new-york.js';

const MICROS_PER_SECOND = 1_000_000n;
const MICROS_PER_MILLI = 1_000n;

// Date, optional time with up to 9 fraction digits, optional offset. A `T`
// or a space separates date and time, as Python's fromisoformat accepts.
const TIMESTAMP_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)? ?(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2}(?:\.\d{1,6})?)?)?)?$/i;

/** The wall clock at one millisecond tick, and the monotonic clock at the same moment. */
interface ClockAnchor {
  readonly epochMicros: bigint;
  readonly monotonicNanos: bigint;
}

let clockAnchor: ClockAnchor | undefined;

/**
 * Ties the monotonic clock to the wall clock: waits for the wall clock's
 * next millisecond tick (1 ms at most) and notes the monotonic clock there.
 * Stores call it when they open, so that the instants a command writes
 * later fall anywhere within their millisecond, as the bot's do.
 */
export function anchorClock(): ClockAnchor {
  if (clockAnchor === undefined) {
    const start = Date.now();
    let tick = Date.now();
    while (tick === start) {
      tick = Date.now();
    }
    clockAnchor = { epochMicros: BigInt(tick) * 1000n, monotonicNanos: process.hrtime.bigint() };
  }
  return clockAnchor;
}

/**
 * Returns the current instant in microseconds, as the wall clock gives it,
 * with microsecond digits as the bot's own time stamps have them.
 *
 * Node.js reads the wall clock to the millisecond only. performance.timeOrigin
 * + performance.now() has finer digits but its origin was seen 11 ms behind
 * the wall clock here, so a backup would look older than it is. So an
 * instant is the tick noted by anchorClock plus the monotonic time since,
 * which a short-lived command cannot see drift.
 */
export function nowEpochMicros(): bigint {
  const anchor = anchorClock();
  return anchor.epochMicros + (process.hrtime.bigint() - anchor.monotonicNanos) / 1000n;
}

/**
 * Reads a stored `last_updated` text as an instant. Naive texts are New York
 * wall time, as the bot's placeholder row writes them. Returns null for text
 * that is not a time (including PostgreSQL's `infinity`).
 */
export function parseTimestampText(text: string): bigint | null {
  const common = parseCommonTimestamp(text);
  if (common !== undefined) {
    return common;
  }

  const match = TIMESTAMP_PATTERN.exec(text.trim());
  if (match === null) {
    return null;
  }

  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', offset] = match;
  const wall = wallTimeMicros(Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second));
  if (wall === null) {
    return null;
  }
  const micros = BigInt(fraction.padEnd(6, '0').slice(0, 6) || '0');
  const wallMicros = wall + micros;

  if (offset === undefined) {
    return newYorkWallToInstant(wallMicros);
  }
  return wallMicros - offsetMicros(offset);
}

/**
 * Reads the shape the bot and the PostgreSQL adapter write,
 * `YYYY-MM-DD HH:MM:SS[.fraction]+HH:MM` (or with a `T`), without a regular
 * expression or a Date object, as `parseTimestampText` would read it.
 * Returns undefined for any other shape, which the general path then reads.
 */
function parseCommonTimestamp(text: string): bigint | null | undefined {
  if (
    text.length < 25 ||
    !areDigits(text, 0, 4) || text.charCodeAt(4) !== DASH || !areDigits(text, 5, 7) || text.charCodeAt(7) !== DASH || !areDigits(text, 8, 10) ||
    (text.charCodeAt(10) !== SPACE && text.charCodeAt(10) !== LETTER_T) ||
    !areDigits(text, 11, 13) || text.charCodeAt(13) !== COLON || !areDigits(text, 14, 16) || text.charCodeAt(16) !== COLON || !areDigits(text, 17, 19)
  ) {
    return undefined;
  }

  // The fraction: up to 9 digits, of which microseconds keep the first 6.
  let position = 19;
  let micros = 0;
  if (text.charCodeAt(position) === DOT) {
    const start = position + 1;
    position = start;
    while (isDigit(text.charCodeAt(position))) {
      if (position - start < 6) {
        micros = micros * 10 + (text.charCodeAt(position) - DIGIT_0);
      }
      position += 1;
    }
    const digits = position - start;
    if (digits === 0 || digits > 9) {
      return undefined;
    }
    micros *= 10 ** Math.max(6 - digits, 0);
  }

  const sign = text.charCodeAt(position);
  if ((sign !== PLUS && sign !== DASH) || position + 6 !== text.length || !areDigits(text, position + 1, position + 3) || text.charCodeAt(position + 3) !== COLON || !areDigits(text, position + 4, position + 6)) {
    return undefined;
  }

  const year = digitsValue(text, 0, 4);
  const month = digitsValue(text, 5, 7);
  const day = digitsValue(text, 8, 10);
  const hour = digitsValue(text, 11, 13);
  const minute = digitsValue(text, 14, 16);
  const second = digitsValue(text, 17, 19);
  // Date.UTC reads years 0 to 99 as 1900 to 1999, so those take the general path.
  if (year < 100) {
    return undefined;
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return null;
  }

  const offsetSeconds = (digitsValue(text, position + 1, position + 3) * 3600 + digitsValue(text, position + 4, position + 6) * 60) * (sign === DASH ? -1 : 1);
  const millis = Date.UTC(year, month - 1, day, hour, minute, second) - offsetSeconds * 1000;
  return BigInt(millis) * MICROS_PER_MILLI + BigInt(micros);
}

const DIGIT_0 = 0x30;
const DASH = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const COLON = 0x3a;
const SPACE = 0x20;
const LETTER_T = 0x54;

function isDigit(code: number): boolean {
  return code >= DIGIT_0 && code <= DIGIT_0 + 9;
}

function areDigits(text: string, start: number, end: number): boolean {
  for (let position = start; position < end; position++) {
    if (!isDigit(text.charCodeAt(position))) {
      return false;
    }
  }
  return true;
}

function digitsValue(text: string, start: number, end: number): number {
  let value = 0;
  for (let position = start; position < end; position++) {
    value = value * 10 + (text.charCodeAt(position) - DIGIT_0);
  }
  return value;
}

/** Days in a month of the proleptic Gregorian calendar, which Date uses. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// Instants of the years 1 to 9999, the range of Python's datetime.
const MIN_EPOCH_MICROS = -62_135_596_800n * MICROS_PER_SECOND;
const END_EPOCH_MICROS = 253_402_300_800n * MICROS_PER_SECOND;

/**
 * Reads an epoch number that another tool stored in SQLite (REAL or
 * INTEGER). The unit is guessed from the magnitude: seconds below 1e11,
 * then milliseconds, microseconds, nanoseconds. Returns null for an
 * instant outside the years 1 to 9999, which the bot could not load and
 * no date display can show.
 */
// NOTE: the unit is a guess from the magnitude. Seconds below 1e11 reach the
// year 5138 and milliseconds above it start in 1973, so real values rarely clash.
export function parseEpochNumber(value: number | bigint): bigint | null {
  const epochMicros = scaleEpochNumber(value);
  return epochMicros !== null && epochMicros >= MIN_EPOCH_MICROS && epochMicros < END_EPOCH_MICROS ? epochMicros : null;
}

function scaleEpochNumber(value: number | bigint): bigint | null {
  if (typeof value === 'bigint') {
    return scaleEpochInteger(value);
  }
  if (!Number.isFinite(value)) {
    return null;
  }

  const magnitude = Math.abs(value);
  if (magnitude < 1e11) {
    return BigInt(Math.round(value * 1e6));
  }
  if (magnitude < 1e14) {
    return BigInt(Math.round(value * 1e3));
  }
  if (magnitude < 1e17) {
    return BigInt(Math.round(value));
  }
  return BigInt(Math.round(value / 1e3));
}

/**
 * Formats an instant as the bot's SQLite text: New York wall time with its
 * offset, `2026-12-04 14:41:06.946717-05:00`, without the fraction when the
 * microseconds are 0 (Python's `datetime.isoformat(' ')`).
 */
export function formatBotSqliteText(epochMicros: bigint): string {
  const wallMicros = newYorkWallMicros(epochMicros);
  const offsetMinutes = Number((wallMicros - epochMicros) / (60n * MICROS_PER_SECOND));
  return `${formatWall(wallMicros, 'auto')}${formatOffset(offsetMinutes)}`;
}

/** Formats an instant as New York wall time without an offset, with 6 fraction digits. */
export function formatNewYorkWallText(epochMicros: bigint): string {
  return formatWall(newYorkWallMicros(epochMicros), 'always');
}

/**
 * Formats an instant as UTC `YYYY-MM-DD HH:MM:SS.ffffff+00:00`, the text the
 * PostgreSQL adapter reads a timestamptz as, and writes one with.
 */
export function formatUtcText(epochMicros: bigint): string {
  return `${formatWall(epochMicros, 'always')}+00:00`;
}

/** UTC wall time of a calendar date and clock time, in microseconds; null for an invalid date. */
function wallTimeMicros(year: number, month: number, day: number, hour: number, minute: number, second: number): bigint | null {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return null;
  }

  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  if (date.getUTCDate() !== day) {
    return null;
  }
  return BigInt(date.getTime()) * MICROS_PER_MILLI;
}

function offsetMicros(offset: string): bigint {
  if (offset.toUpperCase() === 'Z') {
    return 0n;
  }

  const sign = offset.startsWith('-') ? -1n : 1n;
  const digits = offset.slice(1).replaceAll(':', '');
  const [whole = '', fraction = ''] = digits.split('.');
  const hours = BigInt(whole.slice(0, 2));
  const minutes = BigInt(whole.slice(2, 4) || '0');
  const seconds = BigInt(whole.slice(4, 6) || '0');
  const micros = BigInt(fraction.padEnd(6, '0') || '0');

  return sign * ((hours * 3600n + minutes * 60n + seconds) * MICROS_PER_SECOND + micros);
}

/**
 * Turns New York wall time into an instant. When daylight saving time ends,
 * a wall time in the repeated hour maps to the earlier instant, as Python's
 * `fold=0` does. When it begins, a skipped wall time is read with the offset
 * from before the change.
 */
function newYorkWallToInstant(wallMicros: bigint): bigint {
  const guess = wallMicros - newYorkOffsetMicros(wallMicros);
  const candidates = [guess - 3600n * MICROS_PER_SECOND, guess, guess + 3600n * MICROS_PER_SECOND];

  for (const candidate of candidates) {
    if (newYorkWallMicros(candidate) === wallMicros) {
      return candidate;
    }
  }
  const beforeChange = guess - 3n * 3600n * MICROS_PER_SECOND;
  return wallMicros - newYorkOffsetMicros(beforeChange);
}

function newYorkOffsetMicros(epochMicros: bigint): bigint {
  return newYorkWallMicros(epochMicros) - epochMicros;
}

/** Returns New York wall time at an instant, written as if it were a UTC instant. */
function newYorkWallMicros(epochMicros: bigint): bigint {
  const zone = newYorkZoneAt(Number(floorDiv(epochMicros, MICROS_PER_MILLI)));
  return epochMicros + BigInt(zone.offsetMs) * MICROS_PER_MILLI;
}

/** Formats wall time written as a UTC instant, with microseconds always, never, or when not zero. */
function formatWall(wallMicros: bigint, fraction: 'always' | 'auto' | 'never'): string {
  const seconds = floorDiv(wallMicros, MICROS_PER_SECOND);
  const micros = wallMicros - seconds * MICROS_PER_SECOND;
  const date = new Date(Number(seconds) * 1000);

  const year = String(date.getUTCFullYear()).padStart(4, '0');
  const text =
    `${year}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())} ` +
    `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}`;

  if (fraction === 'never' || (fraction === 'auto' && micros === 0n)) {
    return text;
  }
  return `${text}.${micros.toString().padStart(6, '0')}`;
}

function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const magnitude = Math.abs(offsetMinutes);
  return `${sign}${pad2(Math.floor(magnitude / 60))}:${pad2(magnitude % 60)}`;
}

function scaleEpochInteger(value: bigint): bigint {
  const magnitude = value < 0n ? -value : value;
  if (magnitude < 100_000_000_000n) {
    return value * MICROS_PER_SECOND;
  }
  if (magnitude < 100_000_000_000_000n) {
    return value * MICROS_PER_MILLI;
  }
  if (magnitude < 100_000_000_000_000_000n) {
    return value;
  }
  return value / 1000n;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

function floorDiv(dividend: bigint, divisor: bigint): bigint {
  const quotient = dividend / divisor;
  return dividend % divisor < 0n ? quotient - 1n : quotient;
}
