/**
 * `datetime.datetime.fromisoformat` of CPython 3.11 (its C implementation):
 * whether it returns a datetime for a string. The tests compare it with
 * /usr/bin/python3 3.11 on generated strings.
 */

import { isoWeekToDate, isValidDate } from './calendar.js';
import type { CalendarDate } from './calendar.js';

const ASCII_T = 0x54;
const ASCII_W = 0x57;
const ASCII_Z = 0x5a;
const HYPHEN = 0x2d;
const PLUS = 0x2b;
const COLON = 0x3a;
const DOT = 0x2e;
const COMMA = 0x2c;

const SECONDS_PER_DAY = 86_400;

/**
 * The UTF-8 bytes CPython parses, read as C reads a NUL-terminated buffer:
 * 0 at and past the end.
 */
class Bytes {
  readonly length: number;
  private readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.length = bytes.length;
  }

  at(index: number): number {
    return index < this.length ? this.bytes[index]! : 0;
  }

  isDigit(index: number): boolean {
    const byte = this.at(index);
    return byte >= 0x30 && byte <= 0x39;
  }

  /** Read `count` ASCII digits at `index` as a number, or return -1. */
  digits(index: number, count: number): number {
    let value = 0;
    for (let i = 0; i < count; i++) {
      if (!this.isDigit(index + i)) {
        return -1;
      }
      value = value * 10 + (this.at(index + i) - 0x30);
    }
    return value;
  }
}

const encoder = new TextEncoder();

function isSurrogate(codePoint: number): boolean {
  return codePoint >= 0xd800 && codePoint <= 0xdfff;
}

/**
 * Check that `datetime.datetime.fromisoformat(text)` returns a datetime on
 * CPython 3.11. Besides `YYYY-MM-DDTHH:MM:SS.ffffff+HH:MM`, version 3.11
 * accepts any one character as the separator, basic formats
 * (`20250102T1030`), ISO week dates (`2025-W01-3`), hours alone, `,` before
 * the fraction, fractions of any length (truncated to microseconds), `Z`,
 * and offsets with seconds and fractions. It also has the oddities of its C
 * code, such as a fourth `:` field read as the fraction and offset minutes
 * that are never range-checked.
 */
export function isPythonIsoDatetime(text: string): boolean {
  // Most strings a bot stores are ASCII: their UTF-8 bytes are their UTF-16
  // units, with no surrogate to handle, so the copy below is not needed.
  const ascii = asciiBytes(text);
  if (ascii !== null) {
    return ascii.length >= 7 && parseDatetime(new Bytes(ascii));
  }

  const codePoints = Array.from(text, (char) => char.codePointAt(0)!);

  // Every ISO form Python accepts has at least 7 characters.
  if (codePoints.length < 7) {
    return false;
  }

  // Python accepts a lone surrogate only as the separator, at index 7, 8 or 10.
  for (const index of [7, 8, 10]) {
    if (index >= codePoints.length) {
      break;
    }
    if (isSurrogate(codePoints[index]!)) {
      codePoints[index] = ASCII_T;
      break;
    }
  }

  if (codePoints.some(isSurrogate)) {
    return false;
  }

  // Built in a loop because String.fromCodePoint(...codePoints) passes one
  // argument per character and overflows the call stack on long strings.
  let candidate = '';
  for (const codePoint of codePoints) {
    candidate += String.fromCodePoint(codePoint);
  }
  const bytes = new Bytes(encoder.encode(candidate));
  return parseDatetime(bytes);
}

/** Returns the bytes of an ASCII string, or null when it has any other character. */
function asciiBytes(text: string): Uint8Array | null {
  const bytes = new Uint8Array(text.length);
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit > 0x7f) {
      return null;
    }
    bytes[index] = unit;
  }
  return bytes;
}

function parseDatetime(bytes: Bytes): boolean {
  const separator = findSeparator(bytes);
  if (separator < 0) {
    return false;
  }

  const date = parseDate(bytes, separator);
  if (date === null) {
    return false;
  }

  let time: ParsedTime = { hour: 0, minute: 0, second: 0, offsetSeconds: 0, offsetMicroseconds: 0, hasOffset: false };
  if (bytes.length > separator) {
    const parsed = parseTime(bytes, separator + utf8CharLength(bytes.at(separator)), bytes.length);
    if (parsed === null) {
      return false;
    }
    time = parsed;
  }

  return isValidDate(date.year, date.month, date.day) && time.hour <= 23 && time.minute <= 59 && time.second <= 59 && isValidOffset(time);
}

/** Count the bytes of the UTF-8 character that starts with `lead`. */
function utf8CharLength(lead: number): number {
  if ((lead & 0x80) === 0) return 1;
  if ((lead & 0xf0) === 0xe0) return 3;
  if ((lead & 0xf0) === 0xf0) return 4;
  return 2;
}

/**
 * Find where the date ends and the one-character separator sits. Python decides
 * it from the shape of the date alone: YYYY-MM-DD and YYYY-Www-D end at 10,
 * YYYYMMDD, YYYY-Www and YYYYWwwD at 8, YYYYWww at 7.
 */
function findSeparator(bytes: Bytes): number {
  const length = bytes.length;
  if (length === 7) {
    return 7;
  }

  if (bytes.at(4) === HYPHEN) {
    if (bytes.at(5) !== ASCII_W) {
      return 10;
    }
    if (length > 8 && bytes.at(8) === HYPHEN) {
      if (length === 9) return -1;
      // YYYY-Www-HH... reads the hyphen at 8 as the separator.
      return length > 10 && bytes.isDigit(10) ? 8 : 10;
    }
    return 8;
  }

  if (bytes.at(4) !== ASCII_W) {
    return 8;
  }

  // YYYYWww#HH has an odd number of digits from index 7 on, YYYYWwwd#HH even.
  let index = 7;
  while (index < length && bytes.isDigit(index)) index += 1;
  if (index < 9) {
    return index;
  }
  return index % 2 === 0 ? 7 : 8;
}

/** Read the date before `separator`, or return null. Like Python, it does not check that the date fills that span. */
function parseDate(bytes: Bytes, separator: number): CalendarDate | null {
  const year = bytes.digits(0, 4);
  if (year < 0) {
    return null;
  }

  const hasHyphens = bytes.at(4) === HYPHEN;
  let position = hasHyphens ? 5 : 4;

  if (bytes.at(position) === ASCII_W) {
    return parseWeekDate(bytes, year, position + 1, hasHyphens, separator);
  }

  const month = bytes.digits(position, 2);
  if (month < 0) {
    return null;
  }
  position += 2;

  if (hasHyphens) {
    if (bytes.at(position) !== HYPHEN) {
      return null;
    }
    position += 1;
  }

  const day = bytes.digits(position, 2);
  return day < 0 ? null : { year, month, day };
}

function parseWeekDate(bytes: Bytes, year: number, weekPosition: number, hasHyphens: boolean, separator: number): CalendarDate | null {
  const week = bytes.digits(weekPosition, 2);
  if (week < 0) {
    return null;
  }

  let position = weekPosition + 2;
  let weekday = 1;
  if (position < separator) {
    if (hasHyphens) {
      if (bytes.at(position) !== HYPHEN) {
        return null;
      }
      position += 1;
    }
    weekday = bytes.digits(position, 1);
    if (weekday < 0) {
      return null;
    }
  }

  return isoWeekToDate(year, week, weekday);
}

interface ParsedTime {
  hour: number;
  minute: number;
  second: number;
  hasOffset: boolean;
  offsetSeconds: number;
  offsetMicroseconds: number;
}

/** Read the time in bytes [start, end), or return null where Python rejects it. */
function parseTime(bytes: Bytes, start: number, end: number): ParsedTime | null {
  // The offset starts at the first 'Z', '+' or '-', wherever it is.
  let offsetStart = start;
  do {
    const byte = bytes.at(offsetStart);
    if (byte === ASCII_Z || byte === PLUS || byte === HYPHEN) {
      break;
    }
    offsetStart += 1;
  } while (offsetStart < end);

  const clock = parseClock(bytes, start, offsetStart);
  if (clock === null) {
    return null;
  }

  // Fields named one by one: in CPU profiles of `show` on a 10 MB state, a
  // spread of `clock` here took 160 to 210 ms, most of the date checks' time.
  const time: ParsedTime = { hour: clock.hour, minute: clock.minute, second: clock.second, hasOffset: false, offsetSeconds: 0, offsetMicroseconds: 0 };

  if (offsetStart === end) {
    // Without an offset, nothing may follow the clock.
    return clock.hasTrailingData ? null : time;
  }

  time.hasOffset = true;
  if (bytes.at(offsetStart) === ASCII_Z) {
    // Python checks for the terminating NUL, so "Z\0..." passes.
    return bytes.at(offsetStart + 1) === 0 ? time : null;
  }

  const sign = bytes.at(offsetStart) === HYPHEN ? -1 : 1;
  const offset = parseClock(bytes, offsetStart + 1, end);
  if (offset === null || offset.hasTrailingData) {
    return null;
  }

  time.offsetSeconds = sign * (offset.hour * 3600 + offset.minute * 60 + offset.second);
  time.offsetMicroseconds = sign * offset.microsecond;
  return time;
}

interface Clock {
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
  /** Whether something other than a NUL follows what was read. */
  hasTrailingData: boolean;
}

/**
 * Read `HH[:MM[:SS[.f...]]]` or `HH[MM[SS[.f...]]]` in [start, end) as
 * CPython's `parse_hh_mm_ss_ff` reads it, quirks included. It looks at the
 * byte at `end`, a `:` after the seconds starts the fraction, and fraction
 * digits past the sixth are skipped even beyond `end`.
 */
function parseClock(bytes: Bytes, start: number, end: number): Clock | null {
  const fields = [0, 0, 0];
  let position = start;
  let hasColons = true;

  for (let i = 0; i < 3; i++) {
    const value = bytes.digits(position, 2);
    if (value < 0) {
      return null;
    }
    fields[i] = value;
    position += 2;

    const next = bytes.at(position);
    position += 1;
    if (i === 0) {
      hasColons = next === COLON;
    }

    if (position >= end) {
      return { hour: fields[0]!, minute: fields[1]!, second: fields[2]!, microsecond: 0, hasTrailingData: next !== 0 };
    }
    if (hasColons && next === COLON) {
      continue;
    }
    if (next === DOT || next === COMMA) {
      break;
    }
    if (hasColons) {
      return null;
    }
    position -= 1;
  }

  // Reached after a '.' or ',', or after the seconds: then a ':' has been
  // stepped over and anything else is read as fraction digits.
  const fractionDigits = Math.min(end - position, 6);
  const fraction = bytes.digits(position, fractionDigits);
  if (fraction < 0) {
    return null;
  }
  position += fractionDigits;

  const microsecond = fraction * 10 ** (6 - fractionDigits);
  while (bytes.isDigit(position)) position += 1;

  return { hour: fields[0]!, minute: fields[1]!, second: fields[2]!, microsecond, hasTrailingData: bytes.at(position) !== 0 };
}

/** A UTC offset must be strictly within a day; an offset of 0 seconds is UTC whatever its fraction. */
function isValidOffset(time: ParsedTime): boolean {
  if (!time.hasOffset || time.offsetSeconds === 0) {
    return true;
  }

  const totalMicroseconds = time.offsetSeconds * 1_000_000 + time.offsetMicroseconds;
  return Math.abs(totalMicroseconds) < SECONDS_PER_DAY * 1_000_000;
}

