/**
 * What the bot's loader (`load_variables_from_db`) makes of stored strings.
 *
 * The loader passes an `object_hook` to `json.loads`, which Python calls for
 * every JSON object: the top one, nested ones and those inside lists. The
 * hook converts the object's string values only, so list items and dict keys
 * stay strings.
 *
 * - `current` rules (Lumibot 4.4.14 and later): a string matching
 *   `^\d{4}-\d{2}-\d{2}T` goes to `datetime.fromisoformat` (a trailing `Z`
 *   replaced by `+00:00` first) and one matching `^\d{4}-\d{2}-\d{2}$` to
 *   `strptime('%Y-%m-%d').date()`; when that fails it stays a str.
 * - `legacy` rules (before 4.4.14): any string containing `T` goes to
 *   `datetime.fromisoformat`, else any containing `-` to
 *   `strptime('%Y-%m-%d').date()`, and one failure aborts the whole load, so
 *   the bot restores no variable at all.
 */

import { isValidDate } from './calendar.js';
import { pythonDigitClass } from './python-digits.js';
import { isPythonIsoDatetime } from './python-fromisoformat.js';
import { isPythonStrptimeDate } from './python-strptime.js';
import { isDigit } from './scanner.js';
import type { Vars } from './vars.js';
import type { VarValue } from './value.js';

export type LoadRules = 'current' | 'legacy';

/** Result of loading one string value: a Python type name, or 'error', which aborts a legacy load. */
export type StringOutcome = 'str' | 'date' | 'datetime' | 'error';

// NOTE: these assume the loader uses Python's `re` with default flags, where
// `\d` is any Unicode decimal digit and `$` also matches before a final
// newline; ASCII-only patterns would differ only for non-ASCII digits.
const DIGIT = pythonDigitClass();
const DATETIME_PREFIX = new RegExp(`^${DIGIT}{4}-${DIGIT}{2}-${DIGIT}{2}T`, 'u');
const DATE_ONLY = new RegExp(`^${DIGIT}{4}-${DIGIT}{2}-${DIGIT}{2}\\n?$`, 'u');

function loadString(value: string, rules: LoadRules): StringOutcome {
  if (rules === 'legacy') {
    if (value.includes('T')) {
      return isPythonIsoDatetime(value) ? 'datetime' : 'error';
    }
    if (value.includes('-')) {
      return isPythonStrptimeDate(value) ? 'date' : 'error';
    }
    return 'str';
  }

  return loadCommonShape(value) ?? loadByPatterns(value);
}

/** Applies the current rules through their patterns and the parsers that emulate Python's; `loadCommonShape` must agree with it. */
export function loadByPatterns(value: string): StringOutcome {
  if (DATETIME_PREFIX.test(value)) {
    const candidate = value.endsWith('Z') ? value.slice(0, -1) + '+00:00' : value;
    return isPythonIsoDatetime(candidate) ? 'datetime' : 'str';
  }
  if (DATE_ONLY.test(value)) {
    return isPythonStrptimeDate(value) ? 'date' : 'str';
  }
  return 'str';
}

const DIGIT_0 = 0x30;
const DASH = 0x2d;
const COLON = 0x3a;
const LETTER_T = 0x54;
const LETTER_Z = 0x5a;
const PLUS = 0x2b;
const DOT = 0x2e;
const MINUTES_PER_DAY = 24 * 60;

/**
 * Decides a string under current rules without the general parsers, for the
 * shapes that bots write, all in ASCII: `YYYY-MM-DD`, and
 * `YYYY-MM-DDTHH:MM:SS` with an optional `.ffffff` and an optional `Z`,
 * `+HH:MM` or `-HH:MM`. Also a string that starts with an ASCII character
 * other than a digit, which neither pattern matches. Returns undefined for
 * any other string. `show` judges every string of a state, and the general
 * path took about a fifth of its time on a 10 MB state of dated entries.
 * A property test compares both paths.
 */
export function loadCommonShape(value: string): StringOutcome | undefined {
  const first = value.charCodeAt(0);
  if (first < 0x80 && !isDigit(first)) {
    return 'str';
  }
  if (value.length < 10 || !isAsciiDigits(value, 0, 4) || value.charCodeAt(4) !== DASH || !isAsciiDigits(value, 5, 2)) {
    return undefined;
  }
  if (value.charCodeAt(7) !== DASH || !isAsciiDigits(value, 8, 2)) {
    return undefined;
  }
  const isDate = isValidDate(numberAt(value, 0, 4), numberAt(value, 5, 2), numberAt(value, 8, 2));

  if (value.length === 10) {
    return isDate ? 'date' : 'str';
  }
  if (value.charCodeAt(10) !== LETTER_T) {
    return undefined;
  }

  const clockEnd = 19;
  if (!isClock(value, 11) || value.length < clockEnd) {
    return undefined;
  }
  const fractionEnd = value.charCodeAt(clockEnd) === DOT ? clockEnd + 7 : clockEnd;
  if (fractionEnd > clockEnd && !isAsciiDigits(value, clockEnd + 1, 6)) {
    return undefined;
  }

  const offsetLength = value.length - fractionEnd;
  if (offsetLength === 0 || (offsetLength === 1 && value.charCodeAt(fractionEnd) === LETTER_Z)) {
    return isDate && isValidClock(value, 11) ? 'datetime' : 'str';
  }
  const sign = value.charCodeAt(fractionEnd);
  if (offsetLength !== 6 || (sign !== PLUS && sign !== DASH) || !isAsciiDigits(value, fractionEnd + 1, 2)) {
    return undefined;
  }
  if (value.charCodeAt(fractionEnd + 3) !== COLON || !isAsciiDigits(value, fractionEnd + 4, 2)) {
    return undefined;
  }
  // Python checks only that the offset is less than a day, not its minutes.
  const offsetFits = numberAt(value, fractionEnd + 1, 2) * 60 + numberAt(value, fractionEnd + 4, 2) < MINUTES_PER_DAY;
  return isDate && isValidClock(value, 11) && offsetFits ? 'datetime' : 'str';
}

/** Tells whether `HH:MM:SS` in ASCII digits starts at `start`. */
function isClock(value: string, start: number): boolean {
  return (
    isAsciiDigits(value, start, 2) &&
    value.charCodeAt(start + 2) === COLON &&
    isAsciiDigits(value, start + 3, 2) &&
    value.charCodeAt(start + 5) === COLON &&
    isAsciiDigits(value, start + 6, 2)
  );
}

function isValidClock(value: string, start: number): boolean {
  return numberAt(value, start, 2) <= 23 && numberAt(value, start + 3, 2) <= 59 && numberAt(value, start + 6, 2) <= 59;
}

function isAsciiDigits(value: string, start: number, count: number): boolean {
  for (let index = start; index < start + count; index++) {
    if (!isDigit(value.charCodeAt(index))) {
      return false;
    }
  }
  return true;
}

/** Reads `count` ASCII digits at `start` as a number. */
function numberAt(value: string, start: number, count: number): number {
  let number = 0;
  for (let index = start; index < start + count; index++) {
    number = number * 10 + value.charCodeAt(index) - DIGIT_0;
  }
  return number;
}

/**
 * Name the Python type the bot gets after loading this value as a dict
 * value: 'str', 'date', 'datetime', 'int', 'float', 'bool', 'NoneType',
 * 'list' or 'dict'. Under legacy rules a string that aborts the load gives
 * 'error'. Only the value itself is judged, not what a list or dict holds.
 */
export function loadedType(value: VarValue, rules: LoadRules = 'current'): string {
  return value.type === 'str' ? loadString(value.value, rules) : value.type;
}

/** One string value the object_hook converts or fails on, with its path. */
interface HookedString {
  path: string;
  value: string;
  outcome: StringOutcome;
}

/**
 * Collect every string the object_hook converts or checks, in document order. Paths read like
 * `open_orders[0].submitted_at`, with keys that are not identifiers quoted:
 * `positions["SPY 2025-03-21 500P"].expiration`.
 */
function hookedStrings(vars: Vars, rules: LoadRules): HookedString[] {
  const found: HookedString[] = [];

  const visitDictEntry = (key: string, value: VarValue, parentPath: string): void => {
    const path = appendKey(parentPath, key);
    if (value.type === 'str') {
      found.push({ path, value: value.value, outcome: loadString(value.value, rules) });
    } else {
      visitContainer(value, path);
    }
  };

  const visitContainer = (value: VarValue, path: string): void => {
    if (value.type === 'dict') {
      for (const [key, item] of value.entries) visitDictEntry(key, item, path);
    } else if (value.type === 'list') {
      value.items.forEach((item, index) => visitContainer(item, `${path}[${index}]`));
    }
  };

  for (const [key, value] of vars.entries()) {
    visitDictEntry(key, value, '');
  }

  return found;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function appendKey(parentPath: string, key: string): string {
  if (!IDENTIFIER.test(key)) {
    return `${parentPath}[${JSON.stringify(key)}]`;
  }
  return parentPath === '' ? key : `${parentPath}.${key}`;
}

/**
 * List the string values that make a bot with these rules fail the whole
 * load. Only legacy rules fail, so current rules always give an empty list.
 */
export function loadFailures(vars: Vars, rules: LoadRules): Array<{ path: string; value: string; reason: string }> {
  return hookedStrings(vars, rules)
    .filter((found) => found.outcome === 'error')
    .map(({ path, value }) => ({ path, value, reason: failureReason(value) }));
}

function failureReason(value: string): string {
  if (value.includes('T')) {
    return "contains 'T', so a bot before Lumibot 4.4.14 passes it to datetime.fromisoformat, which rejects it";
  }
  return "contains '-', so a bot before Lumibot 4.4.14 passes it to strptime('%Y-%m-%d'), which rejects it";
}

/** List the string values the bot loads back as a date or datetime instead of a str. */
export function dateConversions(
  vars: Vars,
  rules: LoadRules = 'current',
): Array<{ path: string; value: string; becomes: 'date' | 'datetime' }> {
  const conversions: Array<{ path: string; value: string; becomes: 'date' | 'datetime' }> = [];

  for (const { path, value, outcome } of hookedStrings(vars, rules)) {
    if (outcome === 'date' || outcome === 'datetime') {
      conversions.push({ path, value, becomes: outcome });
    }
  }

  return conversions;
}
