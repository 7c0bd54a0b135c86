import { RuntimeFailure } from '../errors.js';

/**
 * Turns SIGINT (Ctrl-C) and SIGTERM into an error that the running command
 * handles like any failure: an export removes its temporary file, a restore
 * rolls its transaction back. The command then exits 1 with one clear line.
 * A second signal ends the process at once, with the signal's default
 * action, for a step that does not notice the first one soon enough.
 */
export interface InterruptWatch {
  readonly signal: AbortSignal;
  /** Stops watching and gives the signals back their default behaviour. */
  dispose(): void;
}

const WATCHED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export function watchInterrupts(operation: string, consequence: string): InterruptWatch {
  const controller = new AbortController();

  const dispose = () => {
    for (const name of WATCHED) {
      process.off(name, onSignal);
    }
  };

  function onSignal(received: NodeJS.Signals): void {
    if (controller.signal.aborted) {
      // An open transaction rolls back when the connection drops, and a
      // temporary export file is left behind as `.NAME.RANDOM.tmp`.
      dispose();
      process.kill(process.pid, received);
      return;
    }
    controller.abort(
      new RuntimeFailure(`${operation} interrupted by ${received}: ${consequence}`, {
        hint: `run the ${operation} again when it can finish`,
      }),
    );
  }

  for (const name of WATCHED) {
    process.on(name, onSignal);
  }

  return { signal: controller.signal, dispose };
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
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
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
