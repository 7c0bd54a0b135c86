import { NotFoundError, RuntimeFailure, isVarsctlError } from '../../errors.js';
import { formatWait } from '../wait.js';

export interface SqliteErrorContext {
  /** Action that failed, as a verb phrase: "list strategies". */
  readonly action: string;
  readonly displayUrl: string;
  readonly lockTimeoutMs: number;
}

/** Turns a better-sqlite3 error into a varsctl error; varsctl errors pass through. */
export function sqliteError(error: unknown, context: SqliteErrorContext): Error {
  if (isVarsctlError(error)) {
    return error;
  }

  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);

  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new RuntimeFailure(
      `could not ${context.action}: database is locked by another process (waited ${formatWait(context.lockTimeoutMs)})`,
      { hint: 'retry when the bot is not writing, or wait longer with --lock-timeout (milliseconds)', cause: error },
    );
  }
  if (code === 'SQLITE_NOTADB') {
    return new RuntimeFailure(`could not ${context.action}: ${context.displayUrl} is not an SQLite database`, {
      hint: 'check the path in the URL; it must be the file the bot writes',
      cause: error,
    });
  }
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_READONLY_DBMOVED') {
    return new RuntimeFailure(`could not ${context.action}: ${context.displayUrl} is read-only`, {
      hint: 'check the file and folder permissions for the current user',
      cause: error,
    });
  }
  if (code === 'SQLITE_CANTOPEN') {
    return new NotFoundError(`could not ${context.action}: cannot open ${context.displayUrl}`, {
      hint: 'check that the file exists and that the current user may read its folder',
      cause: error,
    });
  }
  if (code === 'SQLITE_ERROR' && /^no such table/.test(message)) {
    return new NotFoundError(`could not ${context.action}: ${message} in ${context.displayUrl}`, {
      hint: 'check --table and the database URL',
      cause: error,
    });
  }

  return new RuntimeFailure(`could not ${context.action} in ${context.displayUrl}: ${message}`, {
    hint: typeof code === 'string' ? `SQLite error ${code}` : 'run again with --verbose for details',
    cause: error,
  });
}
