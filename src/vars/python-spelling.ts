/**
 * The spelling of strings and floats by Python's `json.dumps` with its
 * default settings (`ensure_ascii=True`, `allow_nan=True`), checked byte for
 * byte against CPython 3.11 in the test suite.
 */

import type { TextWriter } from './text-writer.js';

/** Characters `json.dumps` writes unescaped: printable ASCII except `"` and `\`. */
const NEEDS_ESCAPE = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;

const SHORT_ESCAPES: Record<number, string> = {
  0x22: '\\"',
  0x5c: '\\\\',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x08: '\\b',
  0x0c: '\\f',
};

const HEX = '0123456789abcdef';

/**
 * Quote a string as `json.dumps` does: `\"`, `\\`, `\n`, `\r`, `\t`, `\b`,
 * `\f`, and `\uXXXX` (lowercase hex) for every other code unit outside
 * printable ASCII, DEL (0x7f) included. A character above the BMP is already
 * a surrogate pair in a JS string, and that pair of escapes is what Python
 * writes. A lone surrogate gets its own escape, as in Python.
 */
export function quotePython(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) {
    return '"' + value + '"';
  }

  let out = '"';
  let runStart = 0;

  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0x20 && code <= 0x7e && code !== 0x22 && code !== 0x5c) {
      continue;
    }

    out += value.slice(runStart, i) + escapeCodeUnit(code);
    runStart = i + 1;
  }

  return out + value.slice(runStart) + '"';
}

/** Write `value` quoted as `quotePython` does. */
export function writeQuotedPython(writer: TextWriter, value: string): void {
  if (!writer.writeQuotedIfPrintable(value)) {
    writer.write(quotePython(value));
  }
}

function escapeCodeUnit(code: number): string {
  const short = SHORT_ESCAPES[code];
  if (short !== undefined) {
    return short;
  }

  return '\\u' + HEX[(code >> 12) & 15] + HEX[(code >> 8) & 15] + HEX[(code >> 4) & 15] + HEX[code & 15];
}

/**
 * Spell a float as Python's `repr` (and so `json.dumps`) does, with the
 * shortest digits that round-trip. Values from 1e-4 up to 1e16 use fixed
 * notation, and a whole number gets `.0`. Others use `d.ddde+XX`, with a
 * signed exponent of at least two digits. NaN and the infinities are the
 * bare tokens `json.dumps` writes with `allow_nan=True`.
 */
export function formatFloat(value: number): string {
  if (value !== value) {
    return 'NaN';
  }
  if (value === Infinity) {
    return 'Infinity';
  }
  if (value === -Infinity) {
    return '-Infinity';
  }
  if (value === 0) {
    return Object.is(value, -0) ? '-0.0' : '0.0';
  }

  const magnitude = value < 0 ? -value : value;
  if (magnitude >= 1e-4 && magnitude < 1e16) {
    // V8 uses fixed notation for 1e-7 <= |x| < 1e21 with the same shortest
    // digits as Python, so only the missing ".0" differs here.
    const fixed = String(value);
    return fixed.includes('.') ? fixed : fixed + '.0';
  }

  return formatExponential(value);
}

/** Write `formatFloat(value)` without building the `.0` concatenation. */
export function writeFloat(writer: TextWriter, value: number): void {
  if (value !== 0 && ((value >= 1e-4 && value < 1e16) || (value <= -1e-4 && value > -1e16))) {
    const fixed = String(value);
    writer.write(fixed);
    if (!fixed.includes('.')) {
      writer.write('.0');
    }
    return;
  }

  writer.write(formatFloat(value));
}

function formatExponential(value: number): string {
  // toExponential() without an argument gives the shortest round-trip digits.
  const spelled = value.toExponential();
  const e = spelled.indexOf('e');
  const mantissa = spelled.slice(0, e);
  const sign = spelled[e + 1];
  const digits = spelled.slice(e + 2);

  return mantissa + 'e' + sign + (digits.length < 2 ? '0' + digits : digits);
}
