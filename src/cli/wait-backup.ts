import { setTimeout as sleep } from 'node:timers/promises';

import { ConflictError, RuntimeFailure } from '../errors.js';
import type { Store, Timestamp } from '../store/types.js';
import { printable, quote, truncate } from './render/text.js';
import type { SetOutcome } from './set-variable.js';
import { parseStrategyRows } from './show-strategy.js';
import { formatSpan } from './time.js';

/**
 * `set --wait-backup`: after a write, poll the strategy until the bot's next
 * backup replaces the row, then check whether the written value survived.
 *
 * A running bot loads before each iteration and backs up after it. A write
 * that lands between its load and its backup is overwritten by that backup
 * when the iteration changed the bot's state, because the bot writes its
 * whole in-memory dict, which still has the old value.
 */

export interface WaitRequest {
  readonly strategyId: string;
  readonly key: string;
  /** The fragment that was written, or null when the key was deleted. */
  readonly writtenText: string | null;
  /** The row as the write left it. */
  readonly written: { readonly lastUpdated: Timestamp | null; readonly variables: string };
  readonly timeoutMs: number;
  readonly pollMs: number;
}

export type WaitOutcome =
  /** A backup happened and kept the written value (or kept the key deleted). */
  | { readonly status: 'survived'; readonly lastUpdated: Timestamp | null }
  /** A backup happened and wrote another value; `foundText` is null when the key is gone. */
  | { readonly status: 'overwritten'; readonly lastUpdated: Timestamp | null; readonly foundText: string | null }
  /** Every row of the strategy was deleted while waiting. */
  | { readonly status: 'removed' }
  | { readonly status: 'timeout' };

export async function waitForBackup(store: Store, request: WaitRequest): Promise<WaitOutcome> {
  const { serializeValue } = await import('../vars/index.js');
  const deadline = Date.now() + request.timeoutMs;

  while (Date.now() < deadline) {
    await sleep(Math.min(request.pollMs, Math.max(0, deadline - Date.now())));

    const strategy = await store.readStrategy(request.strategyId);
    if (strategy === null) {
      return { status: 'removed' };
    }

    const loaded = strategy.rows[strategy.loadedIndex];
    // NOTE: any change counts as the bot's backup. Another tool's write in
    // between (another varsctl set) keeps the value, so it reads as survived
    // although the bot has not backed up yet.
    if (loaded === undefined || !rowChanged(loaded, request.written)) {
      continue;
    }

    const { vars } = await parseStrategyRows(strategy);
    const found = vars.get(request.key);
    const foundText = found === undefined ? null : serializeValue(found);
    const lastUpdated = loaded.lastUpdated;

    if (foundText === request.writtenText) {
      return { status: 'survived', lastUpdated };
    }
    return { status: 'overwritten', lastUpdated, foundText };
  }

  return { status: 'timeout' };
}

function rowChanged(row: { lastUpdated: Timestamp | null; variables: string | null }, written: WaitRequest['written']): boolean {
  return row.variables !== written.variables || !sameInstant(row.lastUpdated, written.lastUpdated);
}

function sameInstant(a: Timestamp | null, b: Timestamp | null): boolean {
  if (a === null || b === null) {
    return a === b;
  }
  if (a.epochMicros !== null && b.epochMicros !== null) {
    return a.epochMicros === b.epochMicros;
  }
  return a.text === b.text;
}

/**
 * Throws for every outcome but `survived`: ConflictError (exit 4) when the
 * bot wrote another value or the rows vanished, RuntimeFailure (exit 1) on
 * timeout. The write itself has happened in every case.
 */
export async function checkWaitOutcome(outcome: SetOutcome, waited: WaitOutcome, timeoutMs: number): Promise<void> {
  const { backupTime, shortValue } = await import('./render/set.js');
  const target = `${printable(outcome.strategyId)}.${printable(outcome.key)}`;

  switch (waited.status) {
    case 'survived':
      return;

    case 'overwritten': {
      const found = waited.foundText === null ? 'removed it' : `wrote ${target} = ${printable(truncate(waited.foundText, 60))}`;
      if (outcome.newValue === null) {
        throw new ConflictError(`the bot's backup${backupTime(waited.lastUpdated)} ${found} again after the delete`, {
          hint: 'a running bot keeps a deleted key in memory and writes it back; stop the bot, delete the key, then start it',
        });
      }
      throw new ConflictError(
        `the bot's backup${backupTime(waited.lastUpdated)} ${found} over ${shortValue(outcome.newValue)}: ` +
          'it had loaded its variables before the set landed',
        { hint: 'run the set again; it takes effect when it lands before the bot loads, or stop the bot first' },
      );
    }

    case 'removed':
      throw new ConflictError(`every row of strategy ${quote(outcome.strategyId)} was deleted while waiting for the bot's backup`, {
        hint: 'run varsctl list to see what is left',
      });

    case 'timeout':
      throw new RuntimeFailure(
        `no backup of strategy ${quote(outcome.strategyId)} within ${formatSpan(timeoutMs / 1000)}; the value is still as written`,
        {
          hint: 'the bot backs up only after an iteration that changes its variables; check that it runs, or wait longer, e.g. --wait-backup 30m',
        },
      );
  }
}
