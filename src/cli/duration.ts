import { UsageError } from '../errors.js';

const UNIT_MILLIS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION = /^(?:\d+[smhdw])+$/;
const PART = /(\d+)([smhdw])/g;

/**
 * Parses an age such as `30d`, `12h`, `90m`, `45s`, `2w` or `1d12h` into
 * milliseconds: whole numbers, each with a unit (s, m for minutes, h, d, w).
 * A bare number is rejected because `30` could mean seconds or days.
 * Throws UsageError naming the option.
 */
export function parseAge(text: string, optionName: string): number {
  const compact = text.trim().toLowerCase();
  const invalid = (detail: string) =>
    new UsageError(`${optionName} must be ${detail}, got "${text}"`, {
      hint: `units: s, m (minutes), h, d, w; for example ${optionName} 30d or ${optionName} 1d12h`,
    });

  if (!DURATION.test(compact)) {
    throw invalid('a whole number with a unit');
  }

  let millis = 0;
  for (const [, amount, unit] of compact.matchAll(PART)) {
    millis += Number(amount) * (UNIT_MILLIS[unit ?? ''] ?? Number.NaN);
  }

  if (!Number.isSafeInteger(millis)) {
    throw invalid('a duration shorter than a few thousand years');
  }
  if (millis === 0) {
    throw invalid('longer than zero');
  }
  return millis;
}
