import { RuntimeFailure } from '../errors.js';

/**
 * Turns SIGINT (Ctrl-C) and SIGTERM into an error that the running command
 * handles like any failure: an export removes its temporary file, a restore
 * rolls its transaction back. The command then exits 1 with one clear line.
 */
export interface InterruptWatch {
  readonly signal: AbortSignal;
  /** Stops watching and gives the signals back their default behaviour. */
  dispose(): void;
}

const WATCHED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export function watchInterrupts(operation: string, consequence: string): InterruptWatch {
  const controller = new AbortController();

  const onSignal = (received: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      return;
    }
    controller.abort(
      new RuntimeFailure(`${operation} interrupted by ${received}: ${consequence}`, {
        hint: `run the ${operation} again when it can finish`,
      }),
    );
  };

  for (const name of WATCHED) {
    process.on(name, onSignal);
  }

  return {
    signal: controller.signal,
    dispose() {
      for (const name of WATCHED) {
        process.off(name, onSignal);
      }
    },
  };
}

/**
 * Yields from `source` until `signal` aborts, then throws its reason, even
 * while waiting for a slow next item. Closes `source` either way.
 */
export async function* abortable<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const aborted = new Promise<never>((_, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) {
      onAbort();
    } else {
      signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  aborted.catch(() => undefined);

  let finished = false;
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted]);
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
