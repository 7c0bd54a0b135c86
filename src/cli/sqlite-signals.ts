import type { Store } from '../store/types.js';
import { withDefaultSignalAction } from './interrupt.js';

// Methods of the SQLite store that do all their database work before they
// return a promise, because better-sqlite3 calls are synchronous. streamRows
// and replaceStrategies are left out: their callers run them under a watch
// that cleans up, which keeps the signal handlers anyway.
const SYNCHRONOUS_SQLITE_CALLS: ReadonlySet<string | symbol> = new Set([
  'describeTable',
  'listSummaries',
  'listStrategyIds',
  'readStrategy',
  'compareAndSwap',
  'insertStrategy',
  'deleteStrategies',
]);

/**
 * Wraps an SQLite store so that a signal during one of its blocking calls
 * (such as a wait for a locked file) ends the process at once instead of
 * after the call (see withDefaultSignalAction).
 */
export function withDefaultSignalsInCalls(store: Store): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') {
        return value;
      }

      const method = value as (...args: unknown[]) => unknown;
      if (!SYNCHRONOUS_SQLITE_CALLS.has(property)) {
        return method.bind(target);
      }
      return (...args: unknown[]) => withDefaultSignalAction(async () => method.apply(target, args));
    },
  });
}
