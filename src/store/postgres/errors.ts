import { ConflictError, NotFoundError, RuntimeFailure, UsageError, isVarsctlError } from '../../errors.js';
import { displayPart } from '../identifiers.js';
import { scrubError, scrubbedMessage } from '../secrets.js';
import { formatWait } from '../wait.js';

/**
 * node-pg and Node errors as varsctl errors: one line naming the masked URL
 * and what failed, a hint, and a cause whose text carries no password.
 */

export interface PostgresErrorContext {
  /** Action that failed, as a verb phrase: "connect", "list strategies". */
  readonly action: string;
  readonly displayUrl: string;
  readonly secrets: readonly string[];
  readonly lockTimeoutMs: number;
  readonly connectTimeoutMs?: number;
  readonly user?: string | undefined;
  readonly database?: string | undefined;
  /** The schema part of --table, undefined when it has none. */
  readonly tableSchema?: string | undefined;
  /** The table part of --table. */
  readonly tableName?: string | undefined;
}

// Node's TLS verification failures, by error code.
const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/**
 * A connect attempt that our own timer ended (node-pg's connectionTimeoutMillis
 * elapsed). Server errors carry a SQLSTATE and never become this, whatever
 * their text says.
 */
export class ConnectTimeout extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'ConnectTimeout';
  }
}

export function postgresError(error: unknown, context: PostgresErrorContext): Error {
  if (isVarsctlError(error)) {
    return error;
  }

  if (error instanceof ConnectTimeout) {
    return new RuntimeFailure(`could not ${context.action} (${context.displayUrl}): timed out after ${formatWait(context.connectTimeoutMs ?? 0)}`, {
      hint: 'check host and port, or wait longer with connect_timeout=SECONDS in the URL',
      cause: scrubError(error.cause, context.secrets),
    });
  }

  const code = (error as { code?: unknown }).code;
  const detail = scrubbedMessage(error, context.secrets);
  const cause = scrubError(error, context.secrets);
  const where = context.displayUrl;
  const failed = `could not ${context.action} (${where})`;

  switch (code) {
    case 'ECONNREFUSED':
      return new RuntimeFailure(`${failed}: connection refused`, {
        hint: 'check that PostgreSQL is running and that host and port in the URL are right',
        cause,
      });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new RuntimeFailure(`${failed}: host name not found`, { hint: 'check the host name in the URL', cause });
    case 'ENOENT':
      return new RuntimeFailure(`${failed}: no PostgreSQL socket at that path`, {
        hint: 'check host= in the URL, or give a host name and port',
        cause,
      });
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new RuntimeFailure(`${failed}: ${detail}`, { hint: 'check the network path to the server', cause });
    case '28P01':
      return new RuntimeFailure(`${failed}: password authentication failed for user "${context.user ?? ''}"`, {
        hint: 'check the password; in a URL, write @ as %40, : as %3A and / as %2F',
        cause,
      });
    case '28000':
      return new RuntimeFailure(`${failed}: the server rejected the connection: ${detail}`, {
        hint: 'check the user name, and whether the server requires TLS (sslmode=require)',
        cause,
      });
    case '3D000':
      return new RuntimeFailure(`${failed}: database "${context.database ?? ''}" does not exist`, {
        hint: 'check the database name at the end of the URL',
        cause,
      });
    case '3F000':
      return new NotFoundError(`${failed}: ${detail}`, { hint: missingSchemaHint(context), cause });
    case '42P01':
      return new NotFoundError(`${failed}: ${detail}`, { hint: 'check --table and the database URL', cause });
    case '42501':
      return new RuntimeFailure(`${failed}: permission denied: ${detail}`, {
        hint: 'use a database user with the privileges the bot has on the table',
        cause,
      });
    case '55P03':
      return new RuntimeFailure(
        `${failed}: the table or its rows are locked by another transaction (waited ${formatWait(context.lockTimeoutMs)})`,
        { hint: 'retry when the bot is not writing, or wait longer with --lock-timeout (milliseconds)', cause },
      );
    case '57014':
      return new RuntimeFailure(`${failed}: the statement was cancelled: ${detail}`, { hint: 'retry the command', cause });
    case '22P02':
      return new UsageError(`${failed}: ${detail}`, {
        hint: 'a json or jsonb variables column cannot hold NaN or Infinity; change the column to text, as the bot creates it',
        cause,
      });
    case '40001':
    case '40P01':
      // Under REPEATABLE READ or SERIALIZABLE (set in the URL's options), a
      // concurrent write to the same rows ends the transaction this way.
      return new ConflictError(`${failed}: another transaction changed the same rows at the same time: ${detail}`, {
        hint: 'nothing was written; run the command again',
        cause,
      });
    case '22P05':
    case '22021':
      return new UsageError(`${failed}: ${detail}`, {
        hint: "the database's encoding cannot store a character of this text; write it with characters the encoding has, or use a UTF8 database",
        cause,
      });
    case '57P01':
    case '57P02':
    case '57P03':
      return new RuntimeFailure(`${failed}: the server closed the connection: ${detail}`, {
        hint: 'retry when the server is available',
        cause,
      });
  }

  if (typeof code === 'string' && TLS_CODES.has(code)) {
    return new RuntimeFailure(`${failed}: TLS certificate check failed: ${detail}`, {
      hint: 'check sslrootcert (the CA that signed the server certificate); sslmode=require encrypts without checking',
      cause,
    });
  }
  // node-pg's message when the server requires a password and none was given.
  if (/client password must be a string/i.test(detail)) {
    return new RuntimeFailure(`${failed}: the server requires a password for user "${context.user ?? ''}", and none was given`, {
      hint: 'put it in the URL (postgresql://user:password@host/db), in PGPASSWORD, or in ~/.pgpass',
      cause,
    });
  }
  if (/does not support SSL/i.test(detail)) {
    return new RuntimeFailure(`${failed}: the server does not support TLS`, {
      hint: 'use sslmode=prefer or sslmode=disable, or enable ssl on the server',
      cause,
    });
  }
  if (/Connection terminated/i.test(detail)) {
    return new RuntimeFailure(`${failed}: the connection was closed: ${detail}`, {
      hint: 'check the server log, then retry',
      cause,
    });
  }

  return new RuntimeFailure(`${failed}: ${detail}`, {
    hint: typeof code === 'string' ? `PostgreSQL error ${code}; run again with --verbose for details` : 'run again with --verbose for details',
    cause,
  });
}

/**
 * Builds the hint for a schema that does not exist. Without a schema in
 * --table, the server looked in the user's search_path and found no schema
 * of it that exists.
 */
function missingSchemaHint(context: PostgresErrorContext): string {
  if (context.tableSchema !== undefined) {
    return 'check the schema part of --table';
  }
  const user = context.user === undefined ? 'the connecting user' : `user "${context.user}"`;
  const table = displayPart(context.tableName ?? 'vars_backup');
  return `no schema in the search_path of ${user} exists, as set for the user or by options= in the URL; name one in --table, such as --table public.${table}, or create a schema of the search_path`;
}
