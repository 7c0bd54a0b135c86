/**
 * Display of `last_updated` for people: New York wall time (the bot's own
 * zone), and ages such as "3 min ago".
 */

import { newYorkZoneAt } from '../store/new-york.js';

const MICROS_PER_SECOND = 1_000_000n;

/** Formats an instant as New York wall time to the second: `2026-12-04 14:41:06 EST`. */
export function formatNewYork(epochMicros: bigint): string {
  const millis = millisFromMicros(epochMicros);
  const zone = newYorkZoneAt(millis);
  const wall = new Date(millis + zone.offsetMs);
  const year = wall.getUTCFullYear();
  const yearText = year < 0 ? `-${String(-year).padStart(4, '0')}` : String(year).padStart(4, '0');

  const date = `${yearText}-${twoDigits(wall.getUTCMonth() + 1)}-${twoDigits(wall.getUTCDate())}`;
  const time = `${twoDigits(wall.getUTCHours())}:${twoDigits(wall.getUTCMinutes())}:${twoDigits(wall.getUTCSeconds())}`;
  return `${date} ${time} ${zone.name}`;
}

function twoDigits(value: number): string {
  return String(value).padStart(2, '0');
}

/** Formats an instant as UTC ISO 8601 with microseconds: `2026-12-04T19:41:06.166707Z`. */
export function formatIsoUtc(epochMicros: bigint): string {
  const seconds = floorDiv(epochMicros, MICROS_PER_SECOND);
  const micros = epochMicros - seconds * MICROS_PER_SECOND;
  // Years past 9999 have six digits and a sign, so the text is cut at the fraction.
  const iso = new Date(Number(seconds) * 1000).toISOString();
  const whole = iso.slice(0, iso.indexOf('.'));
  return `${whole}.${micros.toString().padStart(6, '0')}Z`;
}

/** Milliseconds since the epoch, rounded down, for arithmetic with `Date.now()`. */
export function millisFromMicros(epochMicros: bigint): number {
  return Number(floorDiv(epochMicros, 1000n));
}

/**
 * Formats an age in seconds the way a person reads it: "just now",
 * "42 s ago", "3 min ago", "5 h ago", "2 d ago", "3 y ago". A negative age (a
 * time stamp in the future, from clock skew or another tool) reads "in 3 min".
 */
export function formatAge(ageSeconds: number): string {
  if (ageSeconds < 0) {
    return `in ${formatSpan(-ageSeconds)}`;
  }
  if (ageSeconds < 1) {
    return 'just now';
  }
  return `${formatSpan(ageSeconds)} ago`;
}

/** Formats a length of time in its largest whole unit: "42 s", "3 min", "5 h", "2 d", "3 y". */
export function formatSpan(seconds: number): string {
  const units: readonly [number, string][] = [
    [365 * 86_400, 'y'],
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'min'],
  ];

  for (const [size, name] of units) {
    if (seconds >= size) {
      return `${Math.floor(seconds / size)} ${name}`;
    }
  }
  return `${Math.floor(seconds)} s`;
}

function floorDiv(dividend: bigint, divisor: bigint): bigint {
  const quotient = dividend / divisor;
  return dividend % divisor < 0n ? quotient - 1n : quotient;
}
