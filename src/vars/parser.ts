/**
 * The lossless parser of the bot's JSON dialect: what CPython 3.11's
 * `json.loads` accepts, and nothing more.
 *
 * Every value comes back in the shape `serializeValue` needs to reproduce the
 * exact input: lists and dicts keep their source text, and scalars keep it
 * when `json.dumps` would spell them differently (see `Scanner`).
 *
 * The parser can also only check a value (`skipValue`), allocating nothing,
 * which is how `Vars` validates a whole text and defers building values.
 */

import { DEPTH_LIMIT_REASON, MAX_DEPTH, MAX_INT_DIGITS } from './limits.js';
import { CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, MINUS, OPEN_BRACE, OPEN_BRACKET, QUOTE, Scanner, isDigit } from './scanner.js';
import { FALSE, INFINITY, NAN, NEGATIVE_INFINITY, NONE, TRUE } from './shared-values.js';
import type { DictValue, ListValue, VarValue } from './value.js';

/** One entry of the outermost object: its decoded key and where its texts are. */
export interface TopLevelEntry {
  readonly key: string;
  readonly keyStart: number;
  readonly keyEnd: number;
  readonly valueStart: number;
  readonly valueEnd: number;
}

export class Parser extends Scanner {
  /** Parse the value at the current position; `depth` counts the enclosing lists and dicts. */
  parseValue(depth: number): VarValue {
    return this.value(depth, true);
  }

  /** Check the value at the current position without building it. */
  skipValue(depth: number): void {
    this.value(depth, false);
  }

  /**
   * Check the object at the current position, which must be the outermost
   * value, and return its entries in document order (a repeated key appears
   * each time), building only the keys.
   */
  scanTopLevelObject(): TopLevelEntry[] {
    const entries: TopLevelEntry[] = [];

    this.enterContainer(1);
    if (this.closesEmpty(CLOSE_BRACE)) {
      return entries;
    }

    for (;;) {
      const keyStart = this.position;
      const key = this.scanKey(true);
      const keyEnd = this.position;

      this.skipColon();
      const valueStart = this.position;
      const valueEnd = skipValueQuickly(this.text, valueStart, 1);
      if (valueEnd < 0) {
        // The exact path reports the error at the offset Python reports.
        this.value(1, false);
      } else {
        this.position = valueEnd;
      }
      entries.push({ key, keyStart, keyEnd, valueStart, valueEnd: this.position });

      if (this.endsContainer(CLOSE_BRACE, "expected ',' or '}'")) {
        return entries;
      }
    }
  }

  private value(depth: number, build: boolean): VarValue {
    const text = this.text;
    const start = this.position;

    switch (text.charCodeAt(start)) {
      case QUOTE:
        return this.parseString(build);
      case OPEN_BRACE:
        return this.parseDict(depth + 1, build);
      case OPEN_BRACKET:
        return this.parseList(depth + 1, build);
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
        return this.parseNumber(build);
      default:
        return this.parseNumber(build);
    }
  }

  private scanKey(build: boolean): string {
    if (this.text.charCodeAt(this.position) !== QUOTE) {
      this.fail(this.position, 'expected a property name in double quotes');
    }
    return this.scanString(build);
  }

  private skipColon(): void {
    this.skipWhitespace();
    if (this.text.charCodeAt(this.position) !== COLON) {
      this.fail(this.position, "expected ':' after the property name");
    }
    this.position += 1;
    this.skipWhitespace();
  }

  /** Step into the list or dict at the current position, past its bracket and whitespace. */
  private enterContainer(depth: number): void {
    if (depth > MAX_DEPTH) {
      this.fail(this.position, DEPTH_LIMIT_REASON);
    }
    this.position += 1;
    this.skipWhitespace();
  }

  private closesEmpty(close: number): boolean {
    if (this.text.charCodeAt(this.position) !== close) {
      return false;
    }
    this.position += 1;
    return true;
  }

  /** After an item: true at the closing bracket, false after a comma (and whitespace). */
  private endsContainer(close: number, expected: string): boolean {
    this.skipWhitespace();
    const next = this.text.charCodeAt(this.position);
    this.position += 1;

    if (next === close) {
      return true;
    }
    if (next !== COMMA) {
      this.fail(this.position - 1, expected);
    }
    this.skipWhitespace();
    return false;
  }

  /** Parse a dict. A repeated key keeps its first position and takes the last value, as in a Python dict. */
  private parseDict(depth: number, build: boolean): VarValue {
    const start = this.position;
    // Checking only allocates nothing, not even the empty Map.
    const entries = build ? new Map<string, VarValue>() : undefined;

    this.enterContainer(depth);
    if (!this.closesEmpty(CLOSE_BRACE)) {
      for (;;) {
        const key = this.scanKey(build);
        this.skipColon();
        const item = this.value(depth, build);
        entries?.set(key, item);

        if (this.endsContainer(CLOSE_BRACE, "expected ',' or '}'")) break;
      }
    }

    if (entries === undefined) return NONE;
    const dict: DictValue = { type: 'dict', entries, source: this.text.slice(start, this.position) };
    return dict;
  }

  private parseList(depth: number, build: boolean): VarValue {
    const start = this.position;
    const items: VarValue[] | undefined = build ? [] : undefined;

    this.enterContainer(depth);
    if (!this.closesEmpty(CLOSE_BRACKET)) {
      for (;;) {
        const item = this.value(depth, build);
        items?.push(item);

        if (this.endsContainer(CLOSE_BRACKET, "expected ',' or ']'")) break;
      }
    }

    if (items === undefined) return NONE;
    const list: ListValue = { type: 'list', items, source: this.text.slice(start, this.position) };
    return list;
  }
}

const BACKSLASH = 0x5c;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/** Expected closing bracket of each open list or dict, reused by every call of `skipValueQuickly`. */
const closers = new Uint8Array(MAX_DEPTH + 1);

/**
 * Checks the value at `start` and returns the offset just after it, or -1
 * when the value is invalid or hits a limit. It accepts exactly what
 * `Parser.skipValue` accepts, ending at the same offset, but walks nested
 * lists and dicts in one loop instead of one method call per value. A
 * caller that gets -1 runs `skipValue` from `start` for the error and its
 * offset.
 *
 * `depth` counts the lists and dicts around the value, as in `skipValue`.
 */
export function skipValueQuickly(text: string, start: number, depth: number): number {
  let position = start;
  // Lists and dicts opened by this call and not yet closed.
  let open = 0;

  for (;;) {
    // A value starts at `position`.
    const code = text.charCodeAt(position);

    if (code === QUOTE) {
      position = skipString(text, position);
      if (position < 0) return -1;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (depth + open + 1 > MAX_DEPTH) return -1;
      const close = code === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
      position = skipWhitespace(text, position + 1);

      if (text.charCodeAt(position) === close) {
        position += 1;
      } else {
        closers[open] = close;
        open += 1;
        if (close === CLOSE_BRACE) {
          position = skipKeyAndColon(text, position);
          if (position < 0) return -1;
        }
        continue;
      }
    } else if (code === MINUS || (code >= DIGIT_0 && code <= DIGIT_9)) {
      position = text.startsWith('-Infinity', position) ? position + 9 : skipNumber(text, position);
      if (position < 0) return -1;
    } else {
      position = skipConstant(text, position, code);
      if (position < 0) return -1;
    }

    // A value ended at `position`: close the lists and dicts that end here,
    // then step past the comma before the next item.
    for (;;) {
      if (open === 0) return position;

      // Whitespace is at most 0x20, and checking for it here first saves a
      // call per value, which costs most while the code is not yet compiled.
      let next = text.charCodeAt(position);
      if (next <= 0x20) {
        position = skipWhitespace(text, position);
        next = text.charCodeAt(position);
      }
      const close = closers[open - 1];
      if (next === close) {
        position += 1;
        open -= 1;
        continue;
      }
      if (next !== COMMA) return -1;

      position += 1;
      if (text.charCodeAt(position) <= 0x20) position = skipWhitespace(text, position);
      if (close === CLOSE_BRACE) {
        position = skipKeyAndColon(text, position);
        if (position < 0) return -1;
      }
      break;
    }
  }
}

/** Hashes of the keys seen so far by `countTopLevelKeysQuickly`, reused by every call. */
const keyHashes = new Int32Array(256);

/**
 * Counts the distinct keys of the object that must make up the whole text,
 * as `Vars.parse(text).size` does, with the same checks but without
 * building anything. Returns -1 when the text is invalid, and also when this
 * quick path cannot tell the count: a key with an escape, a repeated key or
 * two keys with the same hash, or more keys than `keyHashes` holds. The caller then runs
 * `Vars.parse`, which returns the count or throws the error.
 */
export function countTopLevelKeysQuickly(text: string): number {
  let position = skipWhitespace(text, 0);
  if (text.charCodeAt(position) !== OPEN_BRACE) return -1;

  position = skipWhitespace(text, position + 1);
  let count = 0;

  if (text.charCodeAt(position) === CLOSE_BRACE) {
    position += 1;
  } else {
    for (;;) {
      if (text.charCodeAt(position) !== QUOTE || count === keyHashes.length) return -1;
      const keyEnd = skipString(text, position);
      if (keyEnd < 0) return -1;

      // Without escapes the key's text is the key, so distinct hashes mean distinct keys.
      const hash = hashPlainKey(text, position + 1, keyEnd - 1);
      if (hash === null || hashSeen(hash, count)) return -1;
      keyHashes[count] = hash;
      count += 1;

      const colon = skipWhitespace(text, keyEnd);
      if (text.charCodeAt(colon) !== COLON) return -1;
      position = skipValueQuickly(text, skipWhitespace(text, colon + 1), 1);
      if (position < 0) return -1;

      position = skipWhitespace(text, position);
      const next = text.charCodeAt(position);
      position = skipWhitespace(text, position + 1);
      if (next === CLOSE_BRACE) break;
      if (next !== COMMA) return -1;
    }
  }

  return skipWhitespace(text, position) === text.length ? count : -1;
}

function hashSeen(hash: number, count: number): boolean {
  for (let index = 0; index < count; index++) {
    if (keyHashes[index] === hash) return true;
  }
  return false;
}

/** Hashes text[start, end) to 32 bits, or returns null when it contains a backslash. */
function hashPlainKey(text: string, start: number, end: number): number | null {
  let hash = 0x811c9dc5;
  for (let position = start; position < end; position++) {
    const code = text.charCodeAt(position);
    if (code === BACKSLASH) return null;
    hash = Math.imul(hash ^ code, 0x01000193);
  }
  return hash | 0;
}

/** Skips a property name, the colon and the whitespace around it. Returns -1 when they are invalid. */
function skipKeyAndColon(text: string, position: number): number {
  if (text.charCodeAt(position) !== QUOTE) return -1;
  const keyEnd = skipString(text, position);
  if (keyEnd < 0) return -1;

  let colon = keyEnd;
  if (text.charCodeAt(colon) !== COLON) {
    colon = skipWhitespace(text, keyEnd);
    if (text.charCodeAt(colon) !== COLON) return -1;
  }
  return text.charCodeAt(colon + 1) <= 0x20 ? skipWhitespace(text, colon + 1) : colon + 1;
}

/** Skips the string whose quote is at `quote`, with the checks of `Scanner.scanString`. Returns -1 when it is invalid. */
function skipString(text: string, quote: number): number {
  let position = quote + 1;

  for (;;) {
    const code = text.charCodeAt(position);
    if (code === QUOTE) return position + 1;

    if (code === BACKSLASH) {
      const letter = text.charCodeAt(position + 1);
      if (letter === 0x75) {
        // CPython reads `\\uXXXX` only when a character follows the four digits.
        if (position + 6 >= text.length || !isHex4(text, position + 2)) return -1;
        position += 6;
      } else if (isShortEscape(letter)) {
        position += 2;
      } else {
        return -1;
      }
    } else if (code < 0x20 || code !== code) {
      // A control character, or the end of the text.
      return -1;
    } else {
      position += 1;
    }
  }
}

function isShortEscape(letter: number): boolean {
  // " \\ / b f n r t
  return (
    letter === QUOTE || letter === BACKSLASH || letter === 0x2f || letter === 0x62 ||
    letter === 0x66 || letter === 0x6e || letter === 0x72 || letter === 0x74
  );
}

function isHex4(text: string, start: number): boolean {
  for (let position = start; position < start + 4; position++) {
    const code = text.charCodeAt(position);
    const isHexDigit = (code >= DIGIT_0 && code <= DIGIT_9) || (code >= 0x61 && code <= 0x66) || (code >= 0x41 && code <= 0x46);
    if (!isHexDigit) return false;
  }
  return true;
}

/**
 * Skips a number with the grammar of `Scanner.parseNumber`. Returns -1 when
 * it is invalid or an int of more than MAX_INT_DIGITS digits.
 */
function skipNumber(text: string, start: number): number {
  let position = text.charCodeAt(start) === MINUS ? start + 1 : start;
  const integerStart = position;
  let code = text.charCodeAt(position);

  if (code === DIGIT_0) {
    position += 1;
    code = text.charCodeAt(position);
  } else if (code > DIGIT_0 && code <= DIGIT_9) {
    do {
      position += 1;
      code = text.charCodeAt(position);
    } while (code >= DIGIT_0 && code <= DIGIT_9);
  } else {
    return -1;
  }

  const integerDigits = position - integerStart;
  let isFloat = false;

  if (code === 0x2e && isDigit(text.charCodeAt(position + 1))) {
    isFloat = true;
    position += 2;
    while (isDigit(text.charCodeAt(position))) position += 1;
    code = text.charCodeAt(position);
  }

  if (code === 0x65 || code === 0x45) {
    let exponent = position + 1;
    const sign = text.charCodeAt(exponent);
    if (sign === 0x2b || sign === MINUS) exponent += 1;
    const digitsStart = exponent;
    while (isDigit(text.charCodeAt(exponent))) exponent += 1;
    if (exponent > digitsStart) {
      isFloat = true;
      position = exponent;
    }
  }

  return !isFloat && integerDigits > MAX_INT_DIGITS ? -1 : position;
}

/** Skips null, true, false, NaN or Infinity. Returns -1 for anything else. */
function skipConstant(text: string, position: number, code: number): number {
  let spelling: string;
  switch (code) {
    case 0x6e:
      spelling = 'null';
      break;
    case 0x74:
      spelling = 'true';
      break;
    case 0x66:
      spelling = 'false';
      break;
    case 0x4e:
      spelling = 'NaN';
      break;
    case 0x49:
      spelling = 'Infinity';
      break;
    default:
      return -1;
  }
  return text.startsWith(spelling, position) ? position + spelling.length : -1;
}

function skipWhitespace(text: string, position: number): number {
  let code = text.charCodeAt(position);
  while (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) {
    position += 1;
    code = text.charCodeAt(position);
  }
  return position;
}
