/**
 * Fuzzing the parser of the bot's JSON dialect with mutated bot texts and
 * hostile sizes. Whatever the input, the only error is VarsParseError, every
 * text the parser accepts comes back byte for byte, and an edit of one key
 * leaves the bytes of every other key alone. Inputs built to be slow or
 * deep finish within a time limit and without a stack overflow.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { parseValue, serializeValue, Vars, VarsParseError, type VarValue } from '../../src/vars/index.js';
import { pythonDict, pythonValue } from '../vars/arbitraries.js';

const RUNS = 3000;

/** Python's json whitespace, which may surround a value and is not part of it. */
function trimJsonWhitespace(text: string): string {
  return text.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '');
}

/** Runs `parse`, returning its result, or null when it threw VarsParseError; any other error fails the test. */
function parsedOrNull<T>(parse: () => T): T | null {
  try {
    return parse();
  } catch (error) {
    if (error instanceof VarsParseError) {
      return null;
    }
    throw error;
  }
}

const FRAGMENTS = [
  '{', '}', '[', ']', '"', ',', ':', ' ', '\n', '\\', '\\u', '\\ud83d', '\\ude80', '\\"', '0', '-', '.', 'e', 'E+', 'NaN',
  'Infinity', '-Infinity', 'null', 'true', 'false', '\ufeff', '\u0000', 'é', '🚀', '\ud800', '1e400', '-0', '00', '"k": ',
];

type Mutation = { kind: 'insert'; at: number; text: string } | { kind: 'delete'; at: number; length: number } | { kind: 'duplicate'; at: number; length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...FRAGMENTS) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
);

function applyMutation(text: string, change: Mutation): string {
  const at = change.at % (text.length + 1);
  switch (change.kind) {
    case 'insert':
      return text.slice(0, at) + change.text + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + change.length);
    case 'duplicate':
      return text.slice(0, at + change.length) + text.slice(at, at + change.length) + text.slice(at + change.length);
  }
}

/** Bot-written texts with one to three mutations. */
const mutatedBotText = fc
  .tuple(pythonDict.map(serializeValue), fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([text, changes]) => changes.reduce(applyMutation, text));

/** Checks the time a call takes, so a slow path shows as a failure rather than a hang. */
function timed<T>(limitMs: number, work: () => T): T {
  const started = performance.now();
  const result = work();
  expect(performance.now() - started).toBeLessThan(limitMs);
  return result;
}

describe('vars parser fuzzing', () => {
  it('accepts mutated texts only losslessly', () => {
    fc.assert(
      fc.property(mutatedBotText, (text) => {
        const value = parsedOrNull(() => parseValue(text));
        if (value !== null) {
          expect(serializeValue(value)).toBe(trimJsonWhitespace(text));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('edits one key of a mutated text in place', () => {
    fc.assert(
      fc.property(mutatedBotText, pythonValue, (text, newValue) => {
        const vars = parsedOrNull(() => Vars.parse(text));
        if (vars === null) {
          return;
        }
        const before = new Map([...vars.entries()].map(([key, value]) => [key, serializeValue(value)]));

        vars.set('fuzz_key', newValue);
        const edited = Vars.parse(vars.toText());

        expect(edited.keys()).toEqual([...before.keys(), ...(before.has('fuzz_key') ? [] : ['fuzz_key'])]);
        for (const [key, valueText] of before) {
          if (key !== 'fuzz_key') {
            expect(serializeValue(edited.get(key) as VarValue)).toBe(valueText);
          }
        }
        expect(serializeValue(edited.get('fuzz_key') as VarValue)).toBe(serializeValue(newValue));
      }),
      { numRuns: RUNS },
    );
  });

  it('throws only VarsParseError on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        parsedOrNull(() => parseValue(text));
        parsedOrNull(() => Vars.parse(text));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('vars parser on hostile sizes', () => {
  it.each([
    ['lists', '['.repeat(200_000) + ']'.repeat(200_000)],
    ['dicts', '{"a": '.repeat(200_000) + '1' + '}'.repeat(200_000)],
    ['unclosed lists', '['.repeat(1_000_000)],
    ['lists in a dict', `{"a": ${'['.repeat(200_000)}`],
  ])('rejects deep %s quickly', (_name, text) => {
    const error = timed(2000, () => parsedOrNull(() => parseValue(text)));
    expect(error).toBeNull();
    expect(timed(2000, () => parsedOrNull(() => Vars.parse(text)))).toBeNull();
  });

  it('rejects an int of 4301 digits', () => {
    expect(() => parseValue('9'.repeat(4301))).toThrow(VarsParseError);
    expect(serializeValue(parseValue('9'.repeat(4300)))).toBe('9'.repeat(4300));
  });

  it('parses long escaped strings quickly', () => {
    const text = `{"s": "${'\\u00e9\\n\\ud83d\\ude80'.repeat(400_000)}"}`;

    const vars = timed(5000, () => Vars.parse(text));
    expect(serializeValue(vars.get('s') as VarValue).length).toBe(text.length - 7);
  });

  it('parses and edits many keys quickly', () => {
    const entries = Array.from({ length: 200_000 }, (_, index) => `"k${index}": ${index}`);
    const text = `{${entries.join(', ')}}`;

    const vars = timed(5000, () => Vars.parse(text));
    vars.set('k0', { type: 'int', value: -1n });
    expect(timed(5000, () => vars.toText())).toBe(text.replace('"k0": 0', '"k0": -1'));
  });

  it('rejects many unterminated strings quickly', () => {
    const text = `{${'"\\'.repeat(500_000)}`;

    expect(timed(2000, () => parsedOrNull(() => Vars.parse(text)))).toBeNull();
  });
});
