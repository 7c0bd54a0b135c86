/**
 * Vars: one strategy's `self.vars`, as stored in the `variables` column.
 */

import { Parser } from './parser.js';
import { quotePython } from './python-spelling.js';
import { serializeCanonical } from './serialize.js';
import type { DictValue, VarValue } from './value.js';

const OPEN_BRACE = 0x7b;

/** One variable: where its texts are in the parsed text, and its value once built. */
interface Entry {
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
  /** Built on first access, or set by `set`. */
  value: VarValue | undefined;
  /** Set since parsing, so spelled as `json.dumps` would spell it. */
  changed: boolean;
}

/**
 * The variables of one strategy, in insertion order, editable without
 * disturbing the bytes of what is not edited.
 *
 * `parse` checks the whole text but builds a variable's value only when it
 * is first read, so checking, counting keys and editing one key of a large
 * state stay fast and small.
 *
 * `toText` returns the parsed text unchanged while nothing was changed. After
 * a change it writes `{`, the entries joined by `", "`, and `}`, which is
 * the framing `json.dumps` uses. Each entry not set since parsing keeps its
 * key and value text byte for byte. Each set entry is spelled entirely as
 * `json.dumps` would spell it, whatever `source` its value carries.
 */
export class Vars {
  private readonly text: string;
  private readonly variables: Map<string, Entry>;
  private modified: boolean;

  /** Top-level keys that the text spells more than once, in order of first appearance. */
  private readonly repeated: readonly string[];

  private constructor(text: string, variables: Map<string, Entry>, modified: boolean, repeated: readonly string[] = []) {
    this.text = text;
    this.variables = variables;
    this.modified = modified;
    this.repeated = repeated;
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

    const scanned = parser.scanTopLevelObject();
    parser.finish();

    const variables = new Map<string, Entry>();
    const repeated = new Set<string>();
    for (const { key, keyStart, keyEnd, valueStart: start, valueEnd: end } of scanned) {
      const existing = variables.get(key);
      if (existing === undefined) {
        variables.set(key, { keyStart, keyEnd, valueStart: start, valueEnd: end, value: undefined, changed: false });
      } else {
        // A repeated key keeps its first spelling and position and takes the last value.
        existing.valueStart = start;
        existing.valueEnd = end;
        repeated.add(key);
      }
    }

    return new Vars(text, variables, false, [...repeated]);
  }

  static empty(): Vars {
    return new Vars('{}', new Map(), false);
  }

  get(key: string): VarValue | undefined;
  get(key: string, fallback: VarValue): VarValue;
  get(key: string, fallback?: VarValue): VarValue | undefined {
    const entry = this.variables.get(key);
    return entry === undefined ? fallback : this.valueOf(entry);
  }

  /** Set a variable. An existing key keeps its position; a new key goes last. */
  set(key: string, value: VarValue): void {
    const entry = this.variables.get(key);

    if (entry === undefined) {
      this.variables.set(key, { keyStart: -1, keyEnd: -1, valueStart: -1, valueEnd: -1, value, changed: true });
    } else {
      entry.value = value;
      entry.changed = true;
    }
    this.modified = true;
  }

  /** Remove a variable; returns whether it existed. */
  delete(key: string): boolean {
    if (!this.variables.delete(key)) {
      return false;
    }

    this.modified = true;
    return true;
  }

  has(key: string): boolean {
    return this.variables.has(key);
  }

  /**
   * Returns where the value of `key` is in the parsed text, or undefined
   * when the key is missing or was set since parsing. The text was checked
   * by `parse`, so the span contains one valid value.
   */
  valueSource(key: string): { text: string; start: number; end: number } | undefined {
    const entry = this.variables.get(key);
    if (entry === undefined || entry.changed) {
      return undefined;
    }
    return { text: this.text, start: entry.valueStart, end: entry.valueEnd };
  }

  /**
   * Returns the top-level keys that the parsed text spells more than once.
   * The bot loads the last value of each, and `toText` after a change writes
   * each key once, so the earlier values leave the text.
   */
  repeatedKeys(): readonly string[] {
    return this.repeated;
  }

  keys(): string[] {
    return [...this.variables.keys()];
  }

  *entries(): IterableIterator<[string, VarValue]> {
    for (const [key, entry] of this.variables) {
      yield [key, this.valueOf(entry)];
    }
  }

  get size(): number {
    return this.variables.size;
  }

  /** Whether anything was set or deleted since parsing. */
  get isModified(): boolean {
    return this.modified;
  }

  /** Build the variables as one dict value, e.g. for `toStandardJson`. */
  toDict(): DictValue {
    const entries = new Map(this.entries());

    if (!this.modified) {
      return { type: 'dict', entries, source: this.text.trim() };
    }
    return { type: 'dict', entries };
  }

  toText(): string {
    if (!this.modified) {
      return this.text;
    }

    const parts: string[] = [];
    for (const [key, entry] of this.variables) {
      parts.push(this.entryText(key, entry));
    }

    return '{' + parts.join(', ') + '}';
  }

  private valueOf(entry: Entry): VarValue {
    // The whole text was checked by parse, so building cannot fail here.
    entry.value ??= new Parser(this.text, entry.valueStart).parseValue(1);
    return entry.value;
  }

  private entryText(key: string, entry: Entry): string {
    if (entry.changed) {
      return quotePython(key) + ': ' + serializeCanonical(entry.value!);
    }

    const text = this.text;
    return text.slice(entry.keyStart, entry.keyEnd) + ': ' + text.slice(entry.valueStart, entry.valueEnd);
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
