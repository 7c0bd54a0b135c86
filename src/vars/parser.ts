/**
 * The lossless parser of the bot's JSON dialect: what CPython 3.11's
 * `json.loads` accepts (with its C scanner and default `strict=True`), and
 * nothing more, reporting the first problem at the offset Python reports.
 *
 * Every value comes back in the shape `serializeValue` needs to reproduce the
 * exact input: lists and dicts keep their source text, and scalars keep it
 * only when `json.dumps` would spell them differently (`1e5`, `-0`, `"\/"`,
 * uppercase `\u00E9`, raw non-ASCII), so typical bot-written texts cost
 * little memory.
 */

import { MAX_DEPTH, MAX_INT_DIGITS } from './limits.js';
import { VarsParseError } from './parse-error.js';
import type { BoolValue, DictValue, FloatValue, ListValue, NoneValue, StrValue, VarValue } from './value.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_1 = 0x31;
const DIGIT_9 = 0x39;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const BYTE_ORDER_MARK = 0xfeff;

/** Integers with at most this many digits are exact as a double. */
const SAFE_INT_DIGITS = 15;

// Scalars without a source are immutable and identical wherever they occur,
// so one object each serves every occurrence.
const NONE: NoneValue = Object.freeze({ type: 'NoneType' });
const TRUE: BoolValue = Object.freeze({ type: 'bool', value: true });
const FALSE: BoolValue = Object.freeze({ type: 'bool', value: false });
const NAN: FloatValue = Object.freeze({ type: 'float', value: NaN });
const INFINITY: FloatValue = Object.freeze({ type: 'float', value: Infinity });
const NEGATIVE_INFINITY: FloatValue = Object.freeze({ type: 'float', value: -Infinity });

/** Python's `json` whitespace: space, tab, line feed, carriage return only. */
function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function isDigit(code: number): boolean {
  return code >= DIGIT_0 && code <= DIGIT_9;
}

/** The value of a hex digit, or -1. Only 0-9, a-f and A-F count, as in Python. */
function hexValue(code: number): number {
  if (code >= DIGIT_0 && code <= DIGIT_9) return code - DIGIT_0;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  return -1;
}

/**
 * Whether `json.dumps` writes this code unit as the escape `\uXXXX` (rather
 * than raw or as a short escape like `\n`).
 */
function isSpelledAsUnicodeEscape(code: number): boolean {
  if (code > 0x7e) return true;
  if (code >= 0x20) return false;
  return code !== 0x0a && code !== 0x0d && code !== 0x09 && code !== 0x08 && code !== 0x0c;
}

/** A dict's top-level key texts, recorded only for the outermost object. */
export type KeyTexts = Map<string, string>;

export class Parser {
  private readonly text: string;
  private position = 0;
  /** Whether the string just scanned is spelled exactly as `json.dumps` would spell it. */
  private stringIsCanonical = true;

  constructor(text: string) {
    this.text = text;
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

  parseValue(depth: number): VarValue {
    const text = this.text;
    const start = this.position;
    const code = text.charCodeAt(start);

    switch (code) {
      case QUOTE:
        return this.parseString();
      case OPEN_BRACE:
        return this.parseDict(depth + 1, undefined);
      case OPEN_BRACKET:
        return this.parseList(depth + 1);
      case 0x6e: // n
        return this.parseConstant('null', NONE);
      case 0x74: // t
        return this.parseConstant('true', TRUE);
      case 0x66: // f
        return this.parseConstant('false', FALSE);
      case 0x4e: // N
        return this.parseConstant('NaN', NAN);
      case 0x49: // I
        return this.parseConstant('Infinity', INFINITY);
      case MINUS:
        if (text.startsWith('-Infinity', start)) {
          this.position = start + 9;
          return NEGATIVE_INFINITY;
        }
        return this.parseNumber();
      default:
        return this.parseNumber();
    }
  }

  private parseConstant<T extends VarValue>(spelling: string, value: T): T {
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
  private parseNumber(): VarValue {
    const text = this.text;
    const start = this.position;
    let position = start;
    let negative = false;

    if (text.charCodeAt(position) === MINUS) {
      negative = true;
      position += 1;
    }

    const digitsStart = position;
    let code = text.charCodeAt(position);
    let small = 0;

    if (code >= DIGIT_1 && code <= DIGIT_9) {
      do {
        small = small * 10 + (code - DIGIT_0);
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

    if (code === DOT && isDigit(text.charCodeAt(position + 1))) {
      isFloat = true;
      position += 2;
      while (isDigit(text.charCodeAt(position))) position += 1;
      code = text.charCodeAt(position);
    }

    if (code === 0x65 || code === 0x45) {
      let exponentPosition = position + 1;
      const sign = text.charCodeAt(exponentPosition);
      if (sign === PLUS || sign === MINUS) exponentPosition += 1;

      const exponentDigitsStart = exponentPosition;
      while (isDigit(text.charCodeAt(exponentPosition))) exponentPosition += 1;

      if (exponentPosition > exponentDigitsStart) {
        isFloat = true;
        position = exponentPosition;
      }
    }

    this.position = position;

    if (isFloat) {
      const source = text.slice(start, position);
      return { type: 'float', value: Number(source), source };
    }

    const digitCount = integerEnd - digitsStart;
    if (digitCount <= SAFE_INT_DIGITS) {
      if (negative && small === 0) {
        return { type: 'int', value: 0n, source: '-0' };
      }
      return { type: 'int', value: BigInt(negative ? -small : small) };
    }

    if (digitCount > MAX_INT_DIGITS) {
      this.fail(start, `integer with ${digitCount} digits; Python refuses integers longer than ${MAX_INT_DIGITS} digits`);
    }

    return { type: 'int', value: BigInt(text.slice(start, integerEnd)) };
  }

  parseString(): StrValue {
    const start = this.position;
    const value = this.scanString();

    if (this.stringIsCanonical) {
      return { type: 'str', value };
    }

    return { type: 'str', value, source: this.text.slice(start, this.position) };
  }

  /**
   * Decode the string whose opening quote is at the current position, leave
   * the position after its closing quote, and set `stringIsCanonical`.
   */
  private scanString(): string {
    const text = this.text;
    const quote = this.position;
    let position = quote + 1;
    let canonical = true;

    // Fast path: printable ASCII or raw non-ASCII up to the closing quote.
    for (;;) {
      const code = text.charCodeAt(position);
      if (code === QUOTE) {
        this.position = position + 1;
        this.stringIsCanonical = canonical;
        return text.slice(quote + 1, position);
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

    return this.scanEscapedString(quote, position, canonical);
  }

  private scanEscapedString(quote: number, firstEscape: number, canonicalSoFar: boolean): string {
    const text = this.text;
    let decoded = text.slice(quote + 1, firstEscape);
    let canonical = canonicalSoFar;
    let runStart = firstEscape;
    let position = firstEscape;

    for (;;) {
      const code = text.charCodeAt(position);

      if (code === QUOTE) {
        this.position = position + 1;
        this.stringIsCanonical = canonical;
        return decoded + text.slice(runStart, position);
      }

      if (code === BACKSLASH) {
        decoded += text.slice(runStart, position);
        const escape = this.decodeEscape(quote, position);
        decoded += escape.char;
        canonical &&= escape.canonical;
        position += escape.length;
        runStart = position;
        continue;
      }

      if (code < 0x20 || code !== code) {
        this.failInString(quote, position, code);
      }
      if (code > 0x7e) {
        canonical = false;
      }
      position += 1;
    }
  }

  /** Decode the escape whose backslash is at `backslash`. */
  private decodeEscape(quote: number, backslash: number): { char: string; length: number; canonical: boolean } {
    const text = this.text;
    const letter = text.charCodeAt(backslash + 1);

    switch (letter) {
      case QUOTE:
        return { char: '"', length: 2, canonical: true };
      case BACKSLASH:
        return { char: '\\', length: 2, canonical: true };
      case 0x2f: // json.dumps never escapes '/'
        return { char: '/', length: 2, canonical: false };
      case 0x62:
        return { char: '\b', length: 2, canonical: true };
      case 0x66:
        return { char: '\f', length: 2, canonical: true };
      case 0x6e:
        return { char: '\n', length: 2, canonical: true };
      case 0x72:
        return { char: '\r', length: 2, canonical: true };
      case 0x74:
        return { char: '\t', length: 2, canonical: true };
      case 0x75:
        return this.decodeUnicodeEscape(backslash);
    }

    if (letter !== letter) {
      this.fail(quote, 'unterminated string');
    }

    return this.fail(backslash, `invalid escape '\\${text[backslash + 1]}' in a string`);
  }

  /**
   * `\uXXXX`: exactly four hex digits, and (as in CPython) at least one
   * character after them. A surrogate pair is two such escapes, and decoding
   * them one by one gives the same UTF-16 string as Python's joining.
   */
  private decodeUnicodeEscape(backslash: number): { char: string; length: number; canonical: boolean } {
    const text = this.text;
    const u = backslash + 1;

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

    return {
      char: String.fromCharCode(code),
      length: 6,
      canonical: lowercase && isSpelledAsUnicodeEscape(code),
    };
  }

  private failInString(quote: number, position: number, code: number): never {
    if (code !== code) {
      this.fail(quote, 'unterminated string');
    }

    const hex = code.toString(16).padStart(4, '0');
    return this.fail(position, `invalid control character U+${hex.toUpperCase()} in a string; write it as \\u${hex}`);
  }

  /**
   * Parse an object. `keyTexts`, when given, receives each key's exact
   * source text, the first spelling for a repeated key (Python keeps the
   * first key object and the last value).
   */
  parseDict(depth: number, keyTexts: KeyTexts | undefined): DictValue {
    const text = this.text;
    const start = this.position;

    if (depth > MAX_DEPTH) {
      this.fail(start, `nesting deeper than ${MAX_DEPTH} levels of lists and dicts`);
    }

    const entries = new Map<string, VarValue>();
    this.position = start + 1;
    this.skipWhitespace();

    if (text.charCodeAt(this.position) === CLOSE_BRACE) {
      this.position += 1;
      return { type: 'dict', entries, source: text.slice(start, this.position) };
    }

    for (;;) {
      const keyStart = this.position;
      if (text.charCodeAt(keyStart) !== QUOTE) {
        this.fail(keyStart, 'expected a property name in double quotes');
      }

      const key = this.scanString();
      if (keyTexts !== undefined && !keyTexts.has(key)) {
        keyTexts.set(key, text.slice(keyStart, this.position));
      }

      this.skipWhitespace();
      if (text.charCodeAt(this.position) !== COLON) {
        this.fail(this.position, "expected ':' after the property name");
      }
      this.position += 1;
      this.skipWhitespace();

      entries.set(key, this.parseValue(depth));

      this.skipWhitespace();
      const next = text.charCodeAt(this.position);
      this.position += 1;
      if (next === CLOSE_BRACE) {
        break;
      }
      if (next !== COMMA) {
        this.fail(this.position - 1, "expected ',' or '}'");
      }
      this.skipWhitespace();
    }

    return { type: 'dict', entries, source: text.slice(start, this.position) };
  }

  private parseList(depth: number): ListValue {
    const text = this.text;
    const start = this.position;

    if (depth > MAX_DEPTH) {
      this.fail(start, `nesting deeper than ${MAX_DEPTH} levels of lists and dicts`);
    }

    const items: VarValue[] = [];
    this.position = start + 1;
    this.skipWhitespace();

    if (text.charCodeAt(this.position) === CLOSE_BRACKET) {
      this.position += 1;
      return { type: 'list', items, source: text.slice(start, this.position) };
    }

    for (;;) {
      items.push(this.parseValue(depth));

      this.skipWhitespace();
      const next = text.charCodeAt(this.position);
      this.position += 1;
      if (next === CLOSE_BRACKET) {
        break;
      }
      if (next !== COMMA) {
        this.fail(this.position - 1, "expected ',' or ']'");
      }
      this.skipWhitespace();
    }

    return { type: 'list', items, source: text.slice(start, this.position) };
  }

  private skipWhitespace(): void {
    const text = this.text;
    let position = this.position;
    while (isWhitespace(text.charCodeAt(position))) position += 1;
    this.position = position;
  }
}
