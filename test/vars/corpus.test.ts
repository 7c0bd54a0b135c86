import { describe, expect, it } from 'vitest';

import { canonicalize, fromJs, parseValue, serializeValue, Vars } from '../../src/vars/index.js';
import type { VarValue } from '../../src/vars/index.js';
import { pythonDumps, pythonSkipReason, runPython } from './python.js';

/**
 * Texts exactly as Python's `json.dumps` writes them. Each must come back
 * byte for byte from parse then serialize.
 */
const BOT_TEXTS: string[] = [
  '{}',
  '[]',
  '{"a": {}, "b": [], "c": [[]], "d": [{}]}',
  '{"nested": {"a": {"b": {"c": [1, [2, [3, {"d": null}]]]}}}}',
  '"\\ud83d\\ude80"',
  '"\\ud800"',
  '"\\udc00x\\ud800"',
  '"\\u0000"',
  '"\\u001f\\u007f\\u0080\\uffff"',
  '"\\n\\t\\"\\\\\\b\\f\\r"',
  '"a/b"',
  '"\\u00e9t\\u00e9 \\u4e2d\\u6587"',
  'NaN',
  'Infinity',
  '-Infinity',
  '[NaN, Infinity, -Infinity]',
  '1.0',
  '-0.0',
  '0.0',
  '1e-05',
  '0.0001',
  '1e+16',
  '1000000000000000.0',
  '9999999999999998.0',
  '1e+22',
  '5e-324',
  '1.7976931348623157e+308',
  '2.2250738585072014e-308',
  '0.30000000000000004',
  '0.1',
  '123456789.12345679',
  '1.2345678901234568e+17',
  '-1.5e+300',
  '0',
  '-1',
  '9007199254740993',
  '18446744073709551617',
  '-9223372036854775809',
  '123456789012345678901234567890123456789012345678901234567890',
  'true',
  'false',
  'null',
  '{"2": "two", "1": "one", "10": "ten"}',
  '{"\\u00e9": 1, "\\ud83d\\ude80": 2, "": 3}',
  '{"k": "v", "list": [1, 2.5, "x", null, true]}',
];

/** Texts Python accepts but would spell differently; they too must round-trip. */
const FOREIGN_TEXTS: string[] = [
  '{"a":1,"b":[1,2]}',
  '{\n  "a": 1,\n  "b": [\n    1\n  ]\n}',
  ' \t\r\n{"a": 1} \n',
  '1e5',
  '1E5',
  '1e+5',
  '-0',
  '1.50',
  '0.10000000000000000555',
  '1e400',
  '"\\/"',
  '"\\u00E9"',
  '"\\u0041"',
  '"\\u000a"',
  '"é"',
  '"🚀"',
  '"\u007f"',
  '{"a": 1, "a": 2}',
  '{"\\u0061": 1, "a": 2}',
];

describe('round trip', () => {
  it.each(BOT_TEXTS)('bot text %s', (text) => {
    expect(serializeValue(parseValue(text))).toBe(text);
  });

  it.each(FOREIGN_TEXTS)('foreign text %s', (text) => {
    expect(serializeValue(parseValue(text))).toBe(text.trim());
  });

  it('deep nesting up to the limit', () => {
    const text = '['.repeat(900) + ']'.repeat(900);

    expect(serializeValue(parseValue(text))).toBe(text);
  });
});

describe('parsed values', () => {
  it.each([
    ['1', 'int', 1n],
    ['-0', 'int', 0n],
    ['12345678901234567890', 'int', 12345678901234567890n],
    ['1.0', 'float', 1],
    ['1e5', 'float', 100000],
    ['1e400', 'float', Infinity],
    ['-1e400', 'float', -Infinity],
  ] as const)('%s is %s %s', (text, type, value) => {
    const parsed = parseValue(text);

    expect(parsed.type).toBe(type);
    expect((parsed as { value: unknown }).value).toBe(value);
  });

  it('-0.0 is negative zero', () => {
    const parsed = parseValue('-0.0');

    expect(parsed.type).toBe('float');
    expect(Object.is((parsed as { value: number }).value, -0)).toBe(true);
  });

  it('NaN is a float NaN', () => {
    const parsed = parseValue('NaN');

    expect(parsed.type).toBe('float');
    expect((parsed as { value: number }).value).toBeNaN();
  });

  it('surrogate escapes decode to UTF-16 units', () => {
    expect(parseValue('"\\ud83d\\ude80"')).toMatchObject({ type: 'str', value: '🚀' });
    expect(parseValue('"\\ud800"')).toMatchObject({ type: 'str', value: '\ud800' });
    expect(parseValue('"\\ud800\\u0041"')).toMatchObject({ type: 'str', value: '\ud800A' });
  });

  it('duplicate key keeps first position, last value', () => {
    const parsed = parseValue('{"a": 1, "b": 2, "a": 3}');

    expect(parsed.type).toBe('dict');
    const entries = parsed.type === 'dict' ? [...parsed.entries] : [];
    expect(entries.map(([key]) => key)).toEqual(['a', 'b']);
    expect(entries[0]![1]).toMatchObject({ type: 'int', value: 3n });
  });

  it('integer-like keys keep document order', () => {
    const vars = Vars.parse('{"2": 1, "1": 2, "10": 3}');

    expect(vars.keys()).toEqual(['2', '1', '10']);
  });
});

describe('canonical spelling', () => {
  it.each([
    ['{"a":1}', '{"a": 1}'],
    ['1e5', '100000.0'],
    ['1E-5', '1e-05'],
    ['-0', '0'],
    ['1.50', '1.5'],
    ['"é"', '"\\u00e9"'],
    ['"\\u00E9"', '"\\u00e9"'],
    ['"\\/"', '"/"'],
    ['"\\u0041"', '"A"'],
    ['"\u007f"', '"\\u007f"'],
    ['[1,2, 3]', '[1, 2, 3]'],
    ['{"a": 1, "a": 2}', '{"a": 2}'],
  ])('%s is written %s', (typed, stored) => {
    expect(serializeValue(canonicalize(parseValue(typed)))).toBe(stored);
  });

  it('canonicalize leaves no source', () => {
    const copy = canonicalize(parseValue('{"a": [1e5, "é", -0, {"b": "\\/"}]}'));

    expect(sourcesIn(copy)).toEqual([]);
  });
});

/** Every `source` found in a value and its children. */
function sourcesIn(value: VarValue): string[] {
  const own = value.source === undefined ? [] : [value.source];
  if (value.type === 'list') {
    return own.concat(value.items.flatMap(sourcesIn));
  }
  if (value.type === 'dict') {
    return own.concat([...value.entries.values()].flatMap(sourcesIn));
  }
  return own;
}

describe.skipIf(pythonSkipReason !== null)(`matches CPython json ${pythonSkipReason ?? ''}`, () => {
  it('bot texts are what json.dumps writes', () => {
    const reDumped = runPython<string[]>(
      'import json, sys; json.dump([json.dumps(json.loads(t)) for t in json.load(sys.stdin)], sys.stdout)',
      BOT_TEXTS,
    );

    expect(reDumped).toEqual(BOT_TEXTS);
  });

  it('foreign texts load as Python loads them', () => {
    const ours = FOREIGN_TEXTS.map((text) => serializeValue(canonicalize(parseValue(text))));
    const theirs = runPython<string[]>(
      'import json, sys; json.dump([json.dumps(json.loads(t)) for t in json.load(sys.stdin)], sys.stdout)',
      FOREIGN_TEXTS,
    );

    expect(ours).toEqual(theirs);
  });

  it('fromJs values serialize as json.dumps', () => {
    const values: VarValue[] = [
      fromJs({}),
      fromJs([]),
      fromJs(new Map<unknown, unknown>([['2', 'b'], ['1', 'a']])),
      fromJs('🚀'),
      fromJs('\ud800'),
      fromJs('\ude80\ud83d'),
      fromJs('\u0000\u0001\u001f\u007f\u0080'),
      fromJs('\n\t"\\\b\f\r/'),
      fromJs('naïve café – “quotes” ñ 中文 العربية'),
      fromJs(NaN),
      fromJs(Infinity),
      fromJs(-Infinity),
      fromJs(1),
      fromJs(-0),
      fromJs(1e16),
      fromJs(1e15),
      fromJs(1e22),
      fromJs(1e-5),
      fromJs(0.0001),
      fromJs(5e-324),
      fromJs(0.1 + 0.2),
      fromJs(123456789.123456789),
      fromJs(1.7976931348623157e308),
      fromJs(2n ** 64n + 1n),
      fromJs(-(2n ** 63n)),
      fromJs(10n ** 4299n),
      fromJs(true),
      fromJs(null),
      fromJs({ orders: [{ id: 184467440737095516n, qty: 1.5, side: 'buy', filled: false, note: null }] }),
    ];

    expect(values.map(serializeValue)).toEqual(pythonDumps(values));
  });
});
