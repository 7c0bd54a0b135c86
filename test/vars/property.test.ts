import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { canonicalize, parseValue, serializeValue, Vars, VarsParseError } from '../../src/vars/index.js';
import type { VarValue } from '../../src/vars/index.js';
import { jsonishText, mutatedText, pythonDict, pythonValue } from './arbitraries.js';
import { pythonDumps, pythonSkipReason, runPython, tag } from './python.js';

/** Fixed by default so failures reproduce; set FC_SEED to explore others. */
const SEED = Number(process.env.FC_SEED ?? 20_251_204);

function sample<T>(arbitrary: fc.Arbitrary<T>, numRuns: number): T[] {
  return fc.sample(arbitrary, { numRuns, seed: SEED });
}

/** Encode a value as Python sees it: ints exact, floats by repr, dict order kept. */
function shape(value: VarValue): string {
  return JSON.stringify(tag(value));
}

describe('parser robustness', () => {
  it('random text throws only VarsParseError', () => {
    fc.assert(
      fc.property(fc.oneof(jsonishText, fc.string({ unit: 'binary' })), (text) => {
        try {
          parseValue(text);
        } catch (error) {
          expect(error).toBeInstanceOf(VarsParseError);
        }
      }),
      { numRuns: 3000, seed: SEED },
    );
  });

  it('Vars.parse checks values as parseValue does', () => {
    fc.assert(
      fc.property(fc.oneof(jsonishText, pythonValue.map(serializeValue)), (inner) => {
        const text = `{"k": ${inner}, "z": 1}`;
        const viaVars = outcome(() => {
          const vars = Vars.parse(text);
          return [...vars.entries()].map(([key, value]) => `${key}=${serializeValue(value)}`).join(' ');
        });
        const viaValue = outcome(() => {
          const value = parseValue(text);
          return value.type === 'dict' ? [...value.entries].map(([key, item]) => `${key}=${serializeValue(item)}`).join(' ') : '';
        });

        expect(viaVars).toEqual(viaValue);
      }),
      { numRuns: 2000, seed: SEED },
    );
  });

  it('deep nesting fails cleanly', () => {
    const text = '['.repeat(100_000) + ']'.repeat(100_000);

    expect(() => parseValue(text)).toThrow(/nesting deeper than 900 levels/);
  });

  it('nesting of 901 fails at the 901st bracket', () => {
    const text = '{"a": '.repeat(901) + '1' + '}'.repeat(901);

    expect(() => parseValue(text)).toThrow(VarsParseError);
    try {
      parseValue(text);
    } catch (error) {
      expect((error as VarsParseError).offset).toBe(900 * 6);
    }
  });
});

describe.skipIf(pythonSkipReason !== null)(`agrees with CPython json ${pythonSkipReason ?? ''}`, () => {
  it('serializes generated values as json.dumps', () => {
    const values = sample(pythonValue, 1500);
    const expected = pythonDumps(values);

    values.forEach((value, index) => {
      expect(serializeValue(value), `value #${index}`).toBe(expected[index]);
    });
  });

  it('parses json.dumps output back byte for byte', () => {
    const values = sample(pythonValue, 1500);
    const texts = pythonDumps(values);

    texts.forEach((text, index) => {
      const parsed = parseValue(text);
      expect(serializeValue(parsed), `text #${index}`).toBe(text);
      expect(shape(parsed), `text #${index}`).toBe(shape(values[index]!));
    });
  });

  it('Vars round-trips generated dicts', () => {
    const dicts = sample(pythonDict, 500);
    const texts = pythonDumps(dicts);

    for (const text of texts) {
      expect(Vars.parse(text).toText()).toBe(text);
    }
  });

  it('accepts and rejects what json.loads does', () => {
    const validTexts = pythonDumps(sample(pythonValue, 40));
    const texts = [
      ...sample(jsonishText, 2500),
      ...validTexts.flatMap((text) => sample(mutatedText(text), 40)),
    ];
    const verdicts = runPython<Array<['ok', string] | ['error', number, string] | ['value-error', string]>>(
      `
import json, sys
out = []
for text in json.load(sys.stdin):
    try:
        out.append(['ok', json.dumps(json.loads(text))])
    except json.JSONDecodeError as e:
        out.append(['error', e.pos, e.msg])
    except (ValueError, RecursionError) as e:
        out.append(['value-error', str(e)])
json.dump(out, sys.stdout)
`,
      texts,
    );

    const accepted = verdicts.filter((verdict) => verdict[0] === 'ok').length;
    expect(accepted).toBeGreaterThan(texts.length / 20);
    expect(accepted).toBeLessThan(texts.length / 2);

    texts.forEach((text, index) => {
      const verdict = verdicts[index]!;
      const label = `${JSON.stringify(text)} (Python: ${JSON.stringify(verdict)})`;
      let ours: VarValue | VarsParseError;
      try {
        ours = parseValue(text);
      } catch (error) {
        ours = error as VarsParseError;
      }

      if (verdict[0] === 'ok') {
        expect(ours, label).not.toBeInstanceOf(VarsParseError);
        expect(serializeValue(canonicalize(ours as VarValue)), label).toBe(verdict[1]);
      } else {
        expect(ours, label).toBeInstanceOf(VarsParseError);
      }
      if (verdict[0] === 'error') {
        expect(codePointIndex(text, (ours as VarsParseError).offset), label).toBe(verdict[1]);
      }
    });
  });
});

/** The result of `run`, or the offset and reason of the VarsParseError it throws. */
function outcome(run: () => string): string {
  try {
    return run();
  } catch (error) {
    if (error instanceof VarsParseError) {
      return `error at ${error.offset}: ${error.reason}`;
    }
    throw error;
  }
}

/** Python positions count code points; ours count UTF-16 units. */
function codePointIndex(text: string, utf16Offset: number): number {
  return Array.from(text.slice(0, utf16Offset)).length;
}
