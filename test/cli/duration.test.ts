import { describe, expect, it } from 'vitest';

import { parseDuration, type DurationRules } from '../../src/cli/duration.js';
import { UsageError } from '../../src/errors.js';

// The rules of --older-than: a purge must not read "30" as 30 seconds.
const OLDER_THAN: DurationRules = { unitless: 'rejected', zero: 'rejected' };

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Returns the UsageError that parsing `text` throws. */
function rejection(text: string, optionName: string, rules?: DurationRules): UsageError {
  try {
    parseDuration(text, optionName, rules);
  } catch (error) {
    if (error instanceof UsageError) {
      return error;
    }
    throw error;
  }
  throw new Error(`"${text}" was accepted`);
}

describe('parseDuration', () => {
  // Every spelling that --live-window and --wait-backup accepted before.
  it.each([
    ['30', 30 * SECOND],
    ['30s', 30 * SECOND],
    ['30sec', 30 * SECOND],
    ['5m', 5 * MINUTE],
    ['5min', 5 * MINUTE],
    ['1.5h', 1.5 * HOUR],
    ['2d', 2 * DAY],
    ['250ms', 250],
    [' 10 M ', 10 * MINUTE],
    ['0', 0],
    ['0.5', 500],
  ])('reads %j as a window', (text, millis) => {
    expect(parseDuration(text, '--live-window')).toBe(millis);
  });

  // Every spelling that --older-than accepted before.
  it.each([
    ['45s', 45 * SECOND],
    ['90m', 90 * MINUTE],
    ['12h', 12 * HOUR],
    ['30d', 30 * DAY],
    ['2w', 14 * DAY],
    ['1d12h', 36 * HOUR],
    [' 7D ', 7 * DAY],
  ])('reads %j as an age', (text, millis) => {
    expect(parseDuration(text, '--older-than', OLDER_THAN)).toBe(millis);
  });

  it.each([
    ['1h30m', 90 * MINUTE],
    ['1d 12h', 36 * HOUR],
    ['1.5d', 36 * HOUR],
    ['1w', 7 * DAY],
    ['1m30s', 90 * SECOND],
    ['1ms', 1],
    ['0.0004s', 0],
  ])('reads %j in both options', (text, millis) => {
    expect(parseDuration(text, '--live-window')).toBe(millis);
    if (millis > 0) {
      expect(parseDuration(text, '--older-than', OLDER_THAN)).toBe(millis);
    }
  });

  it.each(['', 'soon', '-5m', '5 weeks', '1e3', 'd', '3 days', '1y', '1d12', '5m-', '1..5h', '.5h'])('rejects %j', (text) => {
    const error = rejection(text, '--live-window');

    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`--live-window must be a duration such as 30s, 5m, 2h or 1d, got "${text}"`);
    expect(error.hint).toContain('for example --live-window 10m');
  });

  it('rejects a unitless --older-than', () => {
    const error = rejection('30', '--older-than', OLDER_THAN);

    expect(error.message).toBe('--older-than needs a unit, got "30"');
    expect(error.hint).toContain('for example --older-than 30d');
  });

  it('suggests no zero for a unitless zero', () => {
    const error = rejection('0', '--older-than', OLDER_THAN);

    expect(error.hint).toContain('for example --older-than 30d');
  });

  it.each(['0d', '0s0m', '0', '0.0004s'])('rejects a zero --older-than of %j', (text) => {
    const error = rejection(text, '--older-than', OLDER_THAN);

    expect(error.message).toMatch(/^--older-than (must be longer than zero|needs a unit), got /);
  });

  it.each(['99999999999999w', `${'9'.repeat(400)}s`])('rejects the overlong %j', (text) => {
    const error = rejection(text, '--wait-backup');

    expect(error.message).toBe(`--wait-backup must be shorter than 285,000 years, got "${text}"`);
  });
});
