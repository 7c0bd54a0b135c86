/**
 * The quick checking path of the parser (`skipValueQuickly`,
 * `countTopLevelKeysQuickly`) against the exact one (`Parser.skipValue`,
 * `Vars.parse`): whenever the quick path returns a result, the exact path
 * returns the same one. On bot-written texts whose keys need no escapes,
 * the quick path always returns a result.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { serializeValue, Vars, VarsParseError } from '../../src/vars/index.js';
import { countTopLevelKeysQuickly, Parser, skipValueQuickly } from '../../src/vars/parser.js';
import { jsonishText, mutatedText, pythonDict, pythonValue } from './arbitraries.js';

/** Fixed by default so failures reproduce; set FC_SEED to explore others. */
const SEED = Number(process.env.FC_SEED ?? 20_251_204);

/** Returns Vars.parse's key count, or -1 when it throws VarsParseError. */
function exactCount(text: string): number {
  try {
    return Vars.parse(text).size;
  } catch (error) {
    if (error instanceof VarsParseError) {
      return -1;
    }
    throw error;
  }
}

/** Returns the offset after the value at `start` by the exact path, or -1 when it throws VarsParseError. */
function exactSkip(text: string, start: number, depth: number): number {
  const parser = new Parser(text, start);
  try {
    parser.skipValue(depth);
    return parser.offset;
  } catch (error) {
    if (error instanceof VarsParseError) {
      return -1;
    }
    throw error;
  }
}

/** Checks that the quick count, when it gives one, is the exact count. */
function expectQuickCountAgrees(text: string): void {
  const quick = countTopLevelKeysQuickly(text);
  if (quick >= 0) {
    expect(quick).toBe(exactCount(text));
  }
}

/** Checks that the quick skip accepts exactly what the exact skip accepts, ending at the same offset. */
function expectQuickSkipAgrees(text: string, depth = 1): void {
  expect(skipValueQuickly(text, 0, depth)).toBe(exactSkip(text, 0, depth));
}

// Texts on which the exact parser is picky: Python's limits, its constants,
// escapes, whitespace and what a number ends with.
const HARD_VALUES = [
  '{}', '[]', '[[]]', '{"a": {}}', ' [ 1 , 2 ] ', '[1,2,]', '[,]', '{"a" 1}', '{"a":}', '{1: 2}', '{"a": 1 "b": 2}',
  'NaN', 'Infinity', '-Infinity', '-NaN', 'Infinityx', 'nan', 'infinity', 'null', 'nul', 'true', 'tru', 'false', 'falsey',
  '0', '-0', '01', '-', '-a', '1.', '.5', '1.5', '1e5', '1E+5', '1e-5', '1e', '1e+', '1.5e3', '-0.0', '1ee5',
  `${'9'.repeat(4300)}`, `${'9'.repeat(4301)}`, `-${'9'.repeat(4301)}`, `${'9'.repeat(4301)}.5`, `${'9'.repeat(4301)}e1`,
  '""', '"a', '"\\"', '"\\u00e9"', '"\\u00E9"', '"\\u12G4"', '"\\u123"', '"\\ud800"', '"\\x"', '"\\/\\b\\f\\n\\r\\t\\"\\\\"',
  '"a\u0001b"', '"a\u001fb"', '"a\u007fb"', '"é🚀\ud800"', '"\\', '"\\u0041',
  `${'['.repeat(899)}${']'.repeat(899)}`, `${'['.repeat(900)}${']'.repeat(900)}`, `${'{"a": '.repeat(899)}1${'}'.repeat(899)}`,
  `${'{"a": '.repeat(900)}1${'}'.repeat(900)}`, `${'['.repeat(2000)}`,
];

describe('skipValueQuickly', () => {
  it.each(HARD_VALUES.map((value) => [value.length > 40 ? `${value.slice(0, 40)}...` : value, value]))(
    'agrees with skipValue on %s',
    (_name, value) => {
      expectQuickSkipAgrees(value);
      expectQuickSkipAgrees(`${value} `);
      expectQuickSkipAgrees(`${value}]`, 2);
    },
  );

  it('agrees with skipValue at depth 899 and 900', () => {
    expectQuickSkipAgrees('[1]', 899);
    expectQuickSkipAgrees('[1]', 900);
    expectQuickSkipAgrees('1', 900);
  });

  it('agrees with skipValue on generated values', () => {
    fc.assert(
      fc.property(pythonValue.map(serializeValue), (text) => {
        expectQuickSkipAgrees(text);
        expect(skipValueQuickly(text, 0, 1)).toBe(text.length);
      }),
      { numRuns: 2000, seed: SEED },
    );
  });

  it('agrees with skipValue on mutated and random texts', () => {
    const mutated = pythonValue.map(serializeValue).chain((text) => mutatedText(text));
    fc.assert(
      fc.property(fc.oneof(jsonishText, mutated, fc.string({ unit: 'binary', maxLength: 40 })), (text) => {
        expectQuickSkipAgrees(text);
      }),
      { numRuns: 4000, seed: SEED },
    );
  });
});

describe('countTopLevelKeysQuickly', () => {
  it.each(HARD_VALUES.map((value) => [value.length > 40 ? `${value.slice(0, 40)}...` : value, value]))(
    'agrees with Vars.parse on a dict holding %s',
    (_name, value) => {
      expectQuickCountAgrees(`{"k": ${value}, "z": 1}`);
      expectQuickCountAgrees(value);
    },
  );

  it.each([
    ['an empty dict', '{}', 0],
    ['surrounding whitespace', ' \t\r\n{ "a" : 1 , "b":2 }\n ', 2],
    ['non-ASCII keys', '{"é": 1, "🚀": 2, "e\u0301": 3}', 3],
  ])('counts %s', (_name, text, expected) => {
    expect(countTopLevelKeysQuickly(text)).toBe(expected);
    expect(exactCount(text)).toBe(expected);
  });

  it.each([
    ['a repeated key', '{"a": 1, "b": 2, "a": 3}'],
    ['an escaped key', '{"\\u0061": 1, "a": 2}'],
    ['a key with a quote', '{"a\\"b": 1}'],
    ['257 keys', `{${Array.from({ length: 257 }, (_, index) => `"k${index}": ${index}`).join(', ')}}`],
  ])('leaves %s to Vars.parse', (_name, text) => {
    expect(countTopLevelKeysQuickly(text)).toBe(-1);
    expect(exactCount(text)).toBeGreaterThan(0);
  });

  it.each([
    ['a byte order mark', '\ufeff{"a": 1}'],
    ['a list', '[1]'],
    ['the placeholder', 'INITIAL VALUE'],
    ['an empty text', ''],
    ['trailing data', '{"a": 1} x'],
    ['a trailing comma', '{"a": 1,}'],
    ['an unclosed dict', '{"a": 1'],
  ])('rejects %s', (_name, text) => {
    expect(countTopLevelKeysQuickly(text)).toBe(-1);
    expect(exactCount(text)).toBe(-1);
  });

  it('counts every generated dict whose keys json.dumps writes unescaped', () => {
    fc.assert(
      fc.property(pythonDict.map(serializeValue), (text) => {
        const unescaped = Vars.parse(text)
          .keys()
          .every((key) => /^[\x20-\x7e]*$/.test(key) && !key.includes('"') && !key.includes('\\'));
        if (unescaped) {
          expect(countTopLevelKeysQuickly(text)).toBe(exactCount(text));
        }
        expectQuickCountAgrees(text);
      }),
      { numRuns: 2000, seed: SEED },
    );
  });

  it('agrees with Vars.parse on mutated dicts', () => {
    const mutated = pythonDict.map(serializeValue).chain((text) => mutatedText(text));
    fc.assert(
      fc.property(fc.oneof(mutated, jsonishText.map((inner) => `{"k": ${inner}}`)), (text) => {
        expectQuickCountAgrees(text);
      }),
      { numRuns: 4000, seed: SEED },
    );
  });
});
