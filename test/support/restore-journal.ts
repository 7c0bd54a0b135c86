import { statSync } from 'node:fs';

/**
 * How long a rollback journal must stay to be a restore's write transaction.
 * restore first checks that it can write, in a transaction it opens and rolls
 * back within one synchronous step, so that check's journal lives for about a
 * millisecond. The tests' restores write tens of megabytes, which keeps
 * their journal for hundreds of milliseconds.
 */
const LASTING_MS = 50;

export interface JournalWait {
  /** Ends the wait early, as when the restore already exited. */
  readonly stopWhen?: () => boolean;
  readonly timeoutMs?: number;
}

/**
 * Resolves once the rollback journal of the SQLite file `databaseFile` has
 * held bytes for LASTING_MS without a break: a signal sent then reaches the
 * restore inside its own transaction, not inside its write check.
 */
export async function waitForRestoreJournal(databaseFile: string, wait: JournalWait = {}): Promise<void> {
  const journal = `${databaseFile}-journal`;
  const deadline = Date.now() + (wait.timeoutMs ?? 60_000);
  let heldSince: number | undefined;

  while (!wait.stopWhen?.()) {
    const now = Date.now();
    // The journal can vanish between two calls, so a missing file reads as empty.
    const bytes = statSync(journal, { throwIfNoEntry: false })?.size ?? 0;
    heldSince = bytes > 0 ? (heldSince ?? now) : undefined;
    if (heldSince !== undefined && now - heldSince >= LASTING_MS) {
      return;
    }
    if (now > deadline) {
      throw new Error(`no restore journal beside ${databaseFile} stayed ${LASTING_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
