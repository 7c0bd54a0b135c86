import { ConflictError } from '../errors.js';
import type { Timestamp } from '../store/types.js';
import { formatAge, formatSpan, millisFromMicros } from './time.js';

/**
 * The "looks live" check before a write: a strategy whose last backup is
 * recent probably has a bot running, which reloads the row before each
 * iteration and writes its own state back after it.
 */

export const DEFAULT_LIVE_WINDOW = '5m';

export interface LiveStatus {
  readonly live: boolean;
  /** Milliseconds since the last backup; negative for a time stamp in the future; null when unknown. */
  readonly ageMs: number | null;
}

/**
 * Decides whether a strategy looks live: its last backup is less than
 * `windowMs` old, or lies in the future (clock skew or a hand-written time
 * stamp, which allow no safe conclusion). A window of 0 turns the check off.
 */
export function liveStatus(lastUpdated: Timestamp | null, windowMs: number, nowMs: number): LiveStatus {
  const epochMicros = lastUpdated?.epochMicros ?? null;

  // NOTE: a row whose last_updated is NULL or not a readable time never looks
  // live, because nothing shows when the bot last wrote it.
  if (epochMicros === null) {
    return { live: false, ageMs: null };
  }

  const ageMs = nowMs - millisFromMicros(epochMicros);
  return { live: windowMs > 0 && ageMs < windowMs, ageMs };
}

/**
 * Builds the error for a write to a strategy that looks live. `consequence`
 * describes what the running bot will do with this particular write.
 */
export function liveStrategyError(strategyId: string, status: LiveStatus, windowMs: number, consequence: string): ConflictError {
  const age = status.ageMs === null ? 'at an unknown time' : formatAge(status.ageMs / 1000);
  const message =
    `strategy '${strategyId}' looks live: its last backup was ${age}, ` +
    `within the live window of ${formatSpan(windowMs / 1000)}`;

  return new ConflictError(message, {
    hint:
      `${consequence} Stop the bot first, or add --force to write anyway. ` +
      'A write by varsctl updates last_updated too; --live-window sets the window.',
  });
}
