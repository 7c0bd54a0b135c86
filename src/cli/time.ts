/**
 * Display of `last_updated` for people: New York wall time (the bot's own
 * zone), and ages such as "3 min ago".
 */

import { newYorkParts } from '../store/timestamp.js';

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

interface ZoneAt {
  /** New York wall time minus UTC, in milliseconds. */
  readonly offsetMs: number;
  /** `EST`, `EDT`, or the short name Intl gives for older rules. */
  readonly name: string;
}

// New York has changed its offset only on whole UTC hours (07:00 UTC in
// spring, 06:00 in autumn, 17:00 for the 1883 switch from local mean time).
// So one Intl lookup per UTC hour serves every instant in it. Intl costs
// about 30 us a call (an estimate on this machine), which dominated list on
// a table of 10,000 strategies.
const zoneByHour = new Map<number, ZoneAt>();

// In the tz database's rules for America/New_York, no UTC day holds two
// changes, so a day whose first and last hours have the same zone has it
// throughout, and two lookups serve the whole day. A table whose backups spread over a
// month then needs some 60 lookups instead of 720. A day with a change
// maps to null and is looked up hour by hour.
const zoneByDay = new Map<number, ZoneAt | null>();

const MILLIS_PER_HOUR = 3_600_000;
const HOURS_PER_DAY = 24;
const SECONDS_PER_DAY = 86_400;

function newYorkZoneAt(millis: number): ZoneAt {
  const hour = Math.floor(millis / MILLIS_PER_HOUR);
  const day = Math.floor(hour / HOURS_PER_DAY);

  let dayZone = zoneByDay.get(day);
  if (dayZone === undefined) {
    const first = zoneAtHour(day * HOURS_PER_DAY);
    const last = zoneAtHour(day * HOURS_PER_DAY + HOURS_PER_DAY - 1);
    dayZone = first.offsetMs === last.offsetMs && first.name === last.name ? first : null;
    zoneByDay.set(day, dayZone);
  }
  return dayZone ?? zoneAtHour(hour);
}

function zoneAtHour(hour: number): ZoneAt {
  let zone = zoneByHour.get(hour);
  if (zone === undefined) {
    const start = hour * MILLIS_PER_HOUR;
    const parts = newYorkParts(start);
    // The offset from the wall clock's time of day alone: Intl names years
    // before 1 AD by era, which a year number would misread. Offsets stay
    // within 12 hours, so the difference is brought into that range.
    const wallSeconds = Number(parts.get('hour')) * 3600 + Number(parts.get('minute')) * 60 + Number(parts.get('second'));
    const utcSeconds = (((start / 1000) % SECONDS_PER_DAY) + SECONDS_PER_DAY) % SECONDS_PER_DAY;
    let offsetSeconds = wallSeconds - utcSeconds;
    if (offsetSeconds > SECONDS_PER_DAY / 2) {
      offsetSeconds -= SECONDS_PER_DAY;
    } else if (offsetSeconds <= -SECONDS_PER_DAY / 2) {
      offsetSeconds += SECONDS_PER_DAY;
    }
    zone = { offsetMs: offsetSeconds * 1000, name: parts.get('timeZoneName') ?? '' };
    zoneByHour.set(hour, zone);
  }
  return zone;
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
