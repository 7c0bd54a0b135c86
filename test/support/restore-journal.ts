import { statSync } from 'node:fs';

/**
 * Time a rollback journal must stay to belong to the restore's own transaction.
 * The write check before it opens and rolls back a transaction in one
 * synchronous step, while the tests' restores write tens of megabytes.
 */
const LASTING_MS = 50;

export interface JournalWait {
  /** Ends the wait early, as when the restore already exited. */
  readonly stopWhen?: () => boolean;
  readonly timeoutMs?: number;
}

/**
 * Waits until the rollback journal of the SQLite file `databaseFile` contains
 * bytes for LASTING_MS, so a signal sent next reaches the restore's own transaction.
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
      throw new Error(`timed out: no journal beside ${databaseFile} stayed ${LASTING_MS} ms, so the restore never started writing`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
