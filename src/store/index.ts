import { UsageError } from '../errors.js';
import { parseTableName, resolvePostgresName } from './identifiers.js';
import { anchorClock } from './timestamp.js';
import type { Store } from './types.js';
import { parseDatabaseUrl } from './url.js';

export type * from './types.js';
export { maskUrl } from './url.js';
export { encodeEscaped, invalidUtf8Offset } from './utf8.js';

export interface OpenStoreOptions {
  url: string;
  /** `vars_backup` or `schema.table`. */
  table: string;
  /** Bounded wait for a locked SQLite file or a busy PostgreSQL lock. */
  lockTimeoutMs: number;
  onWarning?: (message: string) => void;
  /** Directory a relative SQLite path is resolved against; the process's by default. */
  cwd?: string;
  /** Environment for libpq's PG* defaults; the process's by default. */
  env?: NodeJS.ProcessEnv;
  /**
   * Create a missing SQLite file (mode 0600; its folder must exist), as the
   * bot's first backup would, and remove it on close if nothing was written.
   * Only restore passes this; every other command needs the file.
   */
  createSqliteFile?: boolean;
  /**
   * Whether a missing SQLite file is read as an empty database, without
   * creating it, so that `restore --dry-run` plans against what the real
   * restore would find.
   */
  assumeEmptySqliteFile?: boolean;
}

/**
 * Opens the backup table behind a database URL. The URL and table name are
 * checked before any connection. A missing SQLite file is an error and is
 * never created unless `createSqliteFile` is set. PostgreSQL connects here,
 * so a wrong URL fails at once.
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  if (!Number.isInteger(options.lockTimeoutMs) || options.lockTimeoutMs < 0) {
    throw new UsageError(`the lock timeout must be a whole number of milliseconds, got ${options.lockTimeoutMs}`, {
      hint: 'for example --lock-timeout 5000',
    });
  }

  anchorClock();
  const table = parseTableName(options.table);
  const target = parseDatabaseUrl(options.url, { cwd: options.cwd ?? process.cwd(), env: options.env ?? process.env });
  for (const warning of target.warnings) {
    options.onWarning?.(warning);
  }

  // Each adapter, with its driver, is imported only for its own dialect:
  // loading pg costs an SQLite command tens of milliseconds, and the reverse.
  if (target.dialect === 'sqlite') {
    const { SqliteStore } = await import('./sqlite/store.js');
    return SqliteStore.open({
      target,
      table,
      lockTimeoutMs: options.lockTimeoutMs,
      createFile: options.createSqliteFile === true,
      assumeEmpty: options.assumeEmptySqliteFile === true,
    });
  }
  const resolved = resolvePostgresName(table);
  if (resolved.warning !== undefined) {
    options.onWarning?.(resolved.warning);
  }
  const { PostgresStore } = await import('./postgres/store.js');
  return PostgresStore.open({ target, table: resolved.table, lockTimeoutMs: options.lockTimeoutMs });
}
