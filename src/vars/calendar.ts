/**
 * Proleptic Gregorian calendar arithmetic, as Python's `datetime` does it
 * (years 1 to 9999).
 */

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month]!;
}

export function isValidDate(year: number, month: number, day: number): boolean {
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Count the days up to a date, 0001-01-01 being day 1, as `date.toordinal()` does. */
function ordinalOf(year: number, month: number, day: number): number {
  const y = year - 1;
  let days = y * 365 + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400);
  for (let m = 1; m < month; m++) {
    days += daysInMonth(year, m);
  }
  return days + day;
}

function dateOfOrdinal(ordinal: number): CalendarDate {
  let year = Math.max(1, Math.floor(ordinal / 365.2425));
  while (ordinalOf(year + 1, 1, 1) <= ordinal) year += 1;
  while (ordinalOf(year, 1, 1) > ordinal) year -= 1;

  let rest = ordinal - ordinalOf(year, 1, 1) + 1;
  let month = 1;
  while (rest > daysInMonth(year, month)) {
    rest -= daysInMonth(year, month);
    month += 1;
  }

  return { year, month, day: rest };
}

/**
 * ISO year, week and weekday to a calendar date, or null where Python
 * raises. Week 53 exists only in years that start on a Thursday, or on a
 * Wednesday in leap years.
 */
export function isoWeekToDate(isoYear: number, week: number, weekday: number): CalendarDate | null {
  // NOTE: CPython's C arithmetic is undefined for ISO year 0; every such
  // string tried on 3.11.2 was rejected, so year 0 is rejected here.
  if (isoYear === 0) {
    return null;
  }

  const januaryFirst = ordinalOf(isoYear, 1, 1);
  const januaryFirstWeekday = (januaryFirst + 6) % 7; // Monday is 0

  if (week < 1 || week > 53) {
    return null;
  }
  if (week === 53 && !(januaryFirstWeekday === 3 || (januaryFirstWeekday === 2 && isLeapYear(isoYear)))) {
    return null;
  }
  if (weekday < 1 || weekday > 7) {
    return null;
  }

  let weekOneMonday = januaryFirst - januaryFirstWeekday;
  if (januaryFirstWeekday > 3) {
    weekOneMonday += 7;
  }

  return dateOfOrdinal(weekOneMonday + (week - 1) * 7 + weekday - 1);
}
