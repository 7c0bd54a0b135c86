/**
 * New York's offset from UTC and its zone name at an instant, looked up once
 * per UTC day where the day has one zone. The bot keeps its time stamps in
 * New York time, so reading, writing and showing them all need this.
 */

export interface NewYorkZone {
  /** New York wall time minus UTC, in milliseconds. */
  readonly offsetMs: number;
  /** `EST`, `EDT`, or `GMT` and the offset for local mean time. */
  readonly name: string;
}

const NEW_YORK = 'America/New_York';

// New York has changed its offset only on whole UTC hours (07:00 UTC in
// spring, 06:00 in autumn, 17:00 for the 1883 switch from local mean time).
// So one lookup per UTC hour serves every instant in it.
const zoneByHour = new Map<number, NewYorkZone>();

// In the tz database's rules for America/New_York, no UTC day contains two
// changes. So a day whose first and last hours have the same zone has it
// throughout, and two lookups serve the whole day: backups spread over a
// month need some 60 lookups instead of 720. A day with a change maps to
// null and is looked up hour by hour.
const zoneByDay = new Map<number, NewYorkZone | null>();

const MILLIS_PER_HOUR = 3_600_000;
const MILLIS_PER_DAY = 86_400_000;
/** The earliest instant a Date can hold. */
const EARLIEST_DATE_MS = -8.64e15;
const HOURS_PER_DAY = 24;

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
    const offsetMs = newYorkOffsetAt(hour * MILLIS_PER_HOUR);
    zone = { offsetMs, name: zoneName(offsetMs) };
    zoneByHour.set(hour, zone);
  }
  return zone;
}

let zoneDataChecked = false;

/**
 * Reads New York's offset from a Date's local fields while the process's
 * zone is switched to New York, and switches it back before returning.
 * Intl.DateTimeFormat gives the same offsets from the same ICU data, but
 * building one costs about 10 ms (measured here), while a switch costs about
 * 10 us. The zone is switched back because export file names use the
 * operator's own zone. Nothing else runs between the two switches, because
 * the function is synchronous and varsctl starts no worker threads.
 */
function newYorkOffsetAt(millis: number): number {
  if (!zoneDataChecked) {
    requireNewYorkZoneData();
    zoneDataChecked = true;
  }

  // The wall time of the earliest instants falls before the earliest Date.
  // New York kept local mean time until 1883, so a day later has the same offset.
  const instant = Math.max(millis, EARLIEST_DATE_MS + MILLIS_PER_DAY);
  return withNewYorkZone(() => localMinusUtc(instant));
}

function withNewYorkZone<T>(read: () => T): T {
  const operatorZone = process.env.TZ;
  process.env.TZ = NEW_YORK;
  try {
    return read();
  } finally {
    if (operatorZone === undefined) {
      delete process.env.TZ;
    } else {
      process.env.TZ = operatorZone;
    }
  }
}

/**
 * Returns the local wall time at `millis` minus UTC, in milliseconds. The
 * wall time is rebuilt with setUTCFullYear, which takes years 0 to 99 and
 * BC years as they are, where Date.UTC would add 1900 to the first.
 */
function localMinusUtc(millis: number): number {
  const local = new Date(millis);
  const wallAsUtc = new Date(0);
  wallAsUtc.setUTCFullYear(local.getFullYear(), local.getMonth(), local.getDate());
  wallAsUtc.setUTCHours(local.getHours(), local.getMinutes(), local.getSeconds(), local.getMilliseconds());
  return wallAsUtc.getTime() - millis;
}

/**
 * Fails when this Node.js has no time zone data for New York. Date falls
 * back to UTC for a zone it does not know, which would shift every time
 * stamp varsctl writes by four or five hours without a word.
 */
function requireNewYorkZoneData(): void {
  const winter = withNewYorkZone(() => localMinusUtc(Date.UTC(2021, 0, 15)));
  const summer = withNewYorkZone(() => localMinusUtc(Date.UTC(2021, 6, 15)));
  if (winter !== -5 * MILLIS_PER_HOUR || summer !== -4 * MILLIS_PER_HOUR) {
    throw new Error(
      `this Node.js has no time zone data for ${NEW_YORK} (its offset read as ${winter / MILLIS_PER_HOUR} h in January); install a Node.js built with full ICU, as the official builds are`
    );
  }
}

/**
 * Names a New York offset: EST and EDT for the standard and daylight
 * offsets, whatever the year, and `GMT-4:56:02` for local mean time before
 * 1883. The war time of 1942 to 1945 (EWT and EPT in the tz database) has
 * the daylight offset and reads EDT.
 */
function zoneName(offsetMs: number): string {
  if (offsetMs === -5 * MILLIS_PER_HOUR) {
    return 'EST';
  }
  if (offsetMs === -4 * MILLIS_PER_HOUR) {
    return 'EDT';
  }
  return `GMT${gmtOffsetText(offsetMs)}`;
}

/** Spells an offset as `-4:56:02`, `+5:30` or `-5`: hours unpadded, then minutes and seconds where not zero. */
function gmtOffsetText(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const totalSeconds = Math.round(Math.abs(offsetMs) / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;

  let text = `${sign}${hours}`;
  if (minutes !== 0 || seconds !== 0) {
    text += `:${String(minutes).padStart(2, '0')}`;
  }
  if (seconds !== 0) {
    text += `:${String(seconds).padStart(2, '0')}`;
  }
  return text;
}
