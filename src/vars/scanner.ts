/**
 * Scanner: the tokens of the bot's JSON dialect (whitespace, strings,
 * numbers, constants) read exactly as CPython 3.11's C scanner reads them
 * with its default `strict=True`, each problem reported at the offset
 * Python reports. `Parser` builds values and containers on top of it.
 *
 * Scalars keep their source text only when `json.dumps` would spell them
 * differently (`1e5`, `-0`, `"\/"`, uppercase `\u00E9`, raw non-ASCII,
 * floats with more than 15 digits), so bot-written texts cost little memory.
 */

import { MAX_INT_DIGITS } from './limits.js';
import { VarsParseError } from './parse-error.js';
import { NONE, SMALL_INTS, sliceShared, strValueShared } from './shared-values.js';
import type { FloatValue, VarValue } from './value.js';

export const QUOTE = 0x22;
const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_1 = 0x31;
const DIGIT_9 = 0x39;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
const BYTE_ORDER_MARK = 0xfeff;

/**
 * Decimal literals with at most this many significant digits convert to a
 * double by one division of exact doubles, which rounds correctly as
 * `Number()` does. Since doubles keep 15 decimal digits, such a literal
 * without trailing zeros is also the shortest spelling of its double.
 */
const EXACT_DIGITS = 15;

/** Powers of ten that are exact doubles. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, exponent) => 10 ** exponent);

/** Python's `json` whitespace: space, tab, line feed, carriage return only. */
function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/** Tells whether a UTF-16 code unit is an ASCII digit, the only digits JSON numbers have. */
export function isDigit(code: number): boolean {
  return code >= DIGIT_0 && code <= DIGIT_9;
}

/** Convert a hex digit to its value, or return -1. Only 0-9, a-f and A-F count, as in Python. */
function hexValue(code: number): number {
  if (code >= DIGIT_0 && code <= DIGIT_9) return code - DIGIT_0;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  return -1;
}

/** Map a one-letter escape to its character, or return -1 for `u` and invalid letters. */
function shortEscape(letter: number): number {
  switch (letter) {
    case QUOTE:
    case BACKSLASH:
    case 0x2f: // '/'
      return letter;
    case 0x62:
      return 0x08;
    case 0x66:
      return 0x0c;
    case 0x6e:
      return 0x0a;
    case 0x72:
      return 0x0d;
    case 0x74:
      return 0x09;
    default:
      return -1;
  }
}

/** Show the escape `\\` + letter, naming the letter by code point when it is not printable ASCII. */
function describeEscape(letter: number): string {
  if (letter > 0x20 && letter < 0x7f) {
    return `'\\${String.fromCharCode(letter)}'`;
  }
  return `'\\' followed by U+${letter.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Check that `json.dumps` writes this code unit as `\uXXXX`, not raw and not as a short escape. */
function isSpelledAsUnicodeEscape(code: number): boolean {
  if (code > 0x7e) return true;
  if (code >= 0x20) return false;
  return code !== 0x0a && code !== 0x0d && code !== 0x09 && code !== 0x08 && code !== 0x0c;
}

export class Scanner {
  protected readonly text: string;
  protected position: number;
  /** Whether the string just scanned is spelled exactly as `json.dumps` would spell it. */
  private stringIsCanonical = true;
  /** Whether the string just scanned has no escapes, so its text is its value. */
  private stringIsPlain = true;
  /** Whether the `\uXXXX` escape just decoded is spelled as `json.dumps` would spell it. */
  private escapeIsCanonical = true;

  constructor(text: string, position = 0) {
    this.text = text;
    this.position = position;
  }

  /** Skip the leading whitespace, rejecting a byte order mark as Python does. */
  start(): void {
    if (this.text.charCodeAt(0) === BYTE_ORDER_MARK) {
      this.fail(0, 'unexpected UTF-8 byte order mark (U+FEFF) before the value');
    }

    this.skipWhitespace();
  }

  /** Require that only whitespace follows the value. */
  finish(): void {
    this.skipWhitespace();

    if (this.position !== this.text.length) {
      this.fail(this.position, 'extra data after the value');
    }
  }

  get offset(): number {
    return this.position;
  }

  peek(): number {
    return this.text.charCodeAt(this.position);
  }

  fail(offset: number, reason: string): never {
    throw new VarsParseError(this.text, offset, reason);
  }

  protected parseConstant<T extends VarValue>(spelling: string, value: T): T {
    if (!this.text.startsWith(spelling, this.position)) {
      this.fail(this.position, 'expected a value');
    }

    this.position += spelling.length;
    return value;
  }

  /**
   * Numbers follow the C scanner: `-?(0|[1-9][0-9]*)`, then `.digits` only if
   * a digit follows the dot, then an exponent only if it has digits. What is
   * left over (`1.`, `01`, `1e`) is not part of the number.
   */
  protected parseNumber(build: boolean): VarValue {
    const text = this.text;
    const start = this.position;
    let position = start;
    const negative = text.charCodeAt(position) === MINUS;
    if (negative) position += 1;

    // `mantissa` sums all digits but is exact, and used, only for up to 15
    // significant ones: `significant` counts digits from the first non-zero
    // one, and `fractionDigits` those after the dot.
    const integerStart = position;
    let code = text.charCodeAt(position);
    let mantissa = 0;
    let significant = 0;

    if (code >= DIGIT_1 && code <= DIGIT_9) {
      do {
        mantissa = mantissa * 10 + (code - DIGIT_0);
        significant += 1;
        position += 1;
        code = text.charCodeAt(position);
      } while (code >= DIGIT_0 && code <= DIGIT_9);
    } else if (code === DIGIT_0) {
      position += 1;
      code = text.charCodeAt(position);
    } else {
      this.fail(start, 'expected a value');
    }

    const integerEnd = position;
    let isFloat = false;
    let fractionDigits = 0;
    let lastFractionDigit = 0;

    if (code === DOT && isDigit(text.charCodeAt(position + 1))) {
      isFloat = true;
      position += 1;
      code = text.charCodeAt(position);
      do {
        mantissa = mantissa * 10 + (code - DIGIT_0);
        if (significant > 0 || code !== DIGIT_0) significant += 1;
        fractionDigits += 1;
        lastFractionDigit = code;
        position += 1;
        code = text.charCodeAt(position);
      } while (code >= DIGIT_0 && code <= DIGIT_9);
    }

    let hasExponent = false;
    if (code === 0x65 || code === 0x45) {
      let exponentPosition = position + 1;
      const sign = text.charCodeAt(exponentPosition);
      if (sign === PLUS || sign === MINUS) exponentPosition += 1;

      const exponentDigitsStart = exponentPosition;
      while (isDigit(text.charCodeAt(exponentPosition))) exponentPosition += 1;

      if (exponentPosition > exponentDigitsStart) {
        isFloat = true;
        hasExponent = true;
        position = exponentPosition;
      }
    }

    this.position = position;

    if (isFloat) {
      if (!build) return NONE;

      if (!hasExponent && significant <= EXACT_DIGITS && fractionDigits < POWERS_OF_TEN.length) {
        return this.exactDecimal(start, negative ? -mantissa : mantissa, fractionDigits, lastFractionDigit);
      }
      const source = text.slice(start, position);
      return { type: 'float', value: Number(source), source };
    }

    const digitCount = integerEnd - integerStart;
    if (digitCount > MAX_INT_DIGITS) {
      this.fail(start, `integer with ${digitCount} digits; Python rejects integers longer than ${MAX_INT_DIGITS} digits`);
    }
    if (!build) return NONE;

    // `mantissa` is exact whenever it is at most 2^53 - 1, digit count aside,
    // so 16-digit ids below that skip the slice and the decimal parse.
    if (mantissa <= Number.MAX_SAFE_INTEGER) {
      if (!negative && mantissa < SMALL_INTS.length) {
        return SMALL_INTS[mantissa]!;
      }
      if (negative && mantissa === 0) {
        return { type: 'int', value: 0n, source: '-0' };
      }
      return { type: 'int', value: BigInt(negative ? -mantissa : mantissa) };
    }
    return { type: 'int', value: BigInt(text.slice(start, integerEnd)) };
  }

  /**
   * Build the float of a literal `-?I.F` with at most 15 significant
   * digits by one correctly rounded division. The literal is Python's repr
   * when the value is in repr's fixed-notation range and F has no trailing
   * zero (other than `.0`), and only otherwise is its source kept.
   */
  private exactDecimal(start: number, signedMantissa: number, fractionDigits: number, lastFractionDigit: number): FloatValue {
    const value = signedMantissa / POWERS_OF_TEN[fractionDigits]!;
    const magnitude = value < 0 ? -value : value;
    const inFixedRange = magnitude === 0 || (magnitude >= 1e-4 && magnitude < 1e16);
    const noTrailingZero = lastFractionDigit !== DIGIT_0 || fractionDigits === 1;

    if (inFixedRange && noTrailingZero) {
      return { type: 'float', value };
    }
    return { type: 'float', value, source: this.text.slice(start, this.position) };
  }

  protected parseString(build: boolean): VarValue {
    const text = this.text;
    const start = this.position;
    this.scanString(false);
    if (!build) {
      return NONE;
    }

    const end = this.position;
    if (this.stringIsPlain) {
      if (this.stringIsCanonical) {
        return strValueShared(text, start + 1, end - 1);
      }
      return { type: 'str', value: text.slice(start + 1, end - 1), source: text.slice(start, end) };
    }

    // Escapes need decoding, which the check above skipped.
    this.position = start;
    const value = this.scanString(true);
    if (this.stringIsCanonical) {
      return { type: 'str', value };
    }
    return { type: 'str', value, source: text.slice(start, end) };
  }


  /**
   * Check the string whose opening quote is at the current position, return
   * it decoded when `build` is set (else ''), leave the position after its
   * closing quote, and set `stringIsCanonical` and `stringIsPlain`.
   */
  protected scanString(build: boolean): string {
    const text = this.text;
    const quote = this.position;
    let position = quote + 1;
    let canonical = true;

    // Fast path: up to the closing quote without escapes.
    for (;;) {
      const code = text.charCodeAt(position);
      if (code === QUOTE) {
        this.position = position + 1;
        this.stringIsCanonical = canonical;
        this.stringIsPlain = true;
        return build ? sliceShared(text, quote + 1, position) : '';
      }
      if (code === BACKSLASH) {
        break;
      }
      if (code < 0x20 || code !== code) {
        this.failInString(quote, position, code);
      }
      if (code > 0x7e) {
        canonical = false;
      }
      position += 1;
    }

    return this.scanEscapedString(quote, position, canonical, build);
  }

  private scanEscapedString(quote: number, firstEscape: number, canonicalSoFar: boolean, build: boolean): string {
    const text = this.text;
    let decoded = build ? text.slice(quote + 1, firstEscape) : '';
    let canonical = canonicalSoFar;
    let runStart = firstEscape;
    let position = firstEscape;

    for (;;) {
      const code = text.charCodeAt(position);

      if (code === QUOTE) {
        this.position = position + 1;
        this.stringIsCanonical = canonical;
        this.stringIsPlain = false;
        return build ? decoded + text.slice(runStart, position) : '';
      }

      if (code !== BACKSLASH) {
        if (code < 0x20 || code !== code) {
          this.failInString(quote, position, code);
        }
        if (code > 0x7e) {
          canonical = false;
        }
        position += 1;
        continue;
      }

      const backslash = position;
      const letter = text.charCodeAt(backslash + 1);
      let char = shortEscape(letter);
      if (char >= 0) {
        // json.dumps never escapes '/'.
        canonical &&= letter !== 0x2f;
        position += 2;
      } else if (letter === 0x75) {
        char = this.decodeUnicodeEscape(backslash + 1);
        canonical &&= this.escapeIsCanonical;
        position += 6;
      } else if (letter !== letter) {
        this.fail(quote, 'unterminated string');
      } else {
        this.fail(backslash, `invalid escape ${describeEscape(letter)} in a string; valid ones are \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX`);
      }

      if (build) {
        decoded += text.slice(runStart, backslash) + String.fromCharCode(char);
      }
      runStart = position;
    }
  }

  /**
   * Decode the four hex digits after the `u` at `u`, and set
   * `escapeIsCanonical` to whether `json.dumps` would spell that character
   * this way. As in CPython, at least one character must follow the digits.
   * A surrogate pair is two such escapes; decoding them one at a time gives
   * the same UTF-16 string as Python's joining.
   */
  private decodeUnicodeEscape(u: number): number {
    const text = this.text;
    if (u + 5 >= text.length) {
      this.fail(u, 'invalid \\uXXXX escape: expected 4 hex digits');
    }

    let code = 0;
    let lowercase = true;
    for (let i = 1; i <= 4; i++) {
      const digitCode = text.charCodeAt(u + i);
      const digit = hexValue(digitCode);
      if (digit < 0) {
        this.fail(u, 'invalid \\uXXXX escape: expected 4 hex digits');
      }
      if (digitCode >= 0x41 && digitCode <= 0x46) {
        lowercase = false;
      }
      code = code * 16 + digit;
    }

    this.escapeIsCanonical = lowercase && isSpelledAsUnicodeEscape(code);
    return code;
  }

  private failInString(quote: number, position: number, code: number): never {
    if (code !== code) {
      this.fail(quote, 'unterminated string');
    }

    const hex = code.toString(16).padStart(4, '0');
    return this.fail(position, `invalid control character U+${hex.toUpperCase()} in a string; write it as \\u${hex}`);
  }

  protected skipWhitespace(): void {
    const text = this.text;
    let position = this.position;
    while (isWhitespace(text.charCodeAt(position))) position += 1;
    this.position = position;
  }
}
