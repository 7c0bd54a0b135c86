import type { Command } from 'commander';

import { UsageError } from '../errors.js';
import type { Store } from '../store/types.js';
import type { Output } from './output.js';

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
}

/**
 * Runs one command's action with a context, and closes the database
 * connection whatever happens. Database drivers and the output styles are
 * imported only here, on first use, so `--help` and `--version` start fast.
 */
export async function runCommand(command: Command, action: (context: Context) => Promise<void>): Promise<void> {
  const options = command.optsWithGlobals<GlobalOptions>();
  // Imported here, like the drivers, so that `--help` does not load chalk.
  const { createOutput } = await import('./output.js');
  const output = createOutput(options);
  let opened: Promise<Store> | undefined;

  const context: Context = {
    options,
    output,
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    store(request = {}) {
      opened ??= openConfiguredStore(options, output, request);
      return opened;
    },
  };

  try {
    await action(context);
  } finally {
    if (opened !== undefined) {
      await opened.then((store) => store.close(), () => undefined);
    }
  }
}

export function lockTimeoutMs(options: GlobalOptions): number {
  const value = Number(options.lockTimeout);
  if (!Number.isInteger(value) || value < 0) {
    throw new UsageError(`--lock-timeout must be a whole number of milliseconds, got "${options.lockTimeout}"`, {
      hint: 'for example --lock-timeout 10000',
    });
  }
  return value;
}

async function openConfiguredStore(options: GlobalOptions, output: Output, request: StoreRequest): Promise<Store> {
  const { resolveDatabaseUrl } = await import('../store/env.js');
  const { openStore } = await import('../store/index.js');

  const resolved = resolveDatabaseUrl({ db: options.db, envFile: options.envFile, cwd: process.cwd(), env: process.env });
  for (const warning of resolved.warnings) {
    output.warn(warning);
  }

  const store = await openStore({
    url: resolved.url,
    table: options.table,
    lockTimeoutMs: lockTimeoutMs(options),
    createSqliteFile: request.createSqliteFile === true,
    onWarning: (message) => output.warn(message),
  });

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
