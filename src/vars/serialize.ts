/**
 * Serializing values back to the bot's JSON dialect, and parsing one value.
 */

import { MAX_DEPTH, MAX_INT_DIGITS } from './limits.js';
import { Parser } from './parser.js';
import { writeFloat, writeQuotedPython } from './python-spelling.js';
import { TextWriter } from './text-writer.js';
import type { VarValue } from './value.js';

/**
 * Parse one value in the bot's dialect. Whitespace (space, tab, `\n`, `\r`)
 * may surround it; anything else after it is an error, as is a leading byte
 * order mark.
 *
 * @throws VarsParseError for any text CPython's `json.loads` rejects, at the
 *   offset Python reports, and for nesting deeper than MAX_DEPTH.
 */
export function parseValue(text: string): VarValue {
  const parser = new Parser(text);

  parser.start();
  const value = parser.parseValue(0);
  parser.finish();

  return value;
}

/**
 * Serialize a value: its `source` when it has one, otherwise exactly the text
 * `json.dumps` writes for the Python value it models. Children are treated
 * the same way, so an unchanged parsed value comes back byte for byte.
 *
 * @throws RangeError for an int longer than MAX_INT_DIGITS digits, which
 *   `json.dumps` cannot write either, or for nesting deeper than MAX_DEPTH.
 */
export function serializeValue(value: VarValue): string {
  return serialize(value, true);
}

/** Serialize as `json.dumps` would, ignoring every `source`. */
export function serializeCanonical(value: VarValue): string {
  return serialize(value, false);
}

/**
 * Copy a value deeply without any `source`, so that `serializeValue` spells it as
 * `json.dumps` would: `{"a":1}` becomes `{"a": 1}`, `1e5` becomes
 * `100000.0`, `"é"` becomes `"\u00e9"`. Use it for values a user types.
 */
export function canonicalize(value: VarValue): VarValue {
  return copyWithoutSource(value, 0);
}

function copyWithoutSource(value: VarValue, depth: number): VarValue {
  switch (value.type) {
    case 'NoneType':
      return { type: 'NoneType' };
    case 'bool':
      return { type: 'bool', value: value.value };
    case 'int':
      return { type: 'int', value: value.value };
    case 'float':
      return { type: 'float', value: value.value };
    case 'str':
      return { type: 'str', value: value.value };
    case 'list':
      checkDepth(depth + 1);
      return { type: 'list', items: value.items.map((item) => copyWithoutSource(item, depth + 1)) };
    case 'dict': {
      checkDepth(depth + 1);
      const entries = new Map<string, VarValue>();
      for (const [key, item] of value.entries) {
        entries.set(key, copyWithoutSource(item, depth + 1));
      }
      return { type: 'dict', entries };
    }
  }
}

function serialize(value: VarValue, useSource: boolean): string {
  if (useSource && value.source !== undefined) {
    return value.source;
  }

  const serializer = new Serializer(useSource);
  serializer.write(value, 0);
  return serializer.writer.toString();
}

/**
 * One serialization in progress. It is a class so that the callback that
 * writes a dict entry is made once per serialization, not once per dict.
 * The callback reads the depth and the first-entry flag from fields, which
 * `writeDict` saves and restores around each nested dict.
 */
class Serializer {
  readonly writer = new TextWriter();
  private readonly useSource: boolean;
  private entryDepth = 0;
  private firstEntry = true;
  // Map.forEach, unlike for-of over the entries, allocates no pair per entry.
  private readonly writeEntry = (item: VarValue, key: string): void => {
    const writer = this.writer;
    if (this.firstEntry) {
      this.firstEntry = false;
    } else {
      writer.writeByte(0x2c);
      writer.writeByte(0x20);
    }
    writeQuotedPython(writer, key);
    writer.writeByte(0x3a);
    writer.writeByte(0x20);
    this.write(item, this.entryDepth);
  };

  constructor(useSource: boolean) {
    this.useSource = useSource;
  }

  write(value: VarValue, depth: number): void {
    const writer = this.writer;
    if (this.useSource && value.source !== undefined) {
      writer.write(value.source);
      return;
    }

    switch (value.type) {
      case 'str':
        writeQuotedPython(writer, value.value);
        return;
      case 'float':
        writeFloat(writer, value.value);
        return;
      case 'int':
        writer.write(formatInt(value.value));
        return;
      case 'bool':
        writer.write(value.value ? 'true' : 'false');
        return;
      case 'NoneType':
        writer.write('null');
        return;
      case 'list':
        this.writeList(value.items, depth + 1);
        return;
      case 'dict':
        this.writeDict(value.entries, depth + 1);
        return;
    }
  }

  private writeList(items: readonly VarValue[], depth: number): void {
    checkDepth(depth);
    const writer = this.writer;

    writer.writeByte(0x5b);
    for (let i = 0; i < items.length; i++) {
      if (i > 0) {
        writer.writeByte(0x2c);
        writer.writeByte(0x20);
      }
      this.write(items[i]!, depth);
    }
    writer.writeByte(0x5d);
  }

  private writeDict(entries: ReadonlyMap<string, VarValue>, depth: number): void {
    checkDepth(depth);
    const outerDepth = this.entryDepth;
    const outerFirst = this.firstEntry;

    this.writer.writeByte(0x7b);
    this.entryDepth = depth;
    this.firstEntry = true;
    entries.forEach(this.writeEntry);
    this.entryDepth = outerDepth;
    this.firstEntry = outerFirst;
    this.writer.writeByte(0x7d);
  }
}

/** Decimal digits of the ints a bot stores most, spelled once. */
const SMALL_INT_DIGITS = Array.from({ length: 1024 }, (_, value) => String(value));

export function formatInt(value: bigint): string {
  if (value >= 0n && value < 1024n) {
    return SMALL_INT_DIGITS[Number(value)]!;
  }

  const digits = value.toString();
  const digitCount = value < 0n ? digits.length - 1 : digits.length;

  if (digitCount > MAX_INT_DIGITS) {
    throw new RangeError(
      `int with ${digitCount} digits: Python's json.dumps rejects integers longer than ${MAX_INT_DIGITS} digits`,
    );
  }

  return digits;
}

export function checkDepth(depth: number): void {
  if (depth > MAX_DEPTH) {
    throw new RangeError(
      `value nested deeper than ${MAX_DEPTH} levels of lists and dicts, which varsctl does not write because the bot's json.loads may raise RecursionError on it`,
    );
  }
}
