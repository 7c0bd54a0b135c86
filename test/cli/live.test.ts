import { describe, expect, it } from 'vitest';

import { liveStatus, liveStrategyError } from '../../src/cli/live.js';

const NOW_MS = Date.parse('2026-12-04T19:45:00Z');

function stamp(ageMs: number) {
  return { text: 'stored text', epochMicros: BigInt(NOW_MS - ageMs) * 1000n };
}

describe('liveStatus', () => {
  const window = 5 * 60_000;

  it('is live inside the window', () => {
    expect(liveStatus(stamp(42_000), window, NOW_MS)).toEqual({ live: true, ageMs: 42_000 });
  });

  it('is not live at the window edge', () => {
    expect(liveStatus(stamp(window), window, NOW_MS).live).toBe(false);
  });

  it('is live for a time stamp in the future', () => {
    expect(liveStatus(stamp(-60_000), window, NOW_MS)).toEqual({ live: true, ageMs: -60_000 });
  });

  it('is never live with a window of 0', () => {
    expect(liveStatus(stamp(1_000), 0, NOW_MS).live).toBe(false);
  });

  it('is not live when last_updated is NULL or unreadable', () => {
    expect(liveStatus(null, window, NOW_MS)).toEqual({ live: false, ageMs: null });
    expect(liveStatus({ text: 'garbage', epochMicros: null }, window, NOW_MS)).toEqual({ live: false, ageMs: null });
  });
});

describe('liveStrategyError', () => {
  it('names the strategy, the age and the window', () => {
    const error = liveStrategyError('MomentumBot', { live: true, ageMs: 42_000 }, 300_000, 'The bot reloads first.');

    expect(error.exitCode).toBe(4);
    expect(error.message).toBe("strategy 'MomentumBot' looks live: its last backup was 42 s ago, within the live window of 5 min");
    expect(error.hint).toContain('The bot reloads first.');
    expect(error.hint).toContain('--force');
  });
});
