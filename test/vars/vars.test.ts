import { describe, expect, it } from 'vitest';

import { fromJs, parseValue, Vars, VarsParseError } from '../../src/vars/index.js';

function parseError(text: string): VarsParseError {
  try {
    Vars.parse(text);
  } catch (error) {
    if (error instanceof VarsParseError) {
      return error;
    }
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('Vars.parse', () => {
  it.each([
    ['[1, 2]', 'the top-level value is a list, not an object'],
    ['"x"', 'the top-level value is a string, not an object'],
    ['1', 'the top-level value is an integer, not an object'],
    ['1.5', 'the top-level value is a float, not an object'],
    ['NaN', 'the top-level value is a float, not an object'],
    ['true', 'the top-level value is a boolean, not an object'],
    ['null', 'the top-level value is null, not an object'],
    ['', 'expected a value'],
    ['   ', 'expected a value'],
    ['INITIAL VALUE', 'expected a value'],
    ['\ufeff{}', 'unexpected UTF-8 byte order mark (U+FEFF) before the value'],
    ['{"a": 1} x', 'extra data after the value'],
    ['{"a": 1}{}', 'extra data after the value'],
    ['[1] x', 'extra data after the value'],
    ['{"a": 1,}', 'expected a property name in double quotes'],
    ['{"a" 1}', "expected ':' after the property name"],
    ['{"a": 1 "b": 2}', "expected ',' or '}'"],
    ['{"a": [1 2]}', "expected ',' or ']'"],
    ['{"a": "x\ny"}', 'invalid control character U+000A in a string; write it as \\u000a'],
    ['{"a": "\\x"}', "invalid escape '\\x' in a string; valid ones are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX"],
    ['{"a": "\\\u00e9"}', "invalid escape '\\' followed by U+00E9 in a string; valid ones are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX"],
    ['{"a": "\\u12G4"}', 'invalid \\uXXXX escape: expected 4 hex digits'],
    ['{"a": "abc', 'unterminated string'],
    ['{"a": 01}', "expected ',' or '}'"],
    ['{"a": 1.}', "expected ',' or '}'"],
    ['{"a": +1}', 'expected a value'],
    ['{"a": nan}', 'expected a value'],
    ['{"a": -NaN}', 'expected a value'],
  ])('%j fails with %s', (text, reason) => {
    expect(parseError(text).reason).toBe(reason);
  });

  it('error names line, column and excerpt', () => {
    const error = parseError('{\n  "a": 1,\n  "b": tru\n}');

    expect(error.line).toBe(3);
    expect(error.column).toBe(8);
    expect(error.offset).toBe(19);
    expect(error.excerpt).toBe('{\\n  "a": 1,\\n  "b": tru\\n}');
    expect(error.message).toBe('expected a value at line 3, column 8: {\\n  "a": 1,\\n  "b": tru\\n}');
  });

  it('long excerpts are cut around the error', () => {
    const error = parseError(`{"a": "${'x'.repeat(100)}", "b": ?, "c": "${'y'.repeat(100)}"}`);

    expect(error.excerpt).toBe(`...${'x'.repeat(16)}", "b": ?, "c": "${'y'.repeat(15)}...`);
  });

  it('integers beyond 4300 digits fail', () => {
    expect(parseError(`{"a": ${'9'.repeat(4301)}}`).reason).toMatch(/integer with 4301 digits/);
    expect(Vars.parse(`{"a": ${'9'.repeat(4300)}}`).size).toBe(1);
  });
});

describe('Vars editing', () => {
  const text = '{"b": 1, "a":2, "\\u00e9": "x",  "n": 1e5}';

  it('unchanged text comes back whole', () => {
    const padded = ` \n${text}\t`;

    expect(Vars.parse(padded).toText()).toBe(padded);
  });

  it('set keeps position and other bytes', () => {
    const vars = Vars.parse(text);
    vars.set('a', fromJs(3n));

    expect(vars.toText()).toBe('{"b": 1, "a": 3, "\\u00e9": "x", "n": 1e5}');
  });

  it('new key goes last', () => {
    const vars = Vars.parse(text);
    vars.set('z', fromJs('é'));

    expect(vars.keys()).toEqual(['b', 'a', 'é', 'n', 'z']);
    expect(vars.toText()).toBe('{"b": 1, "a":2, "\\u00e9": "x", "n": 1e5, "z": "\\u00e9"}'.replace('"a":2', '"a": 2'));
  });

  it('set value is spelled canonically', () => {
    const vars = Vars.parse('{"a": 1}');
    vars.set('b', parseValue('{"x":1e5,"y":"\\u00E9"}'));

    expect(vars.toText()).toBe('{"a": 1, "b": {"x": 100000.0, "y": "\\u00e9"}}');
  });

  it('changed key is spelled canonically', () => {
    const vars = Vars.parse('{"\\u00E9": 1, "\\u0062": 2}');
    vars.set('é', fromJs(5n));

    expect(vars.toText()).toBe('{"\\u00e9": 5, "\\u0062": 2}');
  });

  it('delete removes and reports', () => {
    const vars = Vars.parse(text);

    expect(vars.delete('a')).toBe(true);
    expect(vars.delete('a')).toBe(false);
    expect(vars.has('a')).toBe(false);
    expect(vars.size).toBe(3);
    expect(vars.toText()).toBe('{"b": 1, "\\u00e9": "x", "n": 1e5}');
  });

  it('delete then set appends', () => {
    const vars = Vars.parse('{"a": 1, "b": 2}');
    vars.delete('a');
    vars.set('a', fromJs(1n));

    expect(vars.toText()).toBe('{"b": 2, "a": 1}');
  });

  it('duplicate keys collapse once edited', () => {
    const vars = Vars.parse('{"a": 1, "b": 2, "a": 3}');

    expect(vars.toText()).toBe('{"a": 1, "b": 2, "a": 3}');
    vars.set('b', fromJs(4n));
    expect(vars.toText()).toBe('{"a": 3, "b": 4}');
  });

  it('names repeated top-level keys', () => {
    const vars = Vars.parse('{"a": 1, "b": {"c": 1, "c": 2}, "a": 2, "d": 0, "a": 3, "d": 1}');

    expect(vars.repeatedKeys()).toEqual(['a', 'd']);
    expect(Vars.parse('{"a": 1}').repeatedKeys()).toEqual([]);
  });

  it('get with fallback', () => {
    const vars = Vars.parse('{"a": null}');

    expect(vars.get('a')).toEqual({ type: 'NoneType' });
    expect(vars.get('missing')).toBeUndefined();
    expect(vars.get('missing', fromJs(0n))).toEqual({ type: 'int', value: 0n });
  });

  it('entries follow insertion order', () => {
    const vars = Vars.parse('{"2": 1, "1": 2}');
    vars.set('0', fromJs(null));

    expect([...vars.entries()].map(([key]) => key)).toEqual(['2', '1', '0']);
  });

  it('empty vars', () => {
    const vars = Vars.empty();

    expect(vars.size).toBe(0);
    expect(vars.toText()).toBe('{}');
    vars.set('a', fromJs([1n, 2.5]));
    expect(vars.toText()).toBe('{"a": [1, 2.5]}');
  });

  it('reading builds once, changes nothing', () => {
    const vars = Vars.parse('{"a": {"b": [1, 2]}, "c": "x"}');
    const first = vars.get('a');

    expect(vars.get('a')).toBe(first);
    expect(vars.isModified).toBe(false);
    expect([...vars.entries()].map(([key]) => key)).toEqual(['a', 'c']);
    expect(vars.toText()).toBe('{"a": {"b": [1, 2]}, "c": "x"}');
  });

  it('errors deep inside unread values', () => {
    expect(parseError('{"a": 1, "b": {"c": [1, {"d": "x\\u0001y", "e": [1 2]}]}}').reason).toBe("expected ',' or ']'");
    expect(parseError('{"a": 1, "b": {"c": ["ok", "\\q"]}}').reason).toMatch(/^invalid escape '\\q' in a string/);
  });

  it('isModified and toDict', () => {
    const vars = Vars.parse(' {"a": 1} ');

    expect(vars.isModified).toBe(false);
    expect(vars.toDict().source).toBe('{"a": 1}');
    vars.set('a', fromJs(2n));
    expect(vars.isModified).toBe(true);
    expect(vars.toDict().source).toBeUndefined();
  });
});
