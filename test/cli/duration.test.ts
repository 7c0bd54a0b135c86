import { describe, expect, it } from 'vitest';

import { parseAge } from '../../src/cli/duration.js';
import { UsageError } from '../../src/errors.js';

describe('parseAge', () => {
  it.each([
    ['45s', 45_000],
    ['90m', 90 * 60_000],
    ['12h', 12 * 3_600_000],
    ['30d', 30 * 86_400_000],
    ['2w', 14 * 86_400_000],
    ['1d12h', 36 * 3_600_000],
    [' 7D ', 7 * 86_400_000],
  ])('reads %s', (text, millis) => {
    expect(parseAge(text, '--older-than')).toBe(millis);
  });

  it.each(['30', '', 'd', '1.5d', '-1d', '3 days', '1y', '0d', '0s0m', '99999999999999w'])('rejects "%s"', (text) => {
    expect(() => parseAge(text, '--older-than')).toThrow(UsageError);
  });

  it('names the option and the value', () => {
    expect(() => parseAge('30', '--older-than')).toThrow('--older-than must be a whole number with a unit, got "30"');
  });
});
