import path from 'node:path';

import { UsageError } from '../errors.js';
import type { Dialect } from './types.js';
import { requireExactPath } from './utf8.js';

/**
 * Connection URLs as Lumibot users write them: SQLAlchemy URLs, split the way
 * SQLAlchemy 1.4 and 2.0 split them (`make_url`), so a URL that works for the
 * bot reaches the same database here.
 *
 * SQLAlchemy's pattern ends the password at the FIRST `@`: a raw `@` in a
 * password moves the rest into the host name, and the bot then fails to
 * connect. Such a URL is rejected here with the fix (`%40`). `#` and `?` in a
 * password need no escaping. User name and password are percent-decoded,
 * but host and database name are not.
 *
 * Query parameters: the libpq ones listed in POSTGRES_PARAMETERS are applied.
 * libpq parameters that change neither the database reached nor how it is
 * read (keepalives, target_session_attrs, ...) are ignored with a warning.
 * Any other name is a UsageError, because a misspelt `sslmode` or an option
 * varsctl cannot apply must not silently connect differently from the bot.
 */

export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

export const SSL_MODES: readonly SslMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

export interface PostgresTarget {
  readonly dialect: 'postgresql';
  /** Host name, IP address, or a Unix socket directory (starts with `/`). */
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly database: string | undefined;
  readonly sslmode: SslMode;
  readonly sslrootcert: string | undefined;
  readonly sslcert: string | undefined;
  readonly sslkey: string | undefined;
  /** From `connect_timeout` (seconds in the URL). */
  readonly connectTimeoutMs: number | undefined;
  readonly applicationName: string | undefined;
  /** libpq `options`, such as `-c search_path=trading`, sent when connecting. */
  readonly options: string | undefined;
  /** The URL with its password masked. */
  readonly displayUrl: string;
  readonly warnings: readonly string[];
}

export interface SqliteTarget {
  readonly dialect: 'sqlite';
  /** Absolute path of the database file. */
  readonly file: string;
  readonly displayUrl: string;
  readonly warnings: readonly string[];
}

export type DatabaseTarget = PostgresTarget | SqliteTarget;

export interface ParseUrlOptions {
  /** Directory a relative SQLite path is resolved against. */
  readonly cwd: string;
  /** Read for PGSSLMODE, libpq's default sslmode. */
  readonly env: NodeJS.ProcessEnv;
}

interface UrlParts {
  readonly scheme: string;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly host: string | undefined;
  readonly port: string | undefined;
  readonly database: string | undefined;
  readonly query: string | undefined;
  /** True when an `@` follows the parsed password before the query, which only a raw `@` in the password puts there. */
  readonly passwordHasRawAt: boolean;
}

// SQLAlchemy's `_parse_url` pattern (1.4.16 and later, 2.0), anchored at the
// start only, as Python's `re.match` is.
const SQLALCHEMY_URL =
  /^(?<scheme>[\w+]+):\/\/(?:(?<username>[^:/]*)(?::(?<password>[^@]*))?@)?(?:(?:\[(?<ipv6host>[^/?]+)\]|(?<ipv4host>[^/:?]+))?(?::(?<port>[^/?]*))?)?(?:\/(?<database>[^?]*))?(?:\?(?<query>.*))?/d;

const POSTGRES_DRIVERS = new Set(['psycopg2', 'psycopg', 'psycopg2cffi', 'asyncpg', 'pg8000']);
const SQLITE_DRIVERS = new Set(['pysqlite', 'aiosqlite']);

const POSTGRES_PARAMETERS = new Set([
  'host',
  'port',
  'user',
  'password',
  'dbname',
  'sslmode',
  'sslrootcert',
  'sslcert',
  'sslkey',
  'connect_timeout',
  'application_name',
  'options',
]);

// libpq parameters that change neither which database is reached nor how it
// is read; varsctl ignores them with a warning.
const IGNORED_POSTGRES_PARAMETERS = new Set([
  'keepalives',
  'keepalives_idle',
  'keepalives_interval',
  'keepalives_count',
  'tcp_user_timeout',
  'target_session_attrs',
  'gssencmode',
  'sslcompression',
  'sslsni',
  'channel_binding',
  'client_encoding',
  'fallback_application_name',
]);

// Ignored parameters that a short-lived command would not act on anyway, so
// a URL shared with the bot does not draw a warning from every cron run.
// client_encoding is among them only with the value varsctl itself uses.
const QUIETLY_IGNORED_POSTGRES_PARAMETERS = new Set([
  'keepalives',
  'keepalives_idle',
  'keepalives_interval',
  'keepalives_count',
  'tcp_user_timeout',
  'fallback_application_name',
]);

// pysqlite connect arguments that do not change which file is opened.
const IGNORED_SQLITE_PARAMETERS = new Set(['timeout', 'check_same_thread', 'isolation_level', 'detect_types', 'cached_statements']);

// Every parameter name varsctl reads or ignores, and those of them whose
// values maskUrl shows: all but the password.
const KNOWN_PARAMETERS = new Set([...POSTGRES_PARAMETERS, 'ssl', ...IGNORED_POSTGRES_PARAMETERS, ...IGNORED_SQLITE_PARAMETERS, 'uri']);
const VISIBLE_PARAMETERS = new Set([...KNOWN_PARAMETERS].filter((name) => name !== 'password'));

const URL_HINT =
  'use postgresql://user:password@host:5432/database or sqlite:///relative/path.db (four slashes for an absolute path)';

/** Parses a database URL without connecting or touching any file. */
export function parseDatabaseUrl(url: string, options: ParseUrlOptions): DatabaseTarget {
  const parts = splitUrl(url);
  const [backend = '', driver] = parts.scheme.split('+', 2);
  const displayUrl = maskUrl(url);

  if (backend === 'sqlite') {
    checkDriver(driver, SQLITE_DRIVERS, displayUrl);
    return sqliteTarget(parts, displayUrl, options.cwd);
  }
  if (backend === 'postgresql' || backend === 'postgres') {
    checkDriver(driver, POSTGRES_DRIVERS, displayUrl);
    return postgresTarget(parts, backend, displayUrl, options.env);
  }

  throw new UsageError(`unsupported database URL scheme "${parts.scheme}" in ${displayUrl}`, {
    hint: `varsctl reads PostgreSQL and SQLite backups; ${URL_HINT}`,
  });
}

/** Returns the dialect a URL names, or undefined when it names neither. */
export function dialectOf(url: string): Dialect | undefined {
  const scheme = /^([\w+]+):\/\//.exec(url)?.[1]?.split('+')[0];
  if (scheme === 'sqlite') {
    return 'sqlite';
  }
  return scheme === 'postgresql' || scheme === 'postgres' ? 'postgresql' : undefined;
}

/**
 * Returns the URL with its password replaced by `***`. A raw `@` or `?`
 * inside a password makes SQLAlchemy split the URL in the wrong place. So
 * the mask runs to the last `@` before the first known parameter of the
 * query, and no piece of such a password stays visible. In the query, only the values
 * of parameters that varsctl knows and that hold no secret stay visible, so
 * `password=`, `pass%77ord=` and a misspelt `pasword=` are all masked.
 * Without `user@`, a port that is not a number is masked with the rest of
 * the URL, because `user:password` without `@host` reads as `host:port`. In
 * a string that is not a URL, the text after `user:` is masked up to the
 * last `@`.
 */
export function maskUrl(url: string): string {
  const match = SQLALCHEMY_URL.exec(url);
  const groups = match?.indices?.groups;
  if (match === null || groups === undefined) {
    return maskPasswordParameters(maskUserInfo(url));
  }

  const port = groups['port'];
  if (port !== undefined && groups['username'] === undefined && !/^\d*$/.test(url.slice(port[0], port[1]))) {
    // The rest may hold more of the password, because a `/` or `?` in it
    // ends the port. parseDatabaseUrl rejects such a URL anyway.
    return `${url.slice(0, port[0])}***`;
  }

  const password = groups['password'];
  const masked =
    password === undefined ? url : `${url.slice(0, password[0])}***${url.slice(passwordEnd(url, password[1], groups['query']?.[0]))}`;

  // Parsed again because the mask may have moved where the query starts.
  const queryStart = SQLALCHEMY_URL.exec(masked)?.indices?.groups?.['query']?.[0];
  return queryStart === undefined ? masked : `${masked.slice(0, queryStart)}${maskQuery(masked.slice(queryStart))}`;
}

/** Masks every query value except those of known parameters that hold no secret, and every field without `=`. */
function maskQuery(query: string): string {
  const fields = query.split('&').map((field) => {
    const equals = field.indexOf('=');
    if (equals === -1) {
      return field === '' ? field : '***';
    }

    const name = field.slice(0, equals);
    return VISIBLE_PARAMETERS.has(decodePercent(name.replaceAll('+', ' ')) ?? '') ? field : `${name}=***`;
  });
  return fields.join('&');
}

/**
 * Masks the password of `user:password@` in a string that is not a URL. The
 * mask starts after the colon that follows the user name (after `//`, or
 * else after the scheme and its slashes). It ends at the last `@`, or at
 * the end of the text when there is no `@`.
 */
function maskUserInfo(text: string): string {
  const afterSlashes = /^.*?\/\/[^:/@]*:/s.exec(text);
  const afterScheme = /^[^:]*:\/*[^:@]*:/.exec(text);
  // The earlier colon wins, because the password itself may hold `//` or `:`.
  const ends = [afterSlashes, afterScheme].flatMap((found) => (found === null ? [] : [found[0].length]));
  if (ends.length === 0) {
    return text;
  }

  const start = Math.min(...ends);
  const lastAt = text.lastIndexOf('@');
  return lastAt >= start ? `${text.slice(0, start)}***${text.slice(lastAt)}` : `${text.slice(0, start)}***`;
}

/**
 * Finds where the password really ends: at the last `@` before the first
 * known parameter of the query, or at the end of the parsed password when
 * that is later. Only a raw `@` in the password puts an `@` in between.
 */
function passwordEnd(url: string, parsedEnd: number, queryStart: number | undefined): number {
  const limit = queryStart === undefined ? url.length : firstKnownParameter(url, queryStart - 1);
  return Math.max(parsedEnd, url.lastIndexOf('@', limit - 1));
}

/** Returns the index of the `?` or `&` that starts the first known `name=` field from `start` on, or the URL's length. */
function firstKnownParameter(url: string, start: number): number {
  const field = /[?&]([^&=]*)=/g;
  field.lastIndex = start;

  for (let found = field.exec(url); found !== null; found = field.exec(url)) {
    if (KNOWN_PARAMETERS.has(decodePercent((found[1] ?? '').replaceAll('+', ' ')) ?? '')) {
      return found.index;
    }
  }
  return url.length;
}

/** Masks the value of each `password=` query parameter, matching the name as `parseQuery` decodes it. */
function maskPasswordParameters(text: string): string {
  return text.replace(/([?&])([^&=]*)=([^&]*)/g, (field: string, separator: string, name: string) => {
    const decoded = decodePercent(name.replaceAll('+', ' ')) ?? '';
    return decoded.toLowerCase() === 'password' ? `${separator}${name}=***` : field;
  });
}

/** Lists the secrets a URL carries (raw and percent-encoded), to scrub from driver messages. */
export function secretsOf(target: DatabaseTarget): string[] {
  if (target.dialect !== 'postgresql' || target.password === undefined || target.password === '') {
    return [];
  }
  return [target.password, encodeURIComponent(target.password)];
}

function splitUrl(url: string): UrlParts {
  const match = SQLALCHEMY_URL.exec(url);
  const groups = match?.groups;

  if (groups === undefined) {
    throw new UsageError(`invalid database URL ${maskUrl(url)}: expected scheme://...`, { hint: URL_HINT });
  }
  const password = match?.indices?.groups?.['password'];
  const queryStart = match?.indices?.groups?.['query']?.[0];

  return {
    scheme: groups['scheme'] ?? '',
    username: groups['username'],
    password: groups['password'],
    host: groups['ipv4host'] ?? groups['ipv6host'],
    port: groups['port'],
    database: groups['database'],
    query: groups['query'],
    passwordHasRawAt: password !== undefined && passwordEnd(url, password[1], queryStart) > password[1],
  };
}

function checkDriver(driver: string | undefined, known: ReadonlySet<string>, displayUrl: string): void {
  if (driver !== undefined && !known.has(driver)) {
    throw new UsageError(`unsupported database driver "${driver}" in ${displayUrl}`, {
      hint: `use one of: ${[...known].join(', ')}, or no driver at all (varsctl uses its own)`,
    });
  }
}

function sqliteTarget(parts: UrlParts, displayUrl: string, cwd: string): SqliteTarget {
  const warnings: string[] = [];

  if (parts.host !== undefined || parts.username !== undefined) {
    throw new UsageError(`invalid SQLite URL ${displayUrl}: it has a host part, so the bot would open an empty in-memory database`, {
      hint: 'a relative file needs three slashes (sqlite:///bot.db), an absolute one four (sqlite:////srv/bot.db)',
    });
  }
  if (parts.database === undefined || parts.database === '' || parts.database === ':memory:') {
    throw new UsageError(`${displayUrl} is an in-memory SQLite database, which holds no backups between runs`, {
      hint: 'give the file the bot uses: sqlite:///relative/path.db or sqlite:////absolute/path.db',
    });
  }

  for (const [name] of parseQuery(parts.query, displayUrl)) {
    if (name === 'uri') {
      throw new UsageError(`${displayUrl} uses an SQLite URI filename (uri=true), which varsctl does not read`, {
        hint: 'give the file path itself: sqlite:////absolute/path.db',
      });
    }
    if (!IGNORED_SQLITE_PARAMETERS.has(name)) {
      throw unknownParameter(name, displayUrl, IGNORED_SQLITE_PARAMETERS);
    }
    warnings.push(`ignoring the SQLite connect parameter "${name}" in the URL`);
  }

  requireExactPath(parts.database, 'SQLite file');
  // pysqlite resolves the path against the bot's working directory.
  return { dialect: 'sqlite', file: path.resolve(cwd, parts.database), displayUrl, warnings };
}

function postgresTarget(parts: UrlParts, backend: string, displayUrl: string, env: NodeJS.ProcessEnv): PostgresTarget {
  const warnings: string[] = [];
  if (backend === 'postgres') {
    warnings.push(
      'the URL starts with postgres://, which SQLAlchemy (and so the bot) rejects since version 1.4; write postgresql:// in the bot\'s configuration',
    );
  }

  if (parts.passwordHasRawAt) {
    throw new UsageError(
      `invalid database URL ${displayUrl}: the password contains a raw @, which SQLAlchemy (and so the bot) reads as the end of the password`,
      { hint: 'write each @ in the password as %40' },
    );
  }

  // Without `user@`, `user:password` reads as `host:port`. Checked before
  // the query, whose parameters may be more of such a password.
  if (parts.username === undefined && parts.port !== undefined && !/^\d*$/.test(parts.port)) {
    throw new UsageError(`invalid port in ${displayUrl}: not a number`, {
      hint: 'the port is a number from 1 to 65535, such as 5432; a password goes before the host, as in user:password@host',
    });
  }

  const query = new Map<string, string>();
  for (const [name, value] of parseQuery(parts.query, displayUrl)) {
    const canonical = name === 'ssl' ? 'sslmode' : name;
    if (!POSTGRES_PARAMETERS.has(canonical)) {
      if (!IGNORED_POSTGRES_PARAMETERS.has(canonical)) {
        throw unknownParameter(name, displayUrl, POSTGRES_PARAMETERS);
      }
      if (!QUIETLY_IGNORED_POSTGRES_PARAMETERS.has(canonical) && !(canonical === 'client_encoding' && /^utf-?8$/i.test(value))) {
        warnings.push(`ignoring the connection parameter "${name}" in the URL`);
      }
      continue;
    }
    query.set(canonical, value);
  }

  const host = query.get('host') ?? parts.host;
  if (host?.includes(',')) {
    throw new UsageError(`${displayUrl} names several hosts ("${host}"), which varsctl does not support`, {
      hint: 'give the one host that holds the backup table',
    });
  }

  return {
    dialect: 'postgresql',
    host: host === '' ? undefined : host,
    port: parsePort(query.get('port') ?? parts.port, displayUrl),
    user: query.get('user') ?? decodePercent(parts.username),
    password: query.get('password') ?? decodePercent(parts.password),
    database: query.get('dbname') ?? (parts.database === '' ? undefined : parts.database),
    sslmode: parseSslMode(query.get('sslmode') ?? env['PGSSLMODE'] ?? 'prefer', displayUrl),
    sslrootcert: query.get('sslrootcert'),
    sslcert: query.get('sslcert'),
    sslkey: query.get('sslkey'),
    connectTimeoutMs: parseConnectTimeout(query.get('connect_timeout'), displayUrl),
    applicationName: query.get('application_name'),
    options: query.get('options'),
    displayUrl,
    warnings,
  };
}

/**
 * Splits a query string as Python's `parse_qsl` does: `&` separates pairs,
 * `+` is a space, pairs without a value are dropped. A name given twice is
 * an error, because SQLAlchemy turns it into a list that libpq rejects.
 */
function parseQuery(query: string | undefined, displayUrl: string): Map<string, string> {
  const pairs = new Map<string, string>();
  if (query === undefined) {
    return pairs;
  }

  for (const field of query.split('&')) {
    const equals = field.indexOf('=');
    if (equals === -1) {
      continue;
    }
    const name = decodePercent(field.slice(0, equals).replaceAll('+', ' ')) ?? '';
    const value = decodePercent(field.slice(equals + 1).replaceAll('+', ' ')) ?? '';
    if (value === '') {
      continue;
    }
    if (pairs.has(name)) {
      throw new UsageError(`the URL parameter "${name}" is given twice in ${displayUrl}`, { hint: 'keep one of them' });
    }
    pairs.set(name, value);
  }
  return pairs;
}

/**
 * Percent-decodes as Python's `urllib.parse.unquote`: `%XX` runs become
 * UTF-8 bytes (invalid sequences become U+FFFD), a `%` without two hex
 * digits stays as it is, and `+` stays a plus.
 */
export function decodePercent(text: string | undefined): string | undefined {
  if (text === undefined) {
    return undefined;
  }
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    const bytes = Buffer.from(run.replaceAll('%', ''), 'hex');
    return bytes.toString('utf8');
  });
}

function parsePort(port: string | undefined, displayUrl: string): number | undefined {
  if (port === undefined || port === '') {
    return undefined;
  }
  const value = Number(port);
  if (!/^\d+$/.test(port) || value < 1 || value > 65535) {
    throw new UsageError(`invalid port "${port}" in ${displayUrl}`, { hint: 'the port is a number from 1 to 65535, such as 5432' });
  }
  return value;
}

function parseSslMode(mode: string, displayUrl: string): SslMode {
  // asyncpg and pg8000 URLs spell it ssl=true or ssl=false.
  let normalized = mode;
  if (mode === 'true') {
    normalized = 'require';
  } else if (mode === 'false') {
    normalized = 'disable';
  }
  if (!(SSL_MODES as readonly string[]).includes(normalized)) {
    throw new UsageError(`invalid sslmode "${mode}" in ${displayUrl} (or PGSSLMODE)`, {
      hint: `use one of: ${SSL_MODES.join(', ')}`,
    });
  }
  return normalized as SslMode;
}

function parseConnectTimeout(seconds: string | undefined, displayUrl: string): number | undefined {
  if (seconds === undefined) {
    return undefined;
  }
  if (!/^\d+$/.test(seconds)) {
    throw new UsageError(`invalid connect_timeout "${seconds}" in ${displayUrl}`, {
      hint: 'connect_timeout is a whole number of seconds, such as connect_timeout=10',
    });
  }
  // libpq treats 0 as "wait forever" and raises 1 to 2 seconds.
  const value = Number(seconds);
  return value === 0 ? 0 : Math.max(value, 2) * 1000;
}

function unknownParameter(name: string, displayUrl: string, supported: ReadonlySet<string>): UsageError {
  return new UsageError(`unknown connection parameter "${name}" in ${displayUrl}`, {
    hint: `check the spelling; varsctl supports: ${[...supported].join(', ')}`,
  });
}
