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

import { MAX_DEPTH } from './limits.js';
import { CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, MINUS, OPEN_BRACE, OPEN_BRACKET, QUOTE, Scanner } from './scanner.js';
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
      this.value(1, false);
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
      this.fail(this.position, `nesting deeper than ${MAX_DEPTH} levels of lists and dicts`);
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
