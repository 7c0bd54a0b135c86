import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { dateConversions, fromJs, loadedType, loadFailures, Vars } from '../../src/vars/index.js';
import type { LoadRules } from '../../src/vars/index.js';
import { loadByPatterns, loadCommonShape } from '../../src/vars/loader.js';
import { isPythonIsoDatetime } from '../../src/vars/python-fromisoformat.js';
import { isPythonStrptimeDate } from '../../src/vars/python-strptime.js';
import { python311SkipReason, runPython } from './python.js';

const SEED = Number(process.env.FC_SEED ?? 20_251_204);

function typeOf(text: string, rules: LoadRules = 'current'): string {
  return loadedType(fromJs(text), rules);
}

describe('current loader rules', () => {
  it.each([
    ['2025-01-02', 'date'],
    ['2025-01-02T09:30:00', 'datetime'],
    ['2025-01-02T14:30:00Z', 'datetime'],
    ['2025-01-02T10', 'datetime'],
    ['2025-01-02T09:30:00.123456789', 'datetime'],
    ['2025-01-02T0930', 'datetime'],
    ['2025-01-02T09:30:00+0530', 'datetime'],
    ['2025-03-17T09:30:00.250000-04:00', 'datetime'],
    ['2025-01-02 09:30:00', 'str'],
    ['2025-01-02Tfoo', 'str'],
    ['2025-01-02T09:30:00 EST', 'str'],
    ['2025-01-02T24:00', 'str'],
    ['20250102', 'str'],
    ['2025-02-30', 'str'],
    ['2025-13-45', 'str'],
    ['2024-02-29', 'date'],
    ['0000-01-01', 'str'],
    ['TTMI', 'str'],
    ['BRK-B', 'str'],
    ['123e4567-e89b-12d3-a456-426614174000', 'str'],
    ['NaN', 'str'],
    ['', 'str'],
    ['٢٠٢٥-01-02', 'date'],
  ])('%j loads as %s', (text, expected) => {
    expect(typeOf(text)).toBe(expected);
  });

  it.each([
    [fromJs(1n), 'int'],
    [fromJs(1.5), 'float'],
    [fromJs(true), 'bool'],
    [fromJs(null), 'NoneType'],
    [fromJs(['2025-01-02']), 'list'],
    [fromJs({ a: '2025-01-02' }), 'dict'],
  ])('non-string %# keeps its type', (value, expected) => {
    expect(loadedType(value)).toBe(expected);
  });

  it('never fails a load', () => {
    const vars = Vars.parse('{"a": "TTMI", "b": "BRK-B", "c": "2025-01-02Tfoo"}');

    expect(loadFailures(vars, 'current')).toEqual([]);
  });

  it('converts dict values only, at any depth', () => {
    const vars = Vars.parse(
      '{"day": "2025-01-02", "in_list": ["2025-01-02"], "2025-01-02": "key", ' +
        '"orders": [{"at": "2025-01-02T10:00:00Z", "tags": ["2025-01-03"]}], ' +
        '"positions": {"SPY 500P": {"expiration": "2025-03-21"}}}',
    );

    expect(dateConversions(vars)).toEqual([
      { path: 'day', value: '2025-01-02', becomes: 'date' },
      { path: 'orders[0].at', value: '2025-01-02T10:00:00Z', becomes: 'datetime' },
      { path: 'positions["SPY 500P"].expiration', value: '2025-03-21', becomes: 'date' },
    ]);
  });
});

describe('legacy loader rules', () => {
  it.each([
    ['2025-01-02', 'date'],
    ['2025-1-2', 'date'],
    ['2025-01- 2', 'date'],
    ['2025-01-02T09:30:00', 'datetime'],
    ['2025W01T10', 'datetime'],
    ['TTMI', 'error'],
    ['BRK-B', 'error'],
    ['123e4567-e89b-12d3-a456-426614174000', 'error'],
    ['Take profit', 'error'],
    ['2025-01-02 09:30:00', 'error'],
    ['hello', 'str'],
    ['', 'str'],
    ['NaN', 'str'],
  ])('%j loads as %s', (text, expected) => {
    expect(typeOf(text, 'legacy')).toBe(expected);
  });

  it('lists every value that aborts the load', () => {
    const vars = Vars.parse('{"ticker": "TTMI", "pair": ["BRK-B"], "orders": [{"id": "abc-1"}], "day": "2025-01-02"}');

    expect(loadFailures(vars, 'legacy')).toEqual([
      { path: 'ticker', value: 'TTMI', reason: expect.stringContaining('datetime.fromisoformat') },
      { path: 'orders[0].id', value: 'abc-1', reason: expect.stringContaining("strptime('%Y-%m-%d')") },
    ]);
  });

  // Python 3.11.7 accepts the first (any one character separates date and
  // time, and a fraction may have any number of digits) and rejects the second.
  it('checks non-ASCII strings of 200,000 characters', () => {
    const fraction = `2025-01-02\u00e910:00:00.${'1'.repeat(200_000)}`;
    const accents = `2025-01-02T${'\u00e9'.repeat(200_000)}`;

    expect(isPythonIsoDatetime(fraction)).toBe(true);
    expect(isPythonIsoDatetime(accents)).toBe(false);
    expect(typeOf(accents, 'legacy')).toBe('error');
  });

  it('converts what does not fail', () => {
    const vars = Vars.parse('{"day": "2025-1-2", "at": "2025-01-02T10"}');

    expect(dateConversions(vars, 'legacy')).toEqual([
      { path: 'day', value: '2025-1-2', becomes: 'date' },
      { path: 'at', value: '2025-01-02T10', becomes: 'datetime' },
    ]);
  });
});

const digit = fc.constantFrom('0', '1', '2', '3', '5', '9', '٣', 'x');
const twoDigits = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('01', '02', '03', '10', '11', '12', '15', '20', '21', '22', '23', '30', '45') },
  fc.constantFrom('00', '01', '02', '09', '10', '12', '13', '23', '24', '28', '29', '30', '31', '52', '53', '59', '60', '99'),
  fc.tuple(digit, digit).map(([a, b]) => a + b),
);
const year = fc.constantFrom('2025', '2024', '2020', '2026', '2015', '0000', '0001', '9999', '1900', '2000', '20x5');

const datePart = fc.oneof(
  fc.tuple(year, twoDigits, twoDigits).map(([y, m, d]) => `${y}-${m}-${d}`),
  fc.tuple(year, twoDigits, twoDigits).map(([y, m, d]) => `${y}${m}${d}`),
  fc.tuple(year, twoDigits, fc.constantFrom('', '-1', '-7', '-0', '-8', '3', '7', '-')).map(([y, w, d]) => `${y}-W${w}${d}`),
  fc.tuple(year, twoDigits, fc.constantFrom('', '1', '7', '0', '8')).map(([y, w, d]) => `${y}W${w}${d}`),
);

const separator = fc.constantFrom('T', 'T', ' ', 'é', '🚀', '\ud800', '-', '1', 't', '');

const clock = fc.oneof(
  twoDigits,
  fc.tuple(twoDigits, twoDigits).map(([h, m]) => `${h}:${m}`),
  fc.tuple(twoDigits, twoDigits).map(([h, m]) => `${h}${m}`),
  fc.tuple(twoDigits, twoDigits, twoDigits).map(([h, m, s]) => `${h}:${m}:${s}`),
  fc.tuple(twoDigits, twoDigits, twoDigits).map(([h, m, s]) => `${h}${m}${s}`),
  fc.tuple(twoDigits, twoDigits, twoDigits, fc.constantFrom('.', ',', ':', ''), fc.stringMatching(/^[0-9]{0,9}$/)).map(
    ([h, m, s, mark, fraction]) => `${h}:${m}:${s}${mark}${fraction}`,
  ),
  fc.tuple(twoDigits, twoDigits, twoDigits, fc.stringMatching(/^[0-9]{1,9}$/)).map(([h, m, s, f]) => `${h}${m}${s}.${f}`),
);

const offset = fc.oneof(
  fc.constantFrom('', '', 'Z', 'z', 'Z\u0000x', 'ZZ', '+00:00', '-00:00:00.5', '+24:00', '-23:59:59.999999', '+23:59:60'),
  fc.tuple(fc.constantFrom('+', '-'), clock).map(([sign, value]) => sign + value),
);

const tail = fc.constantFrom('', '', '', ' ', 'x', ' EST', '\n', '\u0000', '9');

const isoCandidate = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(datePart, separator, clock, offset, tail).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: datePart },
  { weight: 1, arbitrary: fc.tuple(datePart, tail).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 14 }) },
);

const strptimeYear = fc.constantFrom('2025', '2024', '1900', '0000', '٢٠٢٥', '２０２５', '202', '20255');
const strptimeMonth = fc.constantFrom('1', '01', '02', '12', '13', '00', ' 1', '٠١', '1٠', '011');
const strptimeDay = fc.constantFrom('1', '01', '29', '30', '31', '32', ' 5', '1٥', '٥', '05x', '3', '00', '5\n', '');

const strptimeCandidate = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(strptimeYear, strptimeMonth, strptimeDay).map(([y, m, d]) => `${y}-${m}-${d}`) },
  { weight: 1, arbitrary: fc.tuple(strptimeYear, strptimeMonth, strptimeDay).map(([y, m, d]) => `${y}/${m}-${d}`) },
  { weight: 1, arbitrary: fc.tuple(datePart, tail).map((parts) => parts.join('')) },
);

const asciiDigits = (length: number) => fc.stringMatching(new RegExp(`^[0-9]{${length}}$`));
const commonShape = fc
  .tuple(
    asciiDigits(4),
    asciiDigits(2),
    asciiDigits(2),
    fc.option(fc.tuple(asciiDigits(2), asciiDigits(2), asciiDigits(2))),
    fc.option(asciiDigits(6)),
    fc.constantFrom('', 'Z', '+05:30', '-04:00', '+23:59', '+24:00', '-12:60', '+99:99'),
  )
  .map(([y, m, d, clock, fraction, offset]) =>
    clock === null ? `${y}-${m}-${d}` : `${y}-${m}-${d}T${clock.join(':')}${fraction === null ? '' : `.${fraction}`}${offset}`,
  );

describe('the common-shape shortcut', () => {
  it('agrees with the patterns on every string', () => {
    const candidate = fc.oneof(commonShape, isoCandidate, strptimeCandidate, fc.string({ maxLength: 30 }));
    fc.assert(
      fc.property(candidate, (text) => {
        const shortcut = loadCommonShape(text);
        if (shortcut !== undefined) {
          expect(shortcut).toBe(loadByPatterns(text));
        }
      }),
      { numRuns: 20_000, seed: SEED },
    );
  });

  it('decides the shapes bots write', () => {
    for (const text of ['2025-01-02', '2025-02-30', '2025-01-02T09:30:00', '2025-01-02T09:30:00.250000-04:00', '2025-01-02T14:30:00Z', 'MomentumBot']) {
      expect(loadCommonShape(text)).toBe(loadByPatterns(text));
    }
    expect(fc.sample(commonShape, { numRuns: 500, seed: SEED }).every((text) => loadCommonShape(text) !== undefined)).toBe(true);
  });
});

/** Generated candidates must include enough of both verdicts to mean something. */
function expectBothVerdicts(verdicts: boolean[]): void {
  const accepted = verdicts.filter(Boolean).length;
  expect(accepted).toBeGreaterThan(verdicts.length / 20);
  expect(accepted).toBeLessThan(verdicts.length - verdicts.length / 20);
}

describe.skipIf(python311SkipReason !== null)(`matches Python 3.11 ${python311SkipReason ?? ''}`, () => {
  it('datetime.fromisoformat on generated strings', () => {
    const edges = [
      '0000-W01-1', '0000W011', '0000-W52', '0001-W01-1', '9999-W52-5', '9999-W52-6', '2020-W53-5', '2026-W53-1',
      '2025-W53-1', '2025-01-02T10:00:00.1234567x+05:00', '2025-01-02T10+05:99', '2025-01-02T10300012', '2025-01-02T',
    ];
    const texts = [...new Set([...edges, ...fc.sample(isoCandidate, { numRuns: 6000, seed: SEED })])];
    const verdicts = runPython<boolean[]>(
      `
import datetime, json, sys
def accepts(text):
    try:
        datetime.datetime.fromisoformat(text)
        return True
    except ValueError:
        return False
json.dump([accepts(t) for t in json.load(sys.stdin)], sys.stdout)
`,
      texts,
    );

    expectBothVerdicts(verdicts);
    texts.forEach((text, index) => {
      expect(isPythonIsoDatetime(text), JSON.stringify(text)).toBe(verdicts[index]);
    });
  });

  it("strptime('%Y-%m-%d') on generated strings", () => {
    const texts = [...new Set(fc.sample(strptimeCandidate, { numRuns: 3000, seed: SEED }))];
    const verdicts = runPython<boolean[]>(
      `
import datetime, json, sys
def accepts(text):
    try:
        datetime.datetime.strptime(text, '%Y-%m-%d')
        return True
    except ValueError:
        return False
json.dump([accepts(t) for t in json.load(sys.stdin)], sys.stdout)
`,
      texts,
    );

    expectBothVerdicts(verdicts);
    texts.forEach((text, index) => {
      expect(isPythonStrptimeDate(text), JSON.stringify(text)).toBe(verdicts[index]);
    });
  });

  it('loadedType matches both rule sets', () => {
    const texts = [
      ...new Set([
        ...fc.sample(isoCandidate, { numRuns: 2000, seed: SEED }),
        ...fc.sample(strptimeCandidate, { numRuns: 1000, seed: SEED }),
        ...fc.sample(fc.string({ maxLength: 12 }), { numRuns: 500, seed: SEED }),
      ]),
    ];
    const verdicts = runPython<Array<[string, string]>>(
      `
import datetime, json, re, sys

def current(v):
    if re.match(r'^\\d{4}-\\d{2}-\\d{2}T', v):
        candidate = v[:-1] + '+00:00' if v.endswith('Z') else v
        try:
            return datetime.datetime.fromisoformat(candidate)
        except ValueError:
            return v
    if re.match(r'^\\d{4}-\\d{2}-\\d{2}$', v):
        try:
            return datetime.datetime.strptime(v, '%Y-%m-%d').date()
        except ValueError:
            return v
    return v

def legacy(v):
    return (datetime.datetime.fromisoformat(v) if 'T' in v
            else datetime.datetime.strptime(v, '%Y-%m-%d').date() if '-' in v
            else v)

def type_name(convert, v):
    try:
        return type(convert(v)).__name__
    except Exception:
        return 'error'

json.dump([[type_name(current, v), type_name(legacy, v)] for v in json.load(sys.stdin)], sys.stdout)
`,
      texts,
    );

    texts.forEach((text, index) => {
      const [current, legacy] = verdicts[index]!;
      expect(typeOf(text, 'current'), `current ${JSON.stringify(text)}`).toBe(current);
      expect(typeOf(text, 'legacy'), `legacy ${JSON.stringify(text)}`).toBe(legacy);
    });
  });
});
