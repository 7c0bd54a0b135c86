/**
 * Serializing values back to the bot's JSON dialect, and parsing one value.
 */

import { MAX_DEPTH, MAX_INT_DIGITS } from './limits.js';
import { Parser } from './parser.js';
import { formatFloat, quotePython } from './python-spelling.js';
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
 * @throws RangeError for nesting deeper than MAX_DEPTH or an int longer than
 *   MAX_INT_DIGITS digits, which `json.dumps` cannot write either.
 */
export function serializeValue(value: VarValue): string {
  return write(value, true, 0);
}

/** Serialize as `json.dumps` would, ignoring every `source`. */
export function serializeCanonical(value: VarValue): string {
  return write(value, false, 0);
}

/**
 * A deep copy without any `source`, so that `serializeValue` spells it as
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

function write(value: VarValue, useSource: boolean, depth: number): string {
  if (useSource && value.source !== undefined) {
    return value.source;
  }

  switch (value.type) {
    case 'str':
      return quotePython(value.value);
    case 'float':
      return formatFloat(value.value);
    case 'int':
      return formatInt(value.value);
    case 'bool':
      return value.value ? 'true' : 'false';
    case 'NoneType':
      return 'null';
    case 'list':
      return writeList(value.items, useSource, depth + 1);
    case 'dict':
      return writeDict(value.entries, useSource, depth + 1);
  }
}

function writeList(items: readonly VarValue[], useSource: boolean, depth: number): string {
  checkDepth(depth);

  if (items.length === 0) {
    return '[]';
  }

  let out = '[' + write(items[0]!, useSource, depth);
  for (let i = 1; i < items.length; i++) {
    out += ', ' + write(items[i]!, useSource, depth);
  }

  return out + ']';
}

function writeDict(entries: ReadonlyMap<string, VarValue>, useSource: boolean, depth: number): string {
  checkDepth(depth);

  let out = '{';
  let first = true;
  for (const [key, item] of entries) {
    out += (first ? '' : ', ') + quotePython(key) + ': ' + write(item, useSource, depth);
    first = false;
  }

  return out + '}';
}

export function formatInt(value: bigint): string {
  const digits = value.toString();
  const digitCount = value < 0n ? digits.length - 1 : digits.length;

  if (digitCount > MAX_INT_DIGITS) {
    throw new RangeError(
      `int with ${digitCount} digits: Python's json.dumps refuses integers longer than ${MAX_INT_DIGITS} digits`,
    );
  }

  return digits;
}

export function checkDepth(depth: number): void {
  if (depth > MAX_DEPTH) {
    throw new RangeError(`value nested deeper than ${MAX_DEPTH} levels of lists and dicts; the bot cannot store it`);
  }
}
