import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { truncatedDisplayValue } from '../../src/cli/render/show-value.js';
import { truncate } from '../../src/cli/render/text.js';
import { displayValue } from '../../src/cli/render/value.js';
import { fromJs, type VarValue } from '../../src/vars/index.js';
import { pythonValue } from '../vars/arbitraries.js';

function expectSameAsWholeText(value: VarValue, width: number): void {
  expect(truncatedDisplayValue(value, width)).toBe(truncate(displayValue(value), width));
}

const str = (value: string): VarValue => ({ type: 'str', value });

describe('truncatedDisplayValue', () => {
  it('matches truncate of the whole text for generated values', () => {
    fc.assert(
      fc.property(pythonValue, fc.integer({ min: 0, max: 40 }), (value, width) => {
        expectSameAsWholeText(value, width);
      }),
      { numRuns: 2000 },
    );
  });

  it('matches for generated values longer than the prefix', () => {
    const longList = fc.array(pythonValue, { minLength: 20, maxLength: 200 }).map((items): VarValue => ({ type: 'list', items }));
    fc.assert(
      fc.property(longList, fc.integer({ min: 0, max: 40 }), (value, width) => {
        expectSameAsWholeText(value, width);
      }),
      { numRuns: 300 },
    );
  });

  it('matches for long lists and dicts', () => {
    const history = fromJs(Array.from({ length: 5000 }, (_, day) => ({ date: `2025-01-${day}`, close: day + 0.5 })));
    for (const width of [1, 16, 80, 300]) {
      expectSameAsWholeText(history, width);
    }
  });

  it('matches when the cut falls inside a long string', () => {
    const text = 'é🚀中'.repeat(20_000);
    for (const width of [1, 2, 3, 16, 79, 80, 81]) {
      expectSameAsWholeText(str(text), width);
      expectSameAsWholeText(fromJs({ note: text }), width);
    }
  });

  it('keeps a surrogate pair whole at the budget', () => {
    // With width 4 the string is cut after 72 code units, and the 72nd is
    // the rocket's high surrogate. The combining marks take no column, so the
    // rocket's width decides where the cell is cut.
    const text = `a${'\u0301'.repeat(70)}🚀${'b'.repeat(100)}`;
    expectSameAsWholeText(str(text), 4);
  });

  it('matches when zero-width characters fill the budget', () => {
    // Combining marks take no column, so the prefix built first cannot
    // decide the cut and the whole text is built.
    const text = `a${'\u0301'.repeat(5000)}bcdefghijklmnopqrstuvwxyz`;
    expectSameAsWholeText(str(text), 10);
    expectSameAsWholeText(fromJs([text, text]), 10);
  });

  it('escapes control characters in a cut string', () => {
    const text = '\u0000\u007f\u009f\n'.repeat(1000);
    expectSameAsWholeText(str(text), 20);
    expect(truncatedDisplayValue(str(text), 20)).toBe('"\\u0000\\u007f\\u009f…');
  });

  it('leaves short values whole', () => {
    expect(truncatedDisplayValue(fromJs({ a: [1n, 'x'] }), 80)).toBe('{"a": [1, "x"]}');
  });
});
