import { PLACEHOLDER } from '../../archive/index.js';
import { isPlaceholderRow } from '../../store/placeholder.js';
import type { Store, Timestamp } from '../../store/types.js';
import { liveStatus, type LiveStatus } from '../live.js';
import { millisFromMicros } from '../time.js';
import { strategyNotFound } from '../strategy.js';

export type PurgeReason = 'named' | 'older-than' | 'placeholder';

/** A strategy that purge would delete, with why. */
export interface PurgeCandidate {
  readonly strategyId: string;
  readonly rows: number;
  /** The newest `last_updated` among its rows; null when none is a readable time. */
  readonly lastUpdated: Timestamp | null;
  readonly live: LiveStatus;
  readonly reasons: readonly PurgeReason[];
}

export interface PurgeSelectors {
  readonly strategyIds: readonly string[];
  /** Select strategies whose newest backup is older than this many milliseconds. */
  readonly olderThanMs: number | undefined;
  readonly placeholder: boolean;
}

export interface PurgeSelection {
  /** In the order named, then by age (oldest first), then the placeholder. */
  readonly candidates: readonly PurgeCandidate[];
  /** Strategies --older-than skipped because none of their rows has a readable last_updated. */
  readonly unknownAge: readonly string[];
}

export interface SelectOptions {
  readonly nowMs: number;
  readonly liveWindowMs: number;
}

/**
 * Finds what purge would delete: the union of the named strategies (each
 * must exist), those whose newest backup is older than the given age, and
 * the placeholder row. --older-than never selects the placeholder, which
 * only --placeholder (or its name) deletes.
 */
export async function selectForPurge(store: Store, selectors: PurgeSelectors, options: SelectOptions): Promise<PurgeSelection> {
  const selected = new Map<string, { rows: number; newest: Timestamp | null; reasons: PurgeReason[] }>();
  const select = (strategyId: string, rows: number, newest: Timestamp | null, reason: PurgeReason) => {
    const previous = selected.get(strategyId);
    if (previous === undefined) {
      selected.set(strategyId, { rows, newest, reasons: [reason] });
    } else if (!previous.reasons.includes(reason)) {
      previous.reasons.push(reason);
    }
  };

  for (const strategyId of selectors.strategyIds) {
    const found = await store.readStrategy(strategyId);
    if (found === null) {
      throw await strategyNotFound(store, strategyId);
    }
    select(strategyId, found.rows.length, newestOf(found.rows.map((row) => row.lastUpdated)), 'named');
  }

  const unknownAge: string[] = [];
  if (selectors.olderThanMs !== undefined) {
    const cutoffMs = options.nowMs - selectors.olderThanMs;
    const ages = await newestBackups(store);
    const old = [...ages.entries()].filter(([strategyId]) => strategyId !== PLACEHOLDER);

    old.sort(([, left], [, right]) => compareMicros(left.newest?.epochMicros ?? null, right.newest?.epochMicros ?? null));
    for (const [strategyId, age] of old) {
      const epochMicros = age.newest?.epochMicros ?? null;
      if (epochMicros === null) {
        unknownAge.push(strategyId);
      } else if (millisFromMicros(epochMicros) < cutoffMs) {
        select(strategyId, age.rows, age.newest, 'older-than');
      }
    }
  }

  // A bot that names its strategy INITIAL VALUE writes real states under
  // the placeholder's name. Such rows make that name a strategy like any
  // other, with the live check, whatever selected it.
  let onlyPlaceholderRows = true;
  if (selectors.placeholder || selected.has(PLACEHOLDER)) {
    const found = await store.readStrategy(PLACEHOLDER);
    if (found !== null) {
      onlyPlaceholderRows = found.rows.every((row) => isPlaceholderRow(row.strategyId, row.variables));
      if (selectors.placeholder) {
        select(PLACEHOLDER, found.rows.length, newestOf(found.rows.map((row) => row.lastUpdated)), 'placeholder');
      }
    }
  }

  const candidates = [...selected.entries()].map(([strategyId, entry]) => ({
    strategyId,
    rows: entry.rows,
    lastUpdated: entry.newest,
    // The placeholder row is never loaded by a bot, so it never looks live.
    live:
      strategyId === PLACEHOLDER && onlyPlaceholderRows
        ? { live: false, ageMs: null }
        : liveStatus(entry.newest, options.liveWindowMs, options.nowMs),
    reasons: entry.reasons,
  }));
  return { candidates, unknownAge };
}

/**
 * Streams every row once and keeps, per strategy, its row count and newest
 * `last_updated`: memory grows with the number of strategies, not with the
 * size of their texts.
 */
async function newestBackups(store: Store): Promise<Map<string, { rows: number; newest: Timestamp | null }>> {
  const ages = new Map<string, { rows: number; newest: Timestamp | null }>();

  for await (const row of store.streamRows()) {
    const previous = ages.get(row.strategyId);
    if (previous === undefined) {
      ages.set(row.strategyId, { rows: 1, newest: readable(row.lastUpdated) });
    } else {
      previous.rows += 1;
      previous.newest = newestOf([previous.newest, row.lastUpdated]);
    }
  }
  return ages;
}

/** Returns the newest of the time stamps that denote an instant, or null when none does. */
export function newestOf(stamps: readonly (Timestamp | null)[]): Timestamp | null {
  let newest: Timestamp | null = null;
  for (const stamp of stamps) {
    const candidate = readable(stamp);
    if (candidate !== null && (newest === null || compareMicros(candidate.epochMicros, newest.epochMicros) > 0)) {
      newest = candidate;
    }
  }
  return newest;
}

/** Returns the time stamp when it denotes an instant, else null. */
function readable(stamp: Timestamp | null): Timestamp | null {
  return stamp !== null && stamp.epochMicros !== null ? stamp : null;
}

/** Orders instants, unknown ones last. */
function compareMicros(left: bigint | null, right: bigint | null): number {
  if (left === null && right === null) {
    return 0;
  }
  if (left === null) {
    return 1;
  }
  if (right === null) {
    return -1;
  }
  if (left < right) {
    return -1;
  }
  return left > right ? 1 : 0;
}
