import { describe, expect, it } from 'vitest';

import { formatBotSqliteTimestamp } from '../../src/demo/timestamp.js';

function micros(iso: string, extraMicros = 0): bigint {
  return BigInt(Date.parse(iso)) * 1000n + BigInt(extraMicros);
}

describe('formatBotSqliteTimestamp', () => {
  it('writes winter time with -05:00', () => {
    expect(formatBotSqliteTimestamp(micros('2026-12-04T19:41:06.946Z', 717), { withOffset: true })).toBe('2026-12-04 14:41:06.946717-05:00');
  });

  it('writes summer time with -04:00', () => {
    expect(formatBotSqliteTimestamp(micros('2025-07-01T13:30:00.5Z'), { withOffset: true })).toBe('2025-07-01 09:30:00.500000-04:00');
  });

  it('leaves out a zero fraction, as Python does', () => {
    expect(formatBotSqliteTimestamp(micros('2025-07-01T13:30:00Z'), { withOffset: true })).toBe('2025-07-01 09:30:00-04:00');
  });

  it('writes the placeholder form without an offset', () => {
    expect(formatBotSqliteTimestamp(micros('2026-12-04T19:41:06.166Z', 707), { withOffset: false })).toBe('2026-12-04 14:41:06.166707');
    expect(formatBotSqliteTimestamp(micros('2026-12-04T19:41:06Z'), { withOffset: false })).toBe('2026-12-04 14:41:06.000000');
  });
});
