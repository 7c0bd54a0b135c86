/**
 * Runs CPython for the tests that compare varsctl with the bot's own
 * runtime. One process per batch: the script reads a JSON document on stdin
 * and writes a JSON document on stdout.
 */

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import type { VarValue } from '../../src/vars/index.js';

interface PythonInfo {
  command: string;
  version: [number, number];
}

function findPython(): PythonInfo | null {
  const candidates = existsSync('/usr/bin/python3') ? ['/usr/bin/python3', 'python3'] : ['python3'];

  for (const command of candidates) {
    try {
      const output = execFileSync(command, ['-c', 'import sys, json; print(sys.version_info[0], sys.version_info[1])'], {
        encoding: 'utf8',
      });
      const [major, minor] = output.trim().split(' ').map(Number);
      return { command, version: [major!, minor!] };
    } catch {
      // Try the next candidate.
    }
  }

  return null;
}

export const python = findPython();

/** Why Python-backed tests are skipped, or null when they run. */
export const pythonSkipReason: string | null = python === null ? 'no python3 found at /usr/bin/python3 or on PATH' : null;

/** Why tests of Python 3.11's date parsing are skipped, or null when they run. */
export const python311SkipReason: string | null =
  python === null
    ? pythonSkipReason
    : python.version[0] === 3 && python.version[1] === 11
      ? null
      : `${python.command} is Python ${python.version.join('.')}, and these cases pin the behaviour of 3.11`;

/** Run `script` with `input` as JSON on stdin; return its stdout parsed as JSON. */
export function runPython<T>(script: string, input: unknown): T {
  if (python === null) {
    throw new Error(pythonSkipReason!);
  }

  const stdout = execFileSync(python.command, ['-c', script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, PYTHONHASHSEED: '0', PYTHONIOENCODING: 'utf-8' },
  });

  return JSON.parse(stdout) as T;
}

/**
 * A VarValue encoded so Python can rebuild the exact value from standard
 * JSON: ints and floats as tagged strings, dicts as lists of pairs to keep
 * key order. Python's `decode` in DECODE_VALUE reverses it.
 */
export type TaggedValue = null | boolean | string | { i: string } | { f: string } | TaggedValue[] | { d: Array<[string, TaggedValue]> };

export function tag(value: VarValue): TaggedValue {
  switch (value.type) {
    case 'NoneType':
      return null;
    case 'bool':
      return value.value;
    case 'str':
      return value.value;
    case 'int':
      return { i: value.value.toString() };
    case 'float':
      return { f: Object.is(value.value, -0) ? '-0.0' : String(value.value) };
    case 'list':
      return value.items.map(tag);
    case 'dict':
      return { d: [...value.entries].map(([key, item]): [string, TaggedValue] => [key, tag(item)]) };
  }
}

/** Python source defining `decode(tagged)`, the inverse of `tag`. */
export const DECODE_VALUE = `
import sys
def decode(t):
    if isinstance(t, list):
        return [decode(x) for x in t]
    if isinstance(t, dict):
        if 'i' in t:
            return int(t['i'])
        if 'f' in t:
            return float(t['f'])
        return {k: decode(v) for k, v in t['d']}
    return t
`;

/** Python's `json.dumps` with the bot's settings, of each tagged value. */
export function pythonDumps(values: VarValue[]): string[] {
  const script = `${DECODE_VALUE}
import json
values = json.load(sys.stdin)
json.dump([json.dumps(decode(v)) for v in values], sys.stdout)
`;
  return runPython<string[]>(script, values.map(tag));
}
