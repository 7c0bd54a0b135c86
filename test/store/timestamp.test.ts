import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { formatNewYork } from '../../src/cli/time.js';
import {
  formatBotSqliteText,
  formatNewYorkWallText,
  formatUtcText,
  nowEpochMicros,
  parseEpochNumber,
  parseTimestampText,
} from '../../src/store/timestamp.js';

// 2026-12-04 19:41:06.946717 UTC, a bot row from the SQLite fixture.
const FIXTURE_INSTANT = 1_796_413_266_946_717n;

describe('parseTimestampText', () => {
  it.each([
    ['2026-12-04 14:41:06.946717-05:00', FIXTURE_INSTANT],
    ['2026-12-04T14:41:06.946717-05:00', FIXTURE_INSTANT],
    ['2026-12-04 19:41:06.946717+00:00', FIXTURE_INSTANT],
    ['2026-12-04 19:41:06.946717+00', FIXTURE_INSTANT],
    ['2026-12-04T19:41:06.946717Z', FIXTURE_INSTANT],
    ['2026-12-04 14:41:06.946717', FIXTURE_INSTANT],
    ['2026-12-04 14:41:06.946717999', FIXTURE_INSTANT],
    ['2026-12-04 14:41:06-05:00', FIXTURE_INSTANT - 946_717n],
    ['2026-12-04 09:41:06.946717-1000', FIXTURE_INSTANT],
  ])('reads %s', (text, expected) => {
    expect(parseTimestampText(text)).toBe(expected);
  });

  it('reads daylight saving time offsets', () => {
    expect(parseTimestampText('2025-07-01 12:00:00-04:00')).toBe(parseTimestampText('2025-07-01T16:00:00Z'));
  });

  it('reads naive text as New York wall time in summer', () => {
    expect(parseTimestampText('2025-07-01 12:00:00')).toBe(parseTimestampText('2025-07-01 16:00:00+00:00'));
  });

  it('reads date-only text as New York midnight', () => {
    expect(parseTimestampText('2099-01-01')).toBe(parseTimestampText('2099-01-01 05:00:00+00:00'));
  });

  it('reads the repeated hour as its first occurrence', () => {
    expect(parseTimestampText('2025-11-02 01:30:00')).toBe(parseTimestampText('2025-11-02 01:30:00-04:00'));
  });

  it('reads a skipped hour with the offset before the change', () => {
    expect(parseTimestampText('2025-03-09 02:30:00')).toBe(parseTimestampText('2025-03-09 02:30:00-05:00'));
  });

  it('reads the LMT offset with minutes', () => {
    expect(parseTimestampText('2025-03-14T09:30:00-04:56')).toBe(parseTimestampText('2025-03-14T14:26:00Z'));
  });

  it.each(['infinity', '', 'INITIAL VALUE', '2025-02-30 00:00:00', '2025-13-01', '20250102', '2025-01-02 25:00:00'])(
    'returns null for %j',
    (text) => {
      expect(parseTimestampText(text)).toBeNull();
    },
  );
});

describe('parseTimestampText on the bot and PostgreSQL shape', () => {
  const twoDigits = (min: number, max: number) => fc.integer({ min, max }).map((value) => String(value).padStart(2, '0'));
  const commonShape = fc
    .record({
      year: fc.integer({ min: 0, max: 9999 }).map((value) => String(value).padStart(4, '0')),
      month: twoDigits(0, 13),
      day: twoDigits(0, 32),
      separator: fc.constantFrom(' ', 'T'),
      hour: twoDigits(0, 25),
      minute: twoDigits(0, 60),
      second: twoDigits(0, 60),
      fraction: fc.oneof(fc.constant(''), fc.stringMatching(/^\.[0-9]{1,10}$/)),
      sign: fc.constantFrom('+', '-'),
      offsetHours: twoDigits(0, 99),
      offsetMinutes: twoDigits(0, 99),
    })
    .map((parts) => ({
      text: `${parts.year}-${parts.month}-${parts.day}${parts.separator}${parts.hour}:${parts.minute}:${parts.second}${parts.fraction}${parts.sign}${parts.offsetHours}:${parts.offsetMinutes}`,
      // A space before the offset takes the general path to the same instant.
      generalText: `${parts.year}-${parts.month}-${parts.day}${parts.separator}${parts.hour}:${parts.minute}:${parts.second}${parts.fraction} ${parts.sign}${parts.offsetHours}:${parts.offsetMinutes}`,
    }));

  it('agrees with the general path', () => {
    fc.assert(
      fc.property(commonShape, ({ text, generalText }) => {
        expect(parseTimestampText(text)).toBe(parseTimestampText(generalText));
      }),
      { numRuns: 20_000, seed: 20_251_204 },
    );
  });

  it.each([
    ['2024-02-29 12:00:00.000001+14:00', 1_709_157_600_000_001n],
    ['2025-01-02 03:04:05.123456789-05:00', 1_735_805_045_123_456n],
    ['2025-01-02 03:04:05.5+00:00', 1_735_787_045_500_000n],
    ['0100-01-01 00:00:00+00:00', -59_011_459_200_000_000n],
    ['0099-12-31 23:59:59+00:00', -59_011_459_201_000_000n],
    ['9999-12-31 23:59:59.999999+00:00', 253_402_300_799_999_999n],
  ])('reads %s', (text, expected) => {
    expect(parseTimestampText(text)).toBe(expected);
  });

  it.each(['2025-02-29 00:00:00+00:00', '2100-02-29 00:00:00+00:00', '2025-04-31 00:00:00-05:00', '2025-01-02 24:00:00+00:00', '2025-01-02 03:04:05.1234567890+00:00', '2025-01-02 03:04:05.+00:00'])(
    'returns null for %j',
    (text) => {
      expect(parseTimestampText(text)).toBeNull();
    },
  );
});

describe('parseEpochNumber', () => {
  it.each([
    [1_796_413_266.946717, FIXTURE_INSTANT],
    [1_796_413_266_946, FIXTURE_INSTANT - 717n],
    [1_796_413_266n, FIXTURE_INSTANT - 946_717n],
    [1_796_413_266_946_717n, FIXTURE_INSTANT],
    [1_796_413_266_946_717_000n, FIXTURE_INSTANT],
  ])('reads %s', (value, expected) => {
    expect(parseEpochNumber(value)).toBe(expected);
  });

  it.each([1e300, -1e300, 9.9e20, 10n ** 30n, -(10n ** 30n), 253_402_300_800_000_000_000n])('returns null for %s, outside years 1 to 9999', (value) => {
    expect(parseEpochNumber(value)).toBeNull();
  });

  it('reads the last second of year 9999 in nanoseconds', () => {
    expect(parseEpochNumber(253_402_300_799_000_000_000n)).toBe(253_402_300_799_000_000n);
  });

  it('returns null for NaN', () => {
    expect(parseEpochNumber(Number.NaN)).toBeNull();
  });
});

describe('formatters', () => {
  it('formats the bot SQLite text in winter', () => {
    expect(formatBotSqliteText(FIXTURE_INSTANT)).toBe('2026-12-04 14:41:06.946717-05:00');
  });

  it('formats the bot SQLite text in summer', () => {
    const instant = parseTimestampText('2025-07-01T16:00:00.000001Z') ?? 0n;
    expect(formatBotSqliteText(instant)).toBe('2025-07-01 12:00:00.000001-04:00');
  });

  it('leaves out a zero fraction', () => {
    expect(formatBotSqliteText(FIXTURE_INSTANT - 946_717n)).toBe('2026-12-04 14:41:06-05:00');
  });

  it('formats UTC text with six digits', () => {
    expect(formatUtcText(FIXTURE_INSTANT - 946_717n)).toBe('2026-12-04 19:41:06.000000+00:00');
  });

  it('formats New York wall text', () => {
    expect(formatNewYorkWallText(FIXTURE_INSTANT)).toBe('2026-12-04 14:41:06.946717');
  });

  it('formats for display', () => {
    expect(formatNewYork(FIXTURE_INSTANT)).toBe('2026-12-04 14:41:06 EST');
  });

  it('formats for display in summer', () => {
    const instant = parseTimestampText('2025-07-01T16:00:00.9Z') ?? 0n;
    expect(formatNewYork(instant)).toBe('2025-07-01 12:00:00 EDT');
  });

  it('formats instants before 1970', () => {
    const instant = parseTimestampText('1969-12-31 23:59:59.5+00:00') ?? 0n;
    expect(formatUtcText(instant)).toBe('1969-12-31 23:59:59.500000+00:00');
  });

  it('round-trips every hour of a DST year', () => {
    const start = parseTimestampText('2025-01-01 00:00:00.123456+00:00') ?? 0n;
    for (let hour = 0n; hour < 365n * 24n; hour += 1n) {
      const instant = start + hour * 3_600_000_000n;
      expect(parseTimestampText(formatBotSqliteText(instant))).toBe(instant);
    }
  });
});

describe('naive times near the year 1', () => {
  it('reads the first second of year 1', () => {
    expect(parseTimestampText('0001-01-01 00:00:00')).toBe(BigInt(Date.parse('0001-01-01T04:56:02Z')) * 1000n);
  });
});

describe('nowEpochMicros', () => {
  it('follows the wall clock', () => {
    const before = BigInt(Date.now()) * 1000n;
    const now = nowEpochMicros();
    const after = BigInt(Date.now()) * 1000n;

    expect(now >= before).toBe(true);
    expect(now <= after + 999n).toBe(true);
  });

  it('has microsecond digits', async () => {
    const instants: bigint[] = [];
    for (let index = 0; index < 5; index += 1) {
      instants.push(nowEpochMicros());
      await new Promise((resolve) => setTimeout(resolve, 3));
    }

    // Each instant ends in 000 only by a 1-in-1000 chance.
    expect(instants.some((instant) => instant % 1000n !== 0n)).toBe(true);
    expect(instants.every((instant, index) => index === 0 || instant > (instants[index - 1] ?? 0n))).toBe(true);
  });
});
