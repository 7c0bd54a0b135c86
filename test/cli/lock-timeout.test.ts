import { describe, expect, it } from 'vitest';

import { lockTimeoutMs } from '../../src/cli/context.js';
import { UsageError } from '../../src/errors.js';

function parse(lockTimeout: string): number {
  return lockTimeoutMs({ lockTimeout } as Parameters<typeof lockTimeoutMs>[0]);
}

describe('lockTimeoutMs', () => {
  it.each([
    ['0', 0],
    ['5000', 5000],
    [' 250 ', 250],
    ['2147483647', 2_147_483_647],
  ])('reads %j', (text, expected) => {
    expect(parse(text)).toBe(expected);
  });

  it.each(['', '  ', '-1', '1.5', '1e3', '0x10', '2147483648', 'soon'])('rejects %j', (text) => {
    expect(() => parse(text)).toThrow(UsageError);
    expect(() => parse(text)).toThrow(`--lock-timeout must be a whole number of milliseconds up to 2147483647, got "${text}"`);
  });
});
