import { describe, expect, it } from 'vitest';

import { NotFoundError, RuntimeFailure, UsageError } from '../../src/errors.js';
import { sqliteError } from '../../src/store/sqlite/errors.js';

const CONTEXT = { action: 'delete strategies', displayUrl: 'sqlite:////srv/bot/history.db', lockTimeoutMs: 400 };

function sqliteFailure(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('sqliteError', () => {
  it.for([
    ['SQLITE_READONLY_DIRECTORY', 'attempt to write a readonly database', /journal file next to the database file, so the folder must be writable/],
    ['SQLITE_READONLY', 'attempt to write a readonly database', /check the file and folder permissions/],
    ['SQLITE_CANTOPEN', 'unable to open database file', /check that the file exists/],
    ['SQLITE_CANTOPEN_ISDIR', 'unable to open database file', /is a folder/],
    ['SQLITE_NOTADB', 'file is not a database', /must be the file the bot writes/],
    ['SQLITE_CORRUPT', 'database disk image is malformed', /PRAGMA integrity_check/],
    ['SQLITE_FULL', 'database or disk is full', /free space/],
    ['SQLITE_IOERR_WRITE', 'disk I\/O error', /check the disk and the file system/],
    ['SQLITE_ERROR', 'index ix_vars_backup_id already exists', /rename or drop the other object, or restore into another --table/],
    ['SQLITE_ERROR', 'there is already a table named ix_vars_backup_id', /share one namespace/],
  ] as const)('explains %s in words', ([code, message, words]) => {
    const error = sqliteError(sqliteFailure(code, message), CONTEXT) as RuntimeFailure;

    expect(error.hint).toMatch(words);
    expect(error.hint?.endsWith(`(SQLite error ${code})`)).toBe(true);
    expect(error.message).toContain('could not delete strategies');
  });

  it('explains a locked file', () => {
    const error = sqliteError(sqliteFailure('SQLITE_BUSY', 'database is locked'), CONTEXT);

    expect(error.message).toBe('could not delete strategies: database is locked by another process (waited 0.4 s)');
  });

  it('names the folder for READONLY_DIRECTORY', () => {
    const error = sqliteError(sqliteFailure('SQLITE_READONLY_DIRECTORY', 'attempt to write a readonly database'), CONTEXT);

    expect(error).toBeInstanceOf(RuntimeFailure);
    expect(error.message).toBe('could not delete strategies: cannot write sqlite:////srv/bot/history.db, because its folder is not writable');
  });

  it('rejects a schema in the table name', () => {
    const error = sqliteError(sqliteFailure('SQLITE_ERROR', 'unknown database "my sch"'), CONTEXT) as UsageError;

    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toContain('unknown database "my sch"');
    expect(error.hint).toMatch(/SQLite has no schemas here: give a plain table name/);
  });

  it('keeps a missing table as not found', () => {
    const error = sqliteError(sqliteFailure('SQLITE_ERROR', 'no such table: vars_backup'), CONTEXT);

    expect(error).toBeInstanceOf(NotFoundError);
  });

  it('falls back to the code alone', () => {
    const error = sqliteError(sqliteFailure('SQLITE_MISMATCH', 'datatype mismatch'), CONTEXT) as RuntimeFailure;

    expect(error.message).toBe('could not delete strategies in sqlite:////srv/bot/history.db: datatype mismatch');
    expect(error.hint).toBe('SQLite error SQLITE_MISMATCH');
  });
});
