import { NotFoundError, RuntimeFailure, UsageError, isVarsctlError } from '../../errors.js';
import { formatWait } from '../wait.js';

export interface SqliteErrorContext {
  /** Action that failed, as a verb phrase: "list strategies". */
  readonly action: string;
  readonly displayUrl: string;
  readonly lockTimeoutMs: number;
}

// Primary result codes with a plain-words message below. better-sqlite3
// reports extended codes, such as SQLITE_READONLY_DIRECTORY, whose prefix
// is the primary code (https://www.sqlite.org/rescode.html).
const PRIMARY_CODES = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_FULL', 'SQLITE_IOERR'];

/** Turns a better-sqlite3 error into a varsctl error; varsctl errors pass through. */
export function sqliteError(error: unknown, context: SqliteErrorContext): Error {
  if (isVarsctlError(error)) {
    return error;
  }

  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code !== 'string') {
    return new RuntimeFailure(`could not ${context.action} in ${context.displayUrl}: ${message}`, {
      hint: 'run again with --verbose for details',
      cause: error,
    });
  }

  const primary = PRIMARY_CODES.find((candidate) => code === candidate || code.startsWith(`${candidate}_`));
  const failed = `could not ${context.action}`;
  const withCode = (words: string) => `${words} (SQLite error ${code})`;

  switch (primary) {
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new RuntimeFailure(`${failed}: database is locked by another process (waited ${formatWait(context.lockTimeoutMs)})`, {
        // The message already says what failed in words, so the hint leaves out the code.
        hint: 'retry when the bot is not writing, or wait longer with --lock-timeout (milliseconds)',
        cause: error,
      });
    case 'SQLITE_READONLY':
      return readOnlyError(code, failed, context.displayUrl, error);
    case 'SQLITE_CANTOPEN':
      return new NotFoundError(`${failed}: cannot open ${context.displayUrl}`, {
        hint: withCode(
          code === 'SQLITE_CANTOPEN_ISDIR'
            ? 'the path in the URL is a folder; it must be the database file the bot writes'
            : 'check that the file exists and that the current user may read its folder',
        ),
        cause: error,
      });
    case 'SQLITE_NOTADB':
      return new RuntimeFailure(`${failed}: ${context.displayUrl} is not an SQLite database`, {
        hint: withCode('check the path in the URL; it must be the file the bot writes'),
        cause: error,
      });
    case 'SQLITE_CORRUPT':
      return new RuntimeFailure(`${failed}: the SQLite file ${context.displayUrl} is damaged: ${message}`, {
        hint: withCode("stop the bot, copy the file and check the copy with sqlite3 FILE 'PRAGMA integrity_check'; restore from an export if it is broken"),
        cause: error,
      });
    case 'SQLITE_FULL':
      return new RuntimeFailure(`${failed}: the disk that holds ${context.displayUrl} is full`, {
        hint: withCode('free space on that file system, then retry; nothing was written'),
        cause: error,
      });
    case 'SQLITE_IOERR':
      return new RuntimeFailure(`${failed}: the operating system reported an I/O error on ${context.displayUrl}`, {
        hint: withCode('check the disk and the file system (for example dmesg), then retry'),
        cause: error,
      });
    default:
      break;
  }

  if (code === 'SQLITE_ERROR' && /^no such table/.test(message)) {
    return new NotFoundError(`${failed}: ${message} in ${context.displayUrl}`, {
      hint: 'check --table and the database URL',
      cause: error,
    });
  }
  if (code === 'SQLITE_ERROR' && /^unknown database /.test(message)) {
    // `--table schema.table` makes SQLite look for an attached database of that name.
    return new UsageError(`${failed} in ${context.displayUrl}: ${message}`, {
      hint: withCode('--table names a schema, but SQLite has no schemas here: give a plain table name, such as --table vars_backup'),
      cause: error,
    });
  }

  if (code === 'SQLITE_ERROR' && /^(?:index|table|view|trigger) .* already exists$|^there is already an? /.test(message)) {
    // Creating the table, or its index ix_<table>_id, met another object of that name.
    return new RuntimeFailure(`${failed} in ${context.displayUrl}: ${message}`, {
      hint: withCode('tables, indexes and views share one namespace in an SQLite file: rename or drop the other object, or restore into another --table'),
      cause: error,
    });
  }

  return new RuntimeFailure(`${failed} in ${context.displayUrl}: ${message}`, { hint: `SQLite error ${code}`, cause: error });
}

function readOnlyError(code: string, failed: string, displayUrl: string, cause: unknown): RuntimeFailure {
  if (code === 'SQLITE_READONLY_DIRECTORY') {
    return new RuntimeFailure(`${failed}: cannot write ${displayUrl}, because its folder is not writable`, {
      hint: `SQLite creates its journal file next to the database file, so the folder must be writable by this user, not only the file (SQLite error ${code})`,
      cause,
    });
  }
  return new RuntimeFailure(`${failed}: ${displayUrl} is read-only`, {
    hint: `check the file and folder permissions for the current user (SQLite error ${code})`,
    cause,
  });
}
