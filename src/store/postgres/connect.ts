import { existsSync } from 'node:fs';

import pg from 'pg';

import { secretsOf, type PostgresTarget } from '../url.js';
import { ConnectTimeout, postgresError } from './errors.js';
import { tlsAttempts, type TlsAttempt } from './tls.js';

/**
 * Opens node-pg connections for a parsed URL: libpq's defaults for what the
 * URL leaves out, libpq's sslmode attempts, a bounded connect time, and no
 * session state, so PgBouncer in transaction mode works.
 */

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_PORT = 5432;

// Socket directories libpq builds use when no host is given: Debian and
// Ubuntu's, then the upstream default.
const SOCKET_DIRECTORIES = ['/var/run/postgresql', '/tmp'];

export interface ConnectOptions {
  readonly lockTimeoutMs: number;
}

export async function connect(target: PostgresTarget, options: ConnectOptions): Promise<pg.Client> {
  const attempts = tlsAttempts(target);
  let lastError: unknown;

  for (const [index, attempt] of attempts.entries()) {
    const client = new pg.Client(clientConfig(target, attempt));
    // An idle connection that the server drops emits 'error'; the next query
    // reports it, so the event must not crash the process.
    client.on('error', () => undefined);

    const started = Date.now();
    try {
      await client.connect();
      return client;
    } catch (error) {
      lastError = timedOut(error, Date.now() - started, connectTimeoutMs(target)) ? new ConnectTimeout(error) : error;
      await client.end().catch(() => undefined);

      const isLast = index === attempts.length - 1;
      if (isLast || !shouldFallBack(attempt, error)) {
        break;
      }
    }
  }

  throw postgresError(lastError, {
    action: 'connect',
    displayUrl: target.displayUrl,
    secrets: secretsOf(target),
    lockTimeoutMs: options.lockTimeoutMs,
    connectTimeoutMs: connectTimeoutMs(target),
    user: target.user ?? process.env['PGUSER'],
    database: target.database,
  });
}

export function connectTimeoutMs(target: PostgresTarget): number {
  return target.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
}

function clientConfig(target: PostgresTarget, attempt: TlsAttempt): pg.ClientConfig {
  const port = target.port ?? (Number(process.env['PGPORT']) || DEFAULT_PORT);

  return {
    host: target.host ?? process.env['PGHOST'] ?? defaultHost(port),
    port,
    user: target.user,
    password: target.password,
    database: target.database,
    ssl: attempt.ssl,
    connectionTimeoutMillis: connectTimeoutMs(target),
    application_name: target.applicationName ?? 'varsctl',
    options: target.options,
  };
}

/**
 * Whether node-pg's connect timer ended this attempt: it fired (the attempt
 * lasted the whole timeout) and the error is not one the server sent, which
 * always carries a SQLSTATE code.
 */
function timedOut(error: unknown, elapsedMs: number, timeoutMs: number): boolean {
  const code = (error as { code?: unknown }).code;
  const fromServer = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
  return !fromServer && elapsedMs >= timeoutMs;
}

/** libpq's default: the local socket when one exists, else localhost. */
function defaultHost(port: number): string {
  const directory = SOCKET_DIRECTORIES.find((candidate) => existsSync(`${candidate}/.s.PGSQL.${port}`));
  return directory ?? 'localhost';
}

function shouldFallBack(attempt: TlsAttempt, error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;

  if (attempt.fallBackOn === 'server-refuses-tls') {
    // The server rejected the TLS request, or its pg_hba.conf accepts this
    // client only without encryption (hostnossl).
    return /does not support SSL/i.test(message) || code === '28000';
  }
  if (attempt.fallBackOn === 'server-requires-tls') {
    return code === '28000';
  }
  return false;
}
