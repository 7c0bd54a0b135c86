import { describe, expect, it } from 'vitest';

import { checkTypeChange } from '../../src/cli/set-type-change.js';
import { UsageError } from '../../src/errors.js';
import { canonicalize, parseValue } from '../../src/vars/index.js';

function check(oldText: string, newText: string, options: { allowed?: boolean; dryRun?: boolean } = {}): string[] {
  return checkTypeChange({
    strategyId: 'Bot',
    key: 'k',
    oldValue: parseValue(oldText),
    newValue: canonicalize(parseValue(newText)),
    allowed: options.allowed ?? false,
    dryRun: options.dryRun ?? false,
  });
}

function hintOf(oldText: string, newText: string): string | undefined {
  try {
    check(oldText, newText);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).hint;
  }
  throw new Error(`expected ${oldText} -> ${newText} to be rejected`);
}

describe('checkTypeChange', () => {
  it('accepts the same loaded type', () => {
    expect(check('1.5', 'NaN')).toEqual([]);
    expect(check('"2025-01-02"', '"2026-12-31"')).toEqual([]);
    expect(check('[1]', '[2, 3]')).toEqual([]);
  });

  it.each([
    ['a rounded int in a list', '[27182818284590452353]', '[27182818284590453000]', 'k[0] was 27182818284590452353, now 27182818284590453000 (rounded to a double)'],
    ['NaN turned into a string', '{"z": NaN}', '{"z": "NaN"}', 'k.z was the float NaN, now the string "NaN"'],
    ['a whole float written as an int', '{"n": [1.0, 2.5]}', '{"n": [1, 2.5]}', 'k.n[0] was the float 1.0, now the int 1'],
  ])('warns about %s inside a value', (_, oldText, newText, note) => {
    const warnings = check(oldText, newText);

    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`inside k, values look changed by a JSON tool: ${note}`);
  });

  it('counts nested notes past three', () => {
    const warnings = check('[1.0, 2.0, 3.0, 4.0, 5.0]', '[1, 2, 3, 4, 5]');

    expect(warnings[0]).toContain('k[2] was the float 3.0, now the int 3; and 2 more;');
  });

  it('leaves nested edits alone', () => {
    expect(check('{"a": 1, "b": [1.5]}', '{"a": 2, "b": [1.5, 2], "c": "NaN"}')).toEqual([]);
  });

  it('advises per kind of change', () => {
    const cases: [string, string, string][] = [
      ['NaN', '"Infinity"', 'to keep a float, pass Infinity unquoted'],
      ['4', '"-5"', 'to keep an int, pass -5 unquoted after --'],
      ['1.5', '"-Infinity"', 'to keep a float, pass -Infinity unquoted after --'],
      ['100.0', '100', 'to keep a float, pass 100.0'],
      ['1.0', '-0', 'to keep a float, pass 0.0'],
      ['4', '4.0', 'to keep an int, pass 4'],
      ['4', '1e-05', 'to keep an int, pass a whole number without a decimal point or exponent'],
      ['"SPY"', '10', 'to keep a str, quote VALUE as JSON or add --string'],
      ['"2025-01-02T09:30:00"', '"2025-01-02"', 'to keep a datetime, pass an ISO 8601 string'],
      ['true', '1', "pass the value as varsctl show 'Bot' 'k' prints it"],
    ];
    for (const [oldText, newText, advice] of cases) {
      expect(hintOf(oldText, newText), `${oldText} -> ${newText}`).toContain(advice);
    }
  });

  it('warns only with allowed or over None', () => {
    expect(check('4', '"4"', { allowed: true })).toEqual(['k changes type from int to str (was 4, now "4")']);
    expect(check('null', '[]')).toEqual(['k changes type from NoneType to list (was null, now [])']);
  });

  it('reports rounded digits of big ints', () => {
    const roundedSpellings = [
      ['18446744073709551621', '18446744073709552000'],
      ['18446744073709551621', '18446744073709551616'],
      ['-18446744073709551621', '-18446744073709552000'],
      ['9007199254740993', '9007199254740992'],
    ];
    for (const [oldText, newText] of roundedSpellings) {
      expect(check(oldText ?? '', newText ?? ''), `${oldText} -> ${newText}`).toEqual([
        expect.stringContaining(`${newText} is the old ${oldText} rounded to a double`),
      ]);
    }
  });

  it('leaves other big int changes alone', () => {
    expect(check('18446744073709551621', '18446744073709551622')).toEqual([]);
    expect(check('9007199254740991', '9007199254740990')).toEqual([]);
    // From 1e21 on, a double's shortest spelling has an exponent, so only its exact value counts.
    expect(check('1000000000000000000001', '1000000000000000000000')).toEqual([
      expect.stringContaining('rounded to a double'),
    ]);
  });

  it('names a rounded float in the rejection', () => {
    expect(hintOf('18446744073709551621', '1.8446744073709552e+19')).toContain(
      '1.8446744073709552e+19 is the old 18446744073709551621 rounded to a double',
    );
  });
});
