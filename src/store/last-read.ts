/**
 * The loaded row of a store's last readStrategy, kept so that a
 * compare-and-swap of that very row can skip comparing its text: when the
 * database shows no change since the read, the row still matches.
 */

import type { BackupRow, ExpectedRow } from './types.js';

export interface LastRead {
  readonly strategyId: string;
  readonly lastUpdated: string | undefined;
  readonly variables: string | null;
  /** The state the row was read in: a mark of the database's writes, or the row's tuple version. */
  readonly version: string;
}

/** Builds the record of a strategy's loaded row and the state it was read in. */
export function lastReadOf(strategyId: string, loaded: BackupRow, version: string): LastRead {
  return { strategyId, lastUpdated: loaded.lastUpdated?.text, variables: loaded.variables, version };
}

/**
 * Returns the version the expected row was read in, when it is the loaded
 * row of `read`; undefined for any other row.
 */
export function versionOfRead(read: LastRead | undefined, strategyId: string, expected: ExpectedRow): string | undefined {
  const isRead =
    read !== undefined &&
    read.strategyId === strategyId &&
    read.lastUpdated === expected.lastUpdated?.text &&
    read.variables === expected.variables;
  return isRead ? read.version : undefined;
}
