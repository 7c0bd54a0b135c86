/**
 * The `show` table read from source text (`outlineValue`, `outlineTypeLabel`,
 * `truncatedDisplaySource`) against the table of the built value
 * (`loadedTypeLabel`, `truncatedDisplayValue`).
 */
import { Chalk } from 'chalk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { loadedTypeLabel, loadedTypeLabels, outlineTypeLabel } from '../../src/cli/bot-load.js';
import { renderVariableRows, renderVariablesTable } from '../../src/cli/render/show.js';
import { truncatedDisplayValue } from '../../src/cli/render/show-value.js';
import { truncatedDisplaySource } from '../../src/cli/render/source-display.js';
import { variableRows } from '../../src/cli/render/variable-rows.js';
import { Vars } from '../../src/vars/index.js';
import { outlineValue } from '../../src/vars/value-outline.js';

const plain = new Chalk({ level: 0 });

/** Spells each code unit of `text` as a `\uXXXX` escape, hex digits in the given case. */
function escapeAll(text: string, upper: boolean): string {
  return [...Array(text.length).keys()]
    .map((index) => {
      const hex = text.charCodeAt(index).toString(16).padStart(4, '0');
      return `\\u${upper ? hex.toUpperCase() : hex}`;
    })
    .join('');
}

const whitespace = fc.constantFrom('', '', '', ' ', '\n  ', '\t', ' \r\n');

/** Strings, several of which the loader converts, in the text forms Python accepts. */
const stringContent = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '2025-01-02', '2025-01-02T10:00:00Z', '2025-07-22T10:40:00.093880-04:00', '2025-13-01', '2025-01-02T25:00',
      '2025-02-30', '2025-01-02\n', '٢٠٢٥-٠١-٠٢', '٢٠٢٥-01-02', '２０２５-01-02T10:00', '2025-01-02 10:00', '2025-W01-3T10', 'long', 'SPY', '', 'Café',
      '中文字符', '🚀🚀', 'e\u0301\u0301', '\u0000\u001f\u007f\u009f', '\ud800', '\udc00x', '\ud83d\ude80', 'a"b\\c/',
    ),
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom('x', '中', 'é', '🚀').chain((unit) => fc.nat(300).map((count) => unit.repeat(count))) },
);

/** Spells `content` as JSON.stringify does (3: with `\/` for '/'), or every code unit as `\uXXXX` in lowercase (1) or uppercase (2) hex. */
function stringLiteral(content: string, spelling: number): string {
  if (spelling === 1) {
    return `"${escapeAll(content, false)}"`;
  }
  if (spelling === 2) {
    return `"${escapeAll(content, true)}"`;
  }
  // JSON.stringify escapes lone surrogates, which Python reads back the same.
  return JSON.stringify(content).replaceAll('/', spelling === 3 ? '\\/' : '/');
}

const stringText = fc.tuple(stringContent, fc.nat(3)).map(([content, spelling]) => stringLiteral(content, spelling));

const numberText = fc.oneof(
  fc.constantFrom('0', '-0', '1', '205', '-17', '1e5', '1E-7', '2.50', '-0.0', '0.1', '1.5e300', '3.89', '1e16', '9007199254740993'),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', 'true', 'false', 'null'),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => (/^-?\d+$/.test(String(value)) ? `${value}.0` : String(value))),
);

/** Keys from a small pool so dicts often repeat one, some spelled with escapes. */
const keyText = fc
  .tuple(fc.constantFrom('a', 'b', 'date', 'closed_at', '2025-01-02', 'é', '中', '🚀', '', 'a\nb'), fc.nat(2))
  .map(([key, spelling]) => stringLiteral(key, spelling));

function joined(parts: readonly string[], gap: readonly string[]): string {
  return parts.map((part, index) => (index === 0 ? part : `,${gap[index % gap.length]!}${part}`)).join('');
}

/** Texts of values: nested lists and dicts with repeated keys, escapes, and every scalar form. */
const valueText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(stringText, numberText),
    fc
      .tuple(fc.array(tie('value'), { maxLength: 6 }), fc.array(whitespace, { minLength: 1, maxLength: 3 }))
      .map(([items, gap]) => `[${gap[0]}${joined(items, gap)}${gap[0]}]`),
    fc
      .tuple(fc.array(fc.tuple(keyText, tie('value')), { maxLength: 6 }), fc.array(whitespace, { minLength: 1, maxLength: 3 }))
      .map(([entries, gap]) => {
        const pairs = entries.map(([key, value], index) => `${key}${gap[index % gap.length]}:${gap[0]}${value}`);
        return `{${gap[0]}${joined(pairs, gap)}${gap[0]}}`;
      }),
  ),
})).value;

/** Long lists and dicts, so the display text runs past the budget of wide cells. */
const longValueText = fc.oneof(
  fc.array(valueText, { minLength: 10, maxLength: 60 }).map((items) => `[${items.join(', ')}]`),
  fc.array(fc.tuple(keyText, valueText), { minLength: 10, maxLength: 60 }).map(
    (entries) => `{${entries.map(([key, value]) => `${key}: ${value}`).join(', ')}}`,
  ),
);

/** Parses `{"x": VALUE}` and returns the built value, its outline and the label of the built value. */
async function bothPaths(valueSource: string) {
  const vars = Vars.parse(`{"before": 1, "x": ${valueSource}, "after": [2]}`);
  const source = vars.valueSource('x')!;
  const value = vars.get('x')!;
  const outline = outlineValue(source.text, source.start);
  return { value, outline, label: await loadedTypeLabel(value) };
}

async function expectSameCells(valueSource: string, widths: readonly number[]): Promise<void> {
  const { value, outline, label } = await bothPaths(valueSource);

  expect(outlineTypeLabel(outline)).toBe(label);
  for (const width of widths) {
    expect(truncatedDisplaySource(outline, width)).toBe(truncatedDisplayValue(value, width));
  }
}

describe('outlineTypeLabel and truncatedDisplaySource', () => {
  it('match the built value on generated texts', async () => {
    await fc.assert(
      fc.asyncProperty(valueText, fc.integer({ min: 16, max: 200 }), async (text, width) => {
        await expectSameCells(text, [width]);
      }),
      { numRuns: 3000 },
    );
  });

  it('match the built value on long generated texts', async () => {
    await fc.assert(
      fc.asyncProperty(longValueText, fc.integer({ min: 16, max: 200 }), async (text, width) => {
        await expectSameCells(text, [width, 16, 200]);
      }),
      { numRuns: 300 },
    );
  });

  it('count the last value of a repeated key', async () => {
    const datesFirst = '{"a": {"d": "2025-01-02", "t": "2025-01-02T10:00:00"}, "b": 1, "a": {"d": "plain"}}';
    const datesLast = '{"a": {"d": "plain"}, "b": 1, "a": {"d": "2025-01-02", "t": "2025-01-02T10:00:00"}}';

    const first = await bothPaths(datesFirst);
    const last = await bothPaths(datesLast);

    expect(outlineTypeLabel(first.outline)).toBe('dict');
    expect(truncatedDisplaySource(first.outline, 80)).toBe('{"a": {"d": "plain"}, "b": 1}');
    expect(outlineTypeLabel(last.outline)).toBe('dict (1 str -> date, 1 str -> datetime)');
    expect(truncatedDisplaySource(last.outline, 80)).toBe('{"a": {"d": "2025-01-02", "t": "2025-01-02T10:00:00"}, "b": 1}');
  });

  it('order conversions by the first position of a repeated key', async () => {
    // The last value of "a" comes after "b" in the text, but "a" lists first.
    const text = '{"a": 1, "b": {"t": "2025-01-02T10:00:00"}, "a": {"d": "2025-01-02"}}';

    const { outline } = await bothPaths(text);

    expect(outlineTypeLabel(outline)).toBe('dict (1 str -> date, 1 str -> datetime)');
    expect(truncatedDisplaySource(outline, 200)).toBe('{"a": {"d": "2025-01-02"}, "b": {"t": "2025-01-02T10:00:00"}}');
  });

  it('treat an escaped key as the same key', async () => {
    const { outline } = await bothPaths('{"a": "2025-01-02", "\\u0061": "x"}');

    expect(outlineTypeLabel(outline)).toBe('dict');
    expect(truncatedDisplaySource(outline, 80)).toBe('{"a": "x"}');
  });

  it('spell numbers as serializeValue does', async () => {
    const { outline } = await bothPaths('[1e5, -0, 2.50, NaN, -Infinity, 123456789012345678901234567890, 1E-7]');

    expect(outlineTypeLabel(outline)).toBe('list');
    expect(truncatedDisplaySource(outline, 120)).toBe('[1e5, -0, 2.50, NaN, -Infinity, 123456789012345678901234567890, 1E-7]');
  });

  it('decode escapes and shorten wide characters', async () => {
    const { outline } = await bothPaths('{"note": "Caf\\u00e9 \\ud83d\\ude80 \\ud800 中文中文中文中文中文中文"}');

    expect(truncatedDisplaySource(outline, 30)).toBe('{"note": "Café 🚀 \\ud800 中文…');
  });

  it('label scalars and top-level strings', async () => {
    for (const [text, label] of [
      ['"2025-01-02"', 'str -> date'],
      ['"2025-01-02T10:00:00Z"', 'str -> datetime'],
      ['"\\u0032025-01-02"', 'str -> date'],
      ['"2025-13-02"', 'str'],
      ['"٢٠٢٥-01-02"', 'str -> date'],
      ['{"d": "٢٠٢٥-01-02"}', 'dict (1 str -> date)'],
      ['205', 'int'],
      ['-Infinity', 'float'],
      ['null', 'NoneType'],
      ['["2025-01-02"]', 'list'],
      ['{}', 'dict'],
    ] as const) {
      const { outline } = await bothPaths(text);
      expect(outlineTypeLabel(outline)).toBe(label);
    }
  });

  it('handle nesting at the depth limit', async () => {
    // With the outer object, 899 levels make the 900 that MAX_DEPTH allows.
    await expectSameCells(`${'{"a": '.repeat(899)}"2025-01-02"${'}'.repeat(899)}`, [16, 200]);
    await expectSameCells(`${'['.repeat(899)}${']'.repeat(899)}`, [16, 200]);
    await expectSameCells(`${'[{"d": "2025-01-02", "n": '.repeat(449)}1${'}]'.repeat(449)}`, [16, 200]);
  });

  it('build the whole text when zero-width characters fill the budget', async () => {
    const text = JSON.stringify([`a${'\u0301'.repeat(5000)}bcdefghijklmnopqrstuvwxyz`, 'b']);
    await expectSameCells(text, [10, 16, 80]);
  });
});

describe('variableRows', () => {
  it('renders the table of the built values', async () => {
    const history = Array.from({ length: 400 }, (_, day) => `{"date": "2025-01-${(day % 28) + 1}", "at": "2025-01-02T10:00:00", "n": ${day}}`);
    const text = `{"small": {"d": "2025-01-02"}, "history": [${history.join(', ')}], "repeat": {"a": "2025-01-02", "b": [${history.join(', ')}], "a": 1}, "s": "${'é'.repeat(5000)}"}`;
    const vars = Vars.parse(text);

    for (const width of [16, 80, 200]) {
      const expected = renderVariablesTable(vars, { types: await loadedTypeLabels(vars), width, full: false, style: plain });
      const rows = await variableRows(vars, false);

      expect(rows.some((row) => 'outline' in row)).toBe(true);
      expect(renderVariableRows(rows, { width, full: false, style: plain })).toBe(expected);
    }
  });

  it('builds every value for --full', async () => {
    const vars = Vars.parse(`{"long": [${'1, '.repeat(2000)}2]}`);

    const rows = await variableRows(vars, true);

    expect(rows.every((row) => 'value' in row)).toBe(true);
  });
});
