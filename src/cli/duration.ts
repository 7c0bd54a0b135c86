import { UsageError } from '../errors.js';

/**
 * The one grammar of duration options (--live-window, --wait-backup,
 * --older-than): one or more parts, each a decimal number and a unit, such
 * as `30s`, `5m`, `1.5h`, `2d`, `250ms`, `2w` or `1d12h`. Units are case
 * insensitive, and spaces may separate a number from its unit and one part
 * from the next. A number without a unit is seconds where the option
 * allows it.
 */

const MILLIS_PER_SECOND = 1_000;

const UNIT_MILLIS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  sec: 1_000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

// Longer names first: PART is not anchored, so with `m` first it would read
// `5ms` as 5 minutes followed by a stray `s`.
const UNIT = '(ms|sec|min|s|m|h|d|w)';
const NUMBER = '(\\d+(?:\\.\\d+)?)';
const DURATION = new RegExp(`^(?:${NUMBER}\\s*${UNIT}\\s*)+$`);
const PART = new RegExp(`${NUMBER}\\s*${UNIT}`, 'g');
const UNITLESS = new RegExp(`^${NUMBER}$`);

/** The accepted units, for help texts and hints, so that both list the same ones. */
export const DURATION_UNITS = 'ms, s (or sec), m (or min), h, d, w';
const UNITS_HINT = `units: ${DURATION_UNITS}`;

export interface DurationRules {
  /** A number without a unit: seconds, or rejected where reading it wrongly would delete data. Default seconds. */
  readonly unitless?: 'seconds' | 'rejected';
  /** Whether a duration of zero is accepted, where it turns a check off. Default accepted. */
  readonly zero?: 'accepted' | 'rejected';
}

/**
 * Parses a duration option into whole milliseconds, rounded to the nearest.
 * Throws UsageError naming the option and the value, with an example.
 */
export function parseDuration(text: string, optionName: string, rules: DurationRules = {}): number {
  const compact = text.trim().toLowerCase();
  const example = exampleFor(rules);

  const unitless = UNITLESS.exec(compact);
  if (unitless !== null) {
    if (rules.unitless === 'rejected') {
      // The hint never repeats a zero with a unit: where zero is rejected, it
      // would fail again, and elsewhere it would select everything.
      const suggestion = Number(unitless[1]) === 0 ? example : `${compact}d`;
      throw new UsageError(`${optionName} needs a unit, got "${text}"`, {
        hint: `${compact} could mean seconds or days; for example ${optionName} ${suggestion} (${UNITS_HINT})`,
      });
    }
    return checked(Math.round(Number(unitless[1]) * MILLIS_PER_SECOND), text, optionName, rules);
  }

  if (!DURATION.test(compact)) {
    const seconds = rules.unitless === 'rejected' ? '' : '; a number without a unit is seconds';
    throw new UsageError(`${optionName} must be a duration such as 30s, 5m, 2h or 1d, got "${text}"`, {
      hint: `${UNITS_HINT}, combined as in 1d12h${seconds}; for example ${optionName} ${example}`,
    });
  }

  let millis = 0;
  for (const [, amount, unit] of compact.matchAll(PART)) {
    millis += Number(amount) * (UNIT_MILLIS[unit ?? ''] ?? Number.NaN);
  }
  return checked(Math.round(millis), text, optionName, rules);
}

function checked(millis: number, text: string, optionName: string, rules: DurationRules): number {
  // Number.MAX_SAFE_INTEGER milliseconds are about 285,000 years.
  if (!Number.isSafeInteger(millis)) {
    throw new UsageError(`${optionName} must be shorter than 285,000 years, got "${text}"`, {
      hint: `for example ${optionName} ${exampleFor(rules)}`,
    });
  }
  if (millis === 0 && rules.zero === 'rejected') {
    throw new UsageError(`${optionName} must be longer than zero, got "${text}"`, {
      hint: `for example ${optionName} ${exampleFor(rules)}`,
    });
  }
  return millis;
}

/** Returns an example value for hints: in days for an option that needs a unit (purge's --older-than). */
function exampleFor(rules: DurationRules): string {
  return rules.unitless === 'rejected' ? '30d' : '10m';
}
