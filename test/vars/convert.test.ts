import { describe, expect, it } from 'vitest';

import { fromJs, parseValue, serializeValue, toJs, toStandardJson } from '../../src/vars/index.js';

describe('fromJs', () => {
  it.each([
    [1n, '1'],
    [1, '1.0'],
    [-0, '-0.0'],
    [NaN, 'NaN'],
    ['é', '"\\u00e9"'],
    [true, 'true'],
    [null, 'null'],
    [[1n, [2.5]], '[1, [2.5]]'],
    [{ b: 1n, a: 'x' }, '{"b": 1, "a": "x"}'],
    [new Map([['2', 1n], ['1', 2n]]), '{"2": 1, "1": 2}'],
  ])('%s serializes as %s', (input, expected) => {
    expect(serializeValue(fromJs(input))).toBe(expected);
  });

  it('Map keys become strings as in Python', () => {
    const map = new Map<unknown, unknown>([[1n, 'a'], [1.5, 'b'], [true, 'c'], [null, 'd'], [NaN, 'e']]);

    expect(serializeValue(fromJs(map))).toBe('{"1": "a", "1.5": "b", "true": "c", "null": "d", "NaN": "e"}');
  });

  it('plain objects order integer keys first', () => {
    expect(serializeValue(fromJs({ b: 1n, 2: 2n, 1: 3n }))).toBe('{"1": 3, "2": 2, "b": 1}');
  });

  it.each([
    [undefined, /undefined at \$ has no equivalent/],
    [{ a: [Symbol('s')] }, /symbol at \$\.a\[0\]/],
    [() => 1, /function at \$/],
    [new Date(0), /Date at \$ has no equivalent/],
    [new Set([1]), /Set at \$/],
    [new Map([[{}, 1]]), /Map key at \$ is a object/],
    [new Map<unknown, unknown>([[1n, 'a'], ['1', 'b']]), /both become "1"/],
  ])('rejects %s', (input, message) => {
    expect(() => fromJs(input)).toThrow(TypeError);
    expect(() => fromJs(input)).toThrow(message);
  });

  it('rejects circular references', () => {
    const cycle: unknown[] = [];
    cycle.push([cycle]);

    expect(() => fromJs(cycle)).toThrow(/circular reference at \$\[0\]\[0\]/);
  });

  it('allows shared references', () => {
    const shared = { a: 1n };

    expect(serializeValue(fromJs([shared, shared]))).toBe('[{"a": 1}, {"a": 1}]');
  });

  it('rejects nesting beyond the limit', () => {
    let deep: unknown = [];
    for (let i = 0; i < 1000; i++) deep = [deep];

    expect(() => fromJs(deep)).toThrow(RangeError);
  });
});

describe('toJs', () => {
  it('inverts fromJs', () => {
    const value = toJs(parseValue('{"i": 18446744073709551617, "f": 1e5, "s": "x", "b": false, "n": null, "l": [1, -0.0]}'));

    expect(value).toEqual(
      new Map<string, unknown>([
        ['i', 18446744073709551617n],
        ['f', 100000],
        ['s', 'x'],
        ['b', false],
        ['n', null],
        ['l', [1n, -0]],
      ]),
    );
    expect(Object.is(((value as Map<string, unknown[]>).get('l') ?? [])[1], -0)).toBe(true);
  });
});

describe('toStandardJson', () => {
  const value = parseValue('{"big": 18446744073709551617, "f": [1.0, 1e5, 1e-05, -0.0, NaN, Infinity, -Infinity], "s": "\\u00e9\\ud800\\n", "e": [], "d": {}}');

  it('compact', () => {
    expect(toStandardJson(value)).toBe(
      '{"big":18446744073709551617,"f":[1.0,100000.0,1e-05,-0.0,"NaN","Infinity","-Infinity"],"s":"é\\ud800\\n","e":[],"d":{}}',
    );
  });

  it('indented like JSON.stringify', () => {
    const safe = parseValue('{"a": [1, {"b": "x"}], "e": [], "d": {}}');

    expect(toStandardJson(safe, 2)).toBe(JSON.stringify({ a: [1, { b: 'x' }], e: [], d: {} }, null, 2));
  });

  it('is valid JSON', () => {
    expect(() => JSON.parse(toStandardJson(value, 4))).not.toThrow();
  });
});
