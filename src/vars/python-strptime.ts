/**
 * `datetime.datetime.strptime(text, '%Y-%m-%d')` on CPython 3.11: whether it
 * succeeds. The tests compare it with /usr/bin/python3 3.11 on generated
 * strings.
 */

import { isValidDate } from './calendar.js';
import { pythonDigitClass, pythonDigitValue } from './python-digits.js';

/**
 * `strptime('%Y-%m-%d')` as CPython 3.11's `_strptime` builds it: the regex
 * `(?P<Y>\d\d\d\d)-(?P<m>1[0-2]|0[1-9]|[1-9])-(?P<d>3[0-1]|[1-2]\d|0[1-9]|[1-9]| [1-9])`,
 * where `\d` is any Unicode decimal digit, matched at the start, then
 * "unconverted data remains" unless the match covers the whole string.
 */
const STRPTIME_DATE = buildStrptimeDatePattern();

function buildStrptimeDatePattern(): RegExp {
  const digit = pythonDigitClass();
  return new RegExp(`^(${digit}{4})-(1[0-2]|0[1-9]|[1-9])-(3[0-1]|[1-2]${digit}|0[1-9]|[1-9]| [1-9])`, 'u');
}

/** Check that `datetime.datetime.strptime(text, '%Y-%m-%d')` succeeds on CPython 3.11. */
export function isPythonStrptimeDate(text: string): boolean {
  const match = STRPTIME_DATE.exec(text);
  if (match === null || match[0].length !== text.length) {
    return false;
  }

  const year = pythonInt(match[1]!);
  const month = pythonInt(match[2]!);
  const day = pythonInt(match[3]!);

  return isValidDate(year, month, day);
}

/** `int()` of a string of Python decimal digits, optionally led by a space. */
function pythonInt(text: string): number {
  let value = 0;
  for (const char of text.trim()) {
    value = value * 10 + pythonDigitValue(char.codePointAt(0)!);
  }
  return value;
}
