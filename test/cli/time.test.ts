import { describe, expect, it } from 'vitest';

import { formatAge, formatIsoUtc, formatNewYork, formatSpan, millisFromMicros } from '../../src/cli/time.js';
import { newYorkZoneAt } from '../../src/store/new-york.js';

function micros(iso: string, extraMicros = 0): bigint {
  return BigInt(Date.parse(iso)) * 1000n + BigInt(extraMicros);
}

describe('formatNewYork', () => {
  it('shows winter time as EST', () => {
    expect(formatNewYork(micros('2026-12-04T19:41:06.166Z', 707))).toBe('2026-12-04 14:41:06 EST');
  });

  it('shows summer time as EDT', () => {
    expect(formatNewYork(micros('2025-07-01T13:30:00Z'))).toBe('2025-07-01 09:30:00 EDT');
  });

  it('keeps midnight as 00, not 24', () => {
    expect(formatNewYork(micros('2025-01-02T05:00:00Z'))).toBe('2025-01-02 00:00:00 EST');
  });

  it('handles the hour repeated at the end of daylight saving', () => {
    expect(formatNewYork(micros('2025-11-02T05:30:00Z'))).toBe('2025-11-02 01:30:00 EDT');
    expect(formatNewYork(micros('2025-11-02T06:30:00Z'))).toBe('2025-11-02 01:30:00 EST');
  });

  it('keeps years before 1000 as written', () => {
    const utc = (year: number) => {
      const date = new Date(0);
      date.setUTCFullYear(year, 6, 3);
      return BigInt(date.getTime()) * 1000n;
    };

    expect(formatNewYork(utc(99))).toBe('0099-07-02 19:03:58 GMT-4:56:02');
    expect(formatNewYork(utc(0))).toBe('0000-07-02 19:03:58 GMT-4:56:02');
    expect(formatNewYork(utc(-5))).toBe('-0005-07-02 19:03:58 GMT-4:56:02');
    expect(formatNewYork(utc(999))).toBe('0999-07-02 19:03:58 GMT-4:56:02');
  });

  // Intl names New York's offsets before 1970 by their numbers, while
  // varsctl names them EST and EDT in every year.
  const intlZoneName = (name: string | undefined) => ({ 'GMT-5': 'EST', 'GMT-4': 'EDT' })[name ?? ''] ?? name;

  it('names offsets before 1970 EST and EDT', () => {
    expect(formatNewYork(BigInt(Date.UTC(1950, 0, 10, 12)) * 1000n)).toBe('1950-01-10 07:00:00 EST');
    expect(formatNewYork(BigInt(Date.UTC(1950, 6, 10, 12)) * 1000n)).toBe('1950-07-10 08:00:00 EDT');
    expect(formatNewYork(BigInt(Date.UTC(1883, 10, 18, 16, 59, 59)) * 1000n)).toBe('1883-11-18 12:03:57 GMT-4:56:02');
  });

  it('reads the earliest instant of a Date', () => {
    expect(newYorkZoneAt(-8.64e15)).toEqual({ offsetMs: -17_762_000, name: 'GMT-4:56:02' });
  });

  it("restores the process's time zone", () => {
    const operatorZone = process.env['TZ'];
    process.env['TZ'] = 'Asia/Tokyo';
    try {
      expect(formatNewYork(BigInt(Date.UTC(1961, 2, 3, 4)) * 1000n)).toBe('1961-03-02 23:00:00 EST');
      expect(process.env['TZ']).toBe('Asia/Tokyo');
      expect(new Date(0).getHours()).toBe(9);
    } finally {
      if (operatorZone === undefined) {
        delete process.env['TZ'];
      } else {
        process.env['TZ'] = operatorZone;
      }
    }
  });

  it('agrees with Intl from 1850 to 2100', () => {
    const intl = new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/New_York',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    const reference = (millis: number) => {
      const parts = Object.fromEntries(intl.formatToParts(millis).map((part) => [part.type, part.value]));
      return `${parts['year']}-${parts['month']}-${parts['day']} ${parts['hour']}:${parts['minute']}:${parts['second']} ${intlZoneName(parts['timeZoneName'])}`;
    };

    const instants: number[] = [Date.UTC(1883, 10, 18, 16, 59, 59), Date.UTC(1883, 10, 18, 17, 0, 0), -1, 0];
    for (let year = 2020; year <= 2027; year += 1) {
      for (const day of [7, 8, 9, 10, 13, 14]) {
        for (let minute = 0; minute < 24 * 60; minute += 17) {
          instants.push(Date.UTC(year, 2, day, 0, minute, 31), Date.UTC(year, 10, day - 6, 0, minute, 59));
        }
      }
    }
    let seed = 7;
    for (let index = 0; index < 3000; index += 1) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      instants.push(Date.UTC(1850, 0, 1) + Math.floor((seed / 2147483648) * (Date.UTC(2100, 0, 1) - Date.UTC(1850, 0, 1))));
    }

    for (const millis of instants) {
      expect(formatNewYork(BigInt(millis) * 1000n + 999n)).toBe(reference(millis));
    }

    // Every hour of 1945, when war time became peace time and then ended, and
    // of January 1974, when daylight saving time began in winter.
    for (let millis = Date.UTC(1945, 0, 1, 0, 30); millis < Date.UTC(1946, 0, 1); millis += 3_600_000) {
      expect(formatNewYork(BigInt(millis) * 1000n)).toBe(reference(millis));
    }
    for (let millis = Date.UTC(1974, 0, 1, 0, 30); millis < Date.UTC(1974, 1, 1); millis += 3_600_000) {
      expect(formatNewYork(BigInt(millis) * 1000n)).toBe(reference(millis));
    }
  });
});

describe('formatIsoUtc', () => {
  it('keeps all six fraction digits', () => {
    expect(formatIsoUtc(micros('2026-12-04T19:41:06.166Z', 707))).toBe('2026-12-04T19:41:06.166707Z');
  });

  it('pads a small fraction', () => {
    expect(formatIsoUtc(micros('2025-01-02T00:00:00Z', 5))).toBe('2025-01-02T00:00:00.000005Z');
  });

  it('handles instants before 1970', () => {
    expect(formatIsoUtc(-1n)).toBe('1969-12-31T23:59:59.999999Z');
  });

  it('keeps the seconds of year 10000', () => {
    expect(formatIsoUtc(micros('+010000-01-01T04:59:59Z', 999_999))).toBe('+010000-01-01T04:59:59.999999Z');
  });
});

describe('millisFromMicros', () => {
  it('rounds down', () => {
    expect(millisFromMicros(1_999n)).toBe(1);
    expect(millisFromMicros(-1n)).toBe(-1);
  });
});

describe('formatAge', () => {
  const cases: [number, string][] = [
    [0, 'just now'],
    [0.4, 'just now'],
    [1, '1 s ago'],
    [59.9, '59 s ago'],
    [60, '1 min ago'],
    [3 * 60 + 20, '3 min ago'],
    [3_599, '59 min ago'],
    [3_600, '1 h ago'],
    [23 * 3_600, '23 h ago'],
    [2 * 86_400 + 5, '2 d ago'],
    [364 * 86_400, '364 d ago'],
    [800 * 86_400, '2 y ago'],
    [-180, 'in 3 min'],
  ];

  it.each(cases)('formats %s seconds as %s', (seconds, expected) => {
    expect(formatAge(seconds)).toBe(expected);
  });
});

describe('formatSpan', () => {
  it('uses the largest whole unit', () => {
    expect(formatSpan(300)).toBe('5 min');
    expect(formatSpan(90)).toBe('1 min');
    expect(formatSpan(0.2)).toBe('0 s');
  });
});
