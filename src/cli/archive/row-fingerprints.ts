import { createHash } from 'node:crypto';

import type { BackupRow, RowsCheck, Timestamp } from '../../store/types.js';
import { encodeEscaped } from '../../store/utf8.js';

/** One strategy's rows as a read saw them. */
export interface SeenStrategy {
  /** A digest of each row, sorted, so the order the database returns them in does not matter. */
  readonly digests: string[];
  readonly lastUpdated: (Timestamp | null)[];
}

/**
 * The rows of some strategies as one read saw them, each reduced to a
 * digest of its exact bytes. A destructive write compares them with the
 * rows it has locked, so a row that another writer, such as the bot,
 * changed after the read is never deleted unseen.
 */
export class RowFingerprints {
  private readonly strategies = new Map<string, SeenStrategy>();

  add(row: BackupRow): void {
    let seen = this.strategies.get(row.strategyId);
    if (seen === undefined) {
      seen = { digests: [], lastUpdated: [] };
      this.strategies.set(row.strategyId, seen);
    }
    seen.digests.push(rowDigest(row));
    seen.lastUpdated.push(row.lastUpdated);
  }

  /** Returns the rows seen of one strategy, none when the read found none. */
  get(strategyId: string): SeenStrategy {
    return this.strategies.get(strategyId) ?? { digests: [], lastUpdated: [] };
  }

  /**
   * Returns a check that compares the locked rows of `strategyIds` with
   * those seen here and throws `changed(strategyId)` for the first
   * strategy whose rows differ in number or in any byte.
   */
  check(strategyIds: readonly string[], changed: (strategyId: string) => Error): RowsCheck {
    const locked = new RowFingerprints();
    return {
      row: (row) => locked.add(row),
      end: () => {
        for (const strategyId of strategyIds) {
          if (!sameDigests(this.get(strategyId).digests, locked.get(strategyId).digests)) {
            throw changed(strategyId);
          }
        }
      },
    };
  }
}

function sameDigests(left: string[], right: string[]): boolean {
  if (left.length !== right.length) {
    return false;
  }
  const sortedLeft = [...left].sort();
  const sortedRight = [...right].sort();
  return sortedLeft.every((digest, index) => digest === sortedRight[index]);
}

/** Hashes a row's id, last_updated text and variables, each as its exact bytes behind its length. */
function rowDigest(row: BackupRow): string {
  const hash = createHash('sha256');
  for (const text of [row.id, row.lastUpdated?.text ?? null, row.variables]) {
    if (text === null) {
      hash.update('N');
      continue;
    }
    const bytes = encodeEscaped(text);
    hash.update(`T${bytes.length}:`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}
