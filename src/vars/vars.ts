/**
 * Vars: one strategy's `self.vars`, as stored in the `variables` column.
 */

import { Parser } from './parser.js';
import { quotePython } from './python-spelling.js';
import { serializeCanonical, serializeValue } from './serialize.js';
import type { DictValue, VarValue } from './value.js';

const OPEN_BRACE = 0x7b;

/**
 * The variables of one strategy, in insertion order, editable without
 * disturbing the bytes of what is not edited.
 *
 * `toText` returns the parsed text unchanged while nothing was changed. After
 * a change it writes `{`, the entries joined by `", "`, and `}` (the framing
 * `json.dumps` uses); each entry not set since parsing keeps its key and value
 * text byte for byte, and each set entry is spelled entirely as `json.dumps`
 * would spell it, whatever `source` its value carries.
 */
export class Vars {
  private readonly values: Map<string, VarValue>;
  /** Source text of each key as parsed; absent for keys set since. */
  private readonly keyTexts: Map<string, string>;
  private readonly changedKeys = new Set<string>();
  /** The parsed text while nothing has changed, then null. */
  private originalText: string | null;

  private constructor(values: Map<string, VarValue>, keyTexts: Map<string, string>, originalText: string | null) {
    this.values = values;
    this.keyTexts = keyTexts;
    this.originalText = originalText;
  }

  /**
   * Parse a `variables` text as the bot's loader does.
   *
   * @throws VarsParseError when `json.loads` would fail (empty text,
   *   `INITIAL VALUE`, a byte order mark, trailing data, invalid JSON) or the
   *   top-level value is not an object (the bot then fails on `.items()`).
   */
  static parse(text: string): Vars {
    const parser = new Parser(text);
    parser.start();

    const valueStart = parser.offset;
    if (parser.peek() !== OPEN_BRACE) {
      const value = parser.parseValue(0);
      parser.finish();
      return parser.fail(valueStart, `the top-level value is ${describeType(value)}, not an object`);
    }

    const keyTexts = new Map<string, string>();
    const dict = parser.parseDict(1, keyTexts);
    parser.finish();

    // The parser built this Map for us alone, so Vars can own it.
    return new Vars(dict.entries as Map<string, VarValue>, keyTexts, text);
  }

  static empty(): Vars {
    return new Vars(new Map(), new Map(), null);
  }

  get(key: string): VarValue | undefined;
  get(key: string, fallback: VarValue): VarValue;
  get(key: string, fallback?: VarValue): VarValue | undefined {
    return this.values.get(key) ?? fallback;
  }

  /** Set a variable. An existing key keeps its position; a new key goes last. */
  set(key: string, value: VarValue): void {
    this.values.set(key, value);
    this.keyTexts.delete(key);
    this.changedKeys.add(key);
    this.originalText = null;
  }

  /** Remove a variable; returns whether it existed. */
  delete(key: string): boolean {
    if (!this.values.delete(key)) {
      return false;
    }

    this.keyTexts.delete(key);
    this.changedKeys.delete(key);
    this.originalText = null;
    return true;
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  keys(): string[] {
    return [...this.values.keys()];
  }

  entries(): IterableIterator<[string, VarValue]> {
    return this.values.entries();
  }

  get size(): number {
    return this.values.size;
  }

  /** Whether anything was set or deleted since parsing. */
  get isModified(): boolean {
    return this.originalText === null;
  }

  /** The variables as one dict value, e.g. for `toStandardJson`. */
  toDict(): DictValue {
    const entries = new Map(this.values);

    if (this.originalText !== null) {
      return { type: 'dict', entries, source: this.originalText.trim() };
    }

    return { type: 'dict', entries };
  }

  toText(): string {
    if (this.originalText !== null) {
      return this.originalText;
    }

    let out = '{';
    let first = true;
    for (const [key, value] of this.values) {
      out += first ? '' : ', ';
      out += this.entryText(key, value);
      first = false;
    }

    return out + '}';
  }

  private entryText(key: string, value: VarValue): string {
    if (this.changedKeys.has(key)) {
      return quotePython(key) + ': ' + serializeCanonical(value);
    }

    const keyText = this.keyTexts.get(key) ?? quotePython(key);
    return keyText + ': ' + serializeValue(value);
  }
}

function describeType(value: VarValue): string {
  switch (value.type) {
    case 'list':
      return 'a list';
    case 'str':
      return 'a string';
    case 'int':
      return 'an integer';
    case 'float':
      return 'a float';
    case 'bool':
      return 'a boolean';
    case 'NoneType':
      return 'null';
    case 'dict':
      return 'an object';
  }
}
