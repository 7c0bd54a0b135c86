/**
 * New York's offset from UTC and its zone name at an instant, from Intl,
 * looked up once per UTC day where the day has one zone. The bot keeps its
 * time stamps in New York time, so reading, writing and showing them all
 * need this.
 */

export interface NewYorkZone {
  /** New York wall time minus UTC, in milliseconds. */
  readonly offsetMs: number;
  /** `EST`, `EDT`, or the short name Intl gives for older rules. */
  readonly name: string;
}

// Created on first use: building the formatter costs about 10 ms, which a
// command that never reads or writes a time stamp should not pay at start-up.
let newYorkFormat: Intl.DateTimeFormat | undefined;

const NEW_YORK_FORMAT_OPTIONS: Intl.DateTimeFormatOptions = {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: 'short',
};

// New York has changed its offset only on whole UTC hours (07:00 UTC in
// spring, 06:00 in autumn, 17:00 for the 1883 switch from local mean time).
// So one Intl lookup per UTC hour serves every instant in it. Intl costs
// about 30 us a call (an estimate on this machine), which dominated list on
// a table of 10,000 strategies.
const zoneByHour = new Map<number, NewYorkZone>();

// In the tz database's rules for America/New_York, no UTC day contains two
// changes. So a day whose first and last hours have the same zone has it
// throughout, and two lookups serve the whole day: backups spread over a
// month need some 60 lookups instead of 720. A day with a change maps to
// null and is looked up hour by hour.
const zoneByDay = new Map<number, NewYorkZone | null>();

const MILLIS_PER_HOUR = 3_600_000;
const HOURS_PER_DAY = 24;
const SECONDS_PER_DAY = 86_400;

/** Returns New York's zone at an instant given in milliseconds since the epoch. */
export function newYorkZoneAt(millis: number): NewYorkZone {
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

function zoneAtHour(hour: number): NewYorkZone {
  let zone = zoneByHour.get(hour);
  if (zone === undefined) {
    const start = hour * MILLIS_PER_HOUR;
    const parts = newYorkParts(start);

    // The offset comes from the wall clock's time of day alone, because Intl
    // numbers the years before 1 AD by era, which a year number would
    // misread. Offsets stay within 12 hours, so the difference is brought
    // into that range.
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

/** Returns the parts of an instant's New York time of day (hour, minute, second, timeZoneName) from Intl. */
function newYorkParts(millis: number): Map<string, string> {
  newYorkFormat ??= new Intl.DateTimeFormat('en-US', NEW_YORK_FORMAT_OPTIONS);
  const parts = new Map<string, string>();
  for (const part of newYorkFormat.formatToParts(millis)) {
    parts.set(part.type, part.value);
  }
  return parts;
}
