import { setImmediate as nextTurn } from 'node:timers/promises';

import { InterruptedError } from '../errors.js';

/**
 * SIGINT (Ctrl-C) and SIGTERM handling for every command. The first signal
 * becomes an InterruptedError: the command stops, prints one line saying
 * what was interrupted and what it left, closes its database connection and
 * exits 130 for SIGINT or 143 for SIGTERM. A second signal ends the process
 * at once with the signal's default action, for a step that does not stop
 * soon enough after the first one.
 *
 * `runCommand` watches the whole command (`watchCommand`). A step that has
 * something to clean up, such as an export's temporary file or a restore's
 * transaction, adds a narrower watch (`watchInterrupts`) and stops by itself
 * when its AbortSignal aborts. The innermost watch gets the signal.
 */

export type InterruptSignal = 'SIGINT' | 'SIGTERM';

const WATCHED: readonly InterruptSignal[] = ['SIGINT', 'SIGTERM'];

/** The parts of an interrupt message: `OPERATION interrupted by SIGINT DURING: CONSEQUENCE`. */
export interface InterruptState {
  /** The step under way, such as "while waiting for the bot's next backup". */
  readonly during?: string;
  /** The state the interrupt leaves, such as "no file was written". */
  readonly consequence: string;
  /**
   * True once the command's write has committed. `runCommand` then lets an
   * interrupted command finish its report and exit 0 if it does so in time.
   */
  readonly committed?: boolean;
}

interface Watch {
  readonly operation: string;
  state: InterruptState;
  readonly controller: AbortController;
  /** True when the watching code cleans up by itself once its signal aborts. */
  readonly cleansUp: boolean;
}

const watches: Watch[] = [];
let listening = false;
let received: InterruptSignal | undefined;

export interface InterruptWatch {
  readonly signal: AbortSignal;
  /** Stops watching; the signals get their default action back when no watch is left. */
  dispose(): void;
}

/**
 * Watches a step that cleans up by itself: when `signal` aborts, the step
 * stops and throws `signal.reason`, an InterruptedError whose message ends
 * with `consequence`.
 */
export function watchInterrupts(operation: string, consequence: string): InterruptWatch {
  const watch = addWatch({ operation, state: { consequence }, controller: new AbortController(), cleansUp: true });
  return { signal: watch.controller.signal, dispose: () => removeWatch(watch) };
}

export interface CommandInterrupts extends InterruptWatch {
  /** Replaces the state in the message, as the command moves on to another step. */
  setState(state: InterruptState): void;
  /** The error for the received signal, with the state as it is now. */
  error(): InterruptedError;
}

/**
 * Watches a whole command. Its signal aborts only when no narrower watch is
 * active; `runCommand` then stops waiting for the command, closes the
 * database connection and throws `error()`.
 */
export function watchCommand(operation: string, state: InterruptState): CommandInterrupts {
  const watch = addWatch({ operation, state, controller: new AbortController(), cleansUp: false });
  return {
    signal: watch.controller.signal,
    dispose: () => removeWatch(watch),
    setState: (next) => {
      watch.state = next;
    },
    error: () => interruptedError(watch, received ?? 'SIGINT'),
  };
}

/**
 * Starts `call`, whose database work runs synchronously before it returns
 * its promise (better-sqlite3), with the default action for both signals.
 * JavaScript cannot run a signal handler while such a call blocks, and a
 * wait for a locked SQLite file can block for the whole --lock-timeout. A
 * signal then ends the process at once: the shell still sees 130 or 143,
 * and SQLite rolls back an open transaction from its journal. No message is
 * printed in that case.
 *
 * While a watch that cleans up is active, `call` keeps the handlers, so
 * that its temporary file or transaction is cleaned up after the call.
 */
export async function withDefaultSignalAction<T>(call: () => Promise<T>): Promise<T> {
  if (!listening || watches.some((watch) => watch.cleansUp)) {
    return call();
  }

  // A signal that arrived during synchronous work is still queued in the
  // event loop, and removing the listeners would drop it. Two turns are
  // needed: the first may run before the loop polls for signals again.
  await nextTurn();
  await nextTurn();
  const aborted = watches.find((watch) => watch.controller.signal.aborted);
  if (aborted !== undefined) {
    throw aborted.controller.signal.reason;
  }
  if (!listening || watches.some((watch) => watch.cleansUp)) {
    return call();
  }

  stopListening();
  try {
    return call();
  } finally {
    startListening();
  }
}

function addWatch(watch: Watch): Watch {
  watches.push(watch);
  startListening();
  return watch;
}

function removeWatch(watch: Watch): void {
  const index = watches.indexOf(watch);
  if (index >= 0) {
    watches.splice(index, 1);
  }
  if (watches.length === 0) {
    stopListening();
    received = undefined;
  }
}

function onSignal(signal: NodeJS.Signals): void {
  const innermost = watches.at(-1);
  if (received !== undefined || innermost === undefined) {
    // An open transaction rolls back when the connection drops, and a
    // temporary export file is left behind as `.NAME.RANDOM.tmp`.
    stopListening();
    process.kill(process.pid, signal);
    return;
  }

  received = signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
  innermost.controller.abort(interruptedError(innermost, received));
}

function interruptedError(watch: Watch, signal: InterruptSignal): InterruptedError {
  const during = watch.state.during === undefined ? '' : ` ${watch.state.during}`;
  return new InterruptedError(`${watch.operation} interrupted by ${signal}${during}: ${watch.state.consequence}`, signal);
}

function startListening(): void {
  if (listening || watches.length === 0) {
    return;
  }
  for (const name of WATCHED) {
    process.on(name, onSignal);
  }
  listening = true;
}

function stopListening(): void {
  for (const name of WATCHED) {
    process.off(name, onSignal);
  }
  listening = false;
}

/**
 * Yields from `source` until `signal` aborts, then throws its reason, even
 * while waiting for a slow next item. Closes `source` either way.
 */
export async function* abortable<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();

  let finished = false;
  try {
    for (;;) {
      const next = await untilAborted(iterator.next(), signal);
      if (next.done) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!finished) {
      // The iterator may be waiting on the database; its own finally runs when that wait ends.
      void Promise.resolve(iterator.return?.()).catch(() => undefined);
    }
  }
}

/**
 * Settles as `promise` does, or rejects with the abort reason first. The
 * abort listener lives only as long as this one wait: racing every item
 * against one long-lived promise would make that promise keep every item
 * it was raced with, which held a whole 400 MB export in memory.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }

  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
