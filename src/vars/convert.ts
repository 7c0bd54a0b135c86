/**
 * Converting between plain JavaScript values and VarValue.
 */

import { MAX_DEPTH } from './limits.js';
import { formatFloat } from './python-spelling.js';
import type { VarValue } from './value.js';

/**
 * Build a value from plain JavaScript, as `json.dumps` would see the Python
 * equivalent: bigint is int, number is float (so `1` is `1.0`), string,
 * boolean, null is None, arrays are lists, and Maps and plain objects are
 * dicts. Map keys that are bigint, number, boolean or null become strings as
 * Python turns such dict keys into `"1"`, `"1.5"`, `"true"`, `"null"`.
 *
 * A plain object lists integer-like keys first in ascending order (a rule of
 * JavaScript objects), so use a Map when the order of such keys matters.
 *
 * @throws TypeError for anything else (undefined, symbols, functions, Dates,
 *   Sets, class instances, other Map keys), for two Map keys that become the
 *   same string, and for circular references; the message names the path.
 * @throws RangeError for nesting deeper than MAX_DEPTH.
 */
export function fromJs(value: unknown): VarValue {
  return convertFromJs(value, '$', new Set(), 0);
}

function convertFromJs(value: unknown, path: string, ancestors: Set<object>, depth: number): VarValue {
  switch (typeof value) {
    case 'bigint':
      return { type: 'int', value };
    case 'number':
      return { type: 'float', value };
    case 'string':
      return { type: 'str', value };
    case 'boolean':
      return { type: 'bool', value };
  }

  if (value === null) {
    return { type: 'NoneType' };
  }

  if (typeof value !== 'object') {
    throw new TypeError(`fromJs: ${typeof value} at ${path} has no equivalent in the bot's JSON`);
  }

  if (ancestors.has(value)) {
    throw new TypeError(`fromJs: circular reference at ${path}`);
  }
  if (depth + 1 > MAX_DEPTH) {
    throw new RangeError(`fromJs: value nested deeper than ${MAX_DEPTH} levels at ${path}`);
  }

  ancestors.add(value);
  try {
    return convertContainer(value, path, ancestors, depth + 1);
  } finally {
    ancestors.delete(value);
  }
}

function convertContainer(value: object, path: string, ancestors: Set<object>, depth: number): VarValue {
  if (Array.isArray(value)) {
    const items: VarValue[] = [];
    for (let i = 0; i < value.length; i++) {
      items.push(convertFromJs(value[i], `${path}[${i}]`, ancestors, depth));
    }
    return { type: 'list', items };
  }

  if (value instanceof Map) {
    return convertMap(value, path, ancestors, depth);
  }

  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    throw new TypeError(`fromJs: ${name} at ${path} has no equivalent in the bot's JSON; convert it to a plain value first`);
  }

  const entries = new Map<string, VarValue>();
  for (const [key, item] of Object.entries(value)) {
    entries.set(key, convertFromJs(item, `${path}.${key}`, ancestors, depth));
  }
  return { type: 'dict', entries };
}

function convertMap(map: Map<unknown, unknown>, path: string, ancestors: Set<object>, depth: number): VarValue {
  const entries = new Map<string, VarValue>();

  for (const [rawKey, item] of map) {
    const key = keyToString(rawKey, path);
    if (entries.has(key)) {
      throw new TypeError(`fromJs: two keys of the Map at ${path} both become ${JSON.stringify(key)}`);
    }
    entries.set(key, convertFromJs(item, `${path}.${key}`, ancestors, depth));
  }

  return { type: 'dict', entries };
}

/** Python's `json.dumps` coercion of dict keys that are not str. */
function keyToString(key: unknown, path: string): string {
  switch (typeof key) {
    case 'string':
      return key;
    case 'bigint':
      return key.toString();
    case 'number':
      return formatFloat(key);
    case 'boolean':
      return key ? 'true' : 'false';
  }

  if (key === null) {
    return 'null';
  }

  throw new TypeError(`fromJs: a Map key at ${path} is a ${typeof key}; keys must be string, bigint, number, boolean or null`);
}

/**
 * The inverse of `fromJs`: int is bigint, float is number, str is string,
 * bool is boolean, None is null, list is an array, dict is a Map (which keeps
 * key order). Values without their source lose nothing else.
 */
export function toJs(value: VarValue): unknown {
  switch (value.type) {
    case 'NoneType':
      return null;
    case 'bool':
    case 'int':
    case 'float':
    case 'str':
      return value.value;
    case 'list':
      return value.items.map(toJs);
    case 'dict': {
      const map = new Map<string, unknown>();
      for (const [key, item] of value.entries) {
        map.set(key, toJs(item));
      }
      return map;
    }
  }
}
