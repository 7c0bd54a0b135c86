import type { Command } from 'commander';

import { InterruptedError, UsageError } from '../errors.js';
import type { Store } from '../store/types.js';
import { requireExactPath } from '../store/utf8.js';
import { untilAborted, watchCommand, type InterruptState } from './interrupt.js';
import type { Output } from './output.js';
import { withDefaultSignalsInCalls } from './sqlite-signals.js';

/** Options every command accepts, before or after the command name. */
export interface GlobalOptions {
  db?: string;
  envFile?: string;
  table: string;
  json?: boolean;
  color: boolean;
  quiet?: boolean;
  verbose?: boolean;
  lockTimeout: string;
}

export interface StoreRequest {
  createSqliteFile?: boolean;
  assumeEmptySqliteFile?: boolean;
}

export interface Context {
  readonly options: GlobalOptions;
  readonly output: Output;
  /** True when a person can answer a prompt: stdin and stderr are terminals. */
  readonly interactive: boolean;
  /**
   * Opens the store on first use and reuses it; closed by `runCommand`.
   * `createSqliteFile` lets a restore create a missing SQLite file, as the
   * bot's SQLAlchemy does; every other command requires the file to exist.
   */
  store(request?: StoreRequest): Promise<Store>;
  /** Replaces the state that the message of a SIGINT or SIGTERM reports (see interrupt.ts). */
  setInterruptState(state: InterruptState): void;
}

// What an interrupt leaves when the command says nothing more precise.
// A command that writes sets a state with `committed` once its write has
// committed, so that an interrupt after the commit never reports that
// nothing was written.
const INTERRUPT_STATES: Readonly<Record<string, InterruptState>> = {
  list: { consequence: 'nothing was changed' },
  show: { consequence: 'nothing was changed' },
  restore: { consequence: 'nothing was written' },
  purge: { consequence: 'nothing was deleted' },
  demo: { consequence: 'the demo database is complete or was not created' },
};

// How long an interrupted command may take to settle after its connection
// is closed, so that a result already on its way is reported.
const SETTLE_AFTER_INTERRUPT_MS = 250;

// How long an interrupted process may stay alive after the command has
// stopped, which is time enough to print the message.
const EXIT_AFTER_INTERRUPT_MS = 1000;

/**
 * Runs one command's action with a context, and closes the database
 * connection whatever happens. Database drivers and the output styles are
 * imported only here, on first use, so `--help` and `--version` start fast.
 *
 * A SIGINT or SIGTERM that no narrower watch takes stops waiting for the
 * action: the connection is closed (PostgreSQL rolls back an open
 * transaction), and an InterruptedError with `interruptState` (or the state
 * the action set last) is thrown.
 */
export async function runCommand(
  command: Command,
  action: (context: Context) => Promise<void>,
  interruptState: InterruptState = INTERRUPT_STATES[command.name()] ?? { consequence: 'nothing was changed' },
): Promise<void> {
  const interrupts = watchCommand(command.name(), interruptState);
  let state = interruptState;
  let opened: Promise<Store> | undefined;

  try {
    const options = command.optsWithGlobals<GlobalOptions>();
    // Imported here, like the drivers, so that `--help` does not load chalk.
    const { createOutput } = await import('./output.js');
    const output = createOutput(options);

    const context: Context = {
      options,
      output,
      interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
      store(request = {}) {
        opened ??= openConfiguredStore(options, output, request);
        return opened;
      },
      setInterruptState: (next) => {
        state = next;
        interrupts.setState(next);
      },
    };

    interrupts.signal.throwIfAborted();
    const running = action(context);
    try {
      await untilAborted(running, interrupts.signal);
    } catch (error) {
      if (!interrupts.signal.aborted) {
        throw error;
      }
      const finished = await stopInterrupted(running, opened);
      if (finished && state.committed === true) {
        // The write committed and the report is out: the signal came too late to stop anything.
        return;
      }
      throw interrupts.error();
    }
  } catch (error) {
    if (error instanceof InterruptedError) {
      exitSoon(error);
    }
    throw error;
  } finally {
    // From here a signal has its default action: closing takes little time.
    interrupts.dispose();
    if (opened !== undefined) {
      await opened.then((store) => store.close(), () => undefined);
    }
  }
}

/**
 * Ends the process shortly after an interrupted command stopped, if nothing
 * else has ended it by then. A step that stopped can leave a query waiting
 * on the server, such as an export's cursor, which runs on a connection of
 * its own and waits for a table lock. That connection would keep the
 * process alive until the server answers.
 */
function exitSoon(error: InterruptedError): void {
  process.exitCode = error.exitCode;
  setTimeout(() => process.exit(), EXIT_AFTER_INTERRUPT_MS).unref();
}

/**
 * Closes the connection under an interrupted action, which makes its
 * pending queries fail, then gives the action a short time to settle. Input
 * from stdin (a prompt, `set KEY -`) is closed too, so that the process can
 * exit while the action still waits for it. Returns true when the action
 * completed without an error in that time.
 */
async function stopInterrupted(running: Promise<void>, opened: Promise<Store> | undefined): Promise<boolean> {
  const { setTimeout: sleep } = await import('node:timers/promises');

  let finished = false;
  const settled = running.then(
    () => {
      finished = true;
    },
    () => undefined,
  );
  if (opened !== undefined) {
    await opened.then((store) => store.close(), () => undefined);
  }
  await Promise.race([settled, sleep(SETTLE_AFTER_INTERRUPT_MS)]);

  if (process.stdin.isTTY && process.stdin.isRaw) {
    process.stdin.setRawMode(false);
  }
  process.stdin.destroy();
  return finished;
}

// PostgreSQL's lock_timeout takes at most 2^31 - 1 milliseconds (about 24 days).
const MAX_LOCK_TIMEOUT_MS = 2_147_483_647;

export function lockTimeoutMs(options: GlobalOptions): number {
  const text = options.lockTimeout.trim();
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value > MAX_LOCK_TIMEOUT_MS) {
    throw new UsageError(`--lock-timeout must be a whole number of milliseconds up to ${MAX_LOCK_TIMEOUT_MS}, got "${options.lockTimeout}"`, {
      hint: 'for example --lock-timeout 10000',
    });
  }
  return value;
}

async function openConfiguredStore(options: GlobalOptions, output: Output, request: StoreRequest): Promise<Store> {
  const { resolveDatabaseUrl } = await import('../store/env.js');
  const { openStore } = await import('../store/index.js');

  if (options.envFile !== undefined) {
    requireExactPath(options.envFile, '--env-file');
  }
  const resolved = resolveDatabaseUrl({ db: options.db, envFile: options.envFile, cwd: process.cwd(), env: process.env });
  for (const warning of resolved.warnings) {
    output.warn(warning);
  }
  for (const note of resolved.notes) {
    output.debug(note);
  }

  const opened = await openStore({
    url: resolved.url,
    table: options.table,
    lockTimeoutMs: lockTimeoutMs(options),
    createSqliteFile: request.createSqliteFile === true,
    assumeEmptySqliteFile: request.assumeEmptySqliteFile === true,
    onWarning: (message) => output.warn(message),
  });
  const store = opened.dialect === 'sqlite' ? withDefaultSignalsInCalls(opened) : opened;

  try {
    await warnAboutTable(store, output);
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}

/**
 * Prints the table's warnings (such as a jsonb variables column, which the
 * bot cannot load from) once per command, before the command reads or writes.
 */
async function warnAboutTable(store: Store, output: Output): Promise<void> {
  const info = await store.describeTable();
  for (const warning of info?.warnings ?? []) {
    output.warn(warning);
  }
}
