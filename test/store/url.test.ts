import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { NotFoundError, UsageError } from '../../src/errors.js';
import { openStore } from '../../src/store/index.js';
import { maskUrl, parseDatabaseUrl, type PostgresTarget } from '../../src/store/url.js';

const PYTHON = '/usr/bin/python3';
const options = { cwd: '/srv/bot', env: {} };

interface Expected {
  user: string | null;
  password: string | null;
  host: string | null;
  port: number | null;
  database: string | null;
}

// Each URL with the parts SQLAlchemy 1.4's make_url returns for it.
const POSTGRES_CASES: readonly [string, Expected][] = [
  ['postgresql://user:password@localhost:5432/database_name', { user: 'user', password: 'password', host: 'localhost', port: 5432, database: 'database_name' }],
  ['postgresql+psycopg2://bot:s3cret@db.example.com/trading', { user: 'bot', password: 's3cret', host: 'db.example.com', port: null, database: 'trading' }],
  ['postgresql+psycopg://bot:pw@10.0.0.5:6543/trading', { user: 'bot', password: 'pw', host: '10.0.0.5', port: 6543, database: 'trading' }],
  ['postgresql+asyncpg://bot:pw@h/d', { user: 'bot', password: 'pw', host: 'h', port: null, database: 'd' }],
  ['postgresql+pg8000://bot:pw@h/d', { user: 'bot', password: 'pw', host: 'h', port: null, database: 'd' }],
  ['postgresql://u:p#x?y@host:5/db', { user: 'u', password: 'p#x?y', host: 'host', port: 5, database: 'db' }],
  ['postgresql://u:p%40ss%2Fw%3Ard@host/db', { user: 'u', password: 'p@ss/w:rd', host: 'host', port: null, database: 'db' }],
  ['postgresql://u:pa:ss@h/d', { user: 'u', password: 'pa:ss', host: 'h', port: null, database: 'd' }],
  ['postgresql://u:p%zz%@h/d', { user: 'u', password: 'p%zz%', host: 'h', port: null, database: 'd' }],
  ['postgresql://u:caf%C3%A9+x@h/d', { user: 'u', password: 'café+x', host: 'h', port: null, database: 'd' }],
  ['postgresql://us%65r@h/d', { user: 'user', password: null, host: 'h', port: null, database: 'd' }],
  ['postgresql://u:@h/d', { user: 'u', password: '', host: 'h', port: null, database: 'd' }],
  ['postgresql://[::1]:5433/d', { user: null, password: null, host: '::1', port: 5433, database: 'd' }],
  ['postgresql:///d', { user: null, password: null, host: null, port: null, database: 'd' }],
  ['postgresql://h/db%20name', { user: null, password: null, host: 'h', port: null, database: 'db%20name' }],
  ['postgres://u:p@h/d', { user: 'u', password: 'p', host: 'h', port: null, database: 'd' }],
];

/** Runs SQLAlchemy's make_url on each URL; null when Python or SQLAlchemy is missing. */
function sqlalchemyParts(urls: readonly string[]): Expected[] | null {
  if (!existsSync(PYTHON)) {
    return null;
  }
  const script = `
import json, sys
from sqlalchemy.engine.url import make_url
out = []
for text in json.load(sys.stdin):
    url = make_url(text)
    out.append({"user": url.username, "password": url.password, "host": url.host, "port": url.port, "database": url.database})
print(json.dumps(out))
`;
  try {
    const output = execFileSync(PYTHON, ['-c', script], { input: JSON.stringify(urls), encoding: 'utf8' });
    return JSON.parse(output) as Expected[];
  } catch {
    return null;
  }
}

function partsOf(target: PostgresTarget): Expected {
  return {
    user: target.user ?? null,
    password: target.password ?? null,
    host: target.host ?? null,
    port: target.port ?? null,
    database: target.database ?? null,
  };
}

function parsePostgres(url: string): PostgresTarget {
  const target = parseDatabaseUrl(url, options);
  if (target.dialect !== 'postgresql') {
    throw new Error(`expected a PostgreSQL target for ${url}`);
  }
  return target;
}

describe('parseDatabaseUrl for PostgreSQL', () => {
  it.each(POSTGRES_CASES)('splits %s', (url, expected) => {
    expect(partsOf(parsePostgres(url))).toEqual(expected);
  });

  it('agrees with SQLAlchemy make_url', (context) => {
    const urls = POSTGRES_CASES.map(([url]) => url);
    const reference = sqlalchemyParts(urls);
    if (reference === null) {
      context.skip('/usr/bin/python3 with SQLAlchemy is not available');
      return;
    }
    urls.forEach((url, index) => {
      expect(partsOf(parsePostgres(url)), url).toEqual(reference[index]);
    });
  });

  it('rejects a raw @ in the password', () => {
    expect(() => parsePostgres('postgresql://u:p@ss@host/db')).toThrow(UsageError);
    expect(() => parsePostgres('postgresql://u:p@ss@host/db')).toThrow(/raw @/);
    expect(() => parsePostgres('postgresql://u:p@ss@host/db')).not.toThrow(/p@ss/);
    try {
      parsePostgres('postgresql://u:p@ss@host/db');
    } catch (error) {
      expect((error as UsageError).hint).toMatch(/%40/);
    }
  });

  it('warns about postgres://', () => {
    expect(parsePostgres('postgres://u@h/d').warnings.join(' ')).toMatch(/postgresql:\/\//);
  });

  it('reads a socket directory from host=', () => {
    const target = parsePostgres('postgresql://postgres@/test?host=/var/run/postgresql');
    expect(target.host).toBe('/var/run/postgresql');
    expect(target.database).toBe('test');
  });

  it('reads TLS and timeout parameters', () => {
    const target = parsePostgres(
      'postgresql://u@h/d?sslmode=verify-full&sslrootcert=/etc/ca.pem&sslcert=/c.pem&sslkey=/k.pem&connect_timeout=7&application_name=cron',
    );
    expect(target.sslmode).toBe('verify-full');
    expect(target.sslrootcert).toBe('/etc/ca.pem');
    expect(target.sslcert).toBe('/c.pem');
    expect(target.sslkey).toBe('/k.pem');
    expect(target.connectTimeoutMs).toBe(7000);
    expect(target.applicationName).toBe('cron');
  });

  it('defaults sslmode to prefer, or PGSSLMODE', () => {
    expect(parsePostgres('postgresql://u@h/d').sslmode).toBe('prefer');
    const target = parseDatabaseUrl('postgresql://u@h/d', { cwd: '/', env: { PGSSLMODE: 'require' } });
    expect(target.dialect === 'postgresql' ? target.sslmode : null).toBe('require');
  });

  it('takes the password from a query parameter', () => {
    expect(parsePostgres('postgresql://u@h/d?password=x%26y').password).toBe('x&y');
  });

  it.each([
    ['postgresql://u@h/d?sslmode=sometimes', /sslmode/],
    ['postgresql://u@h/d?sslmod=require', /unknown connection parameter "sslmod"/],
    ['postgresql://u@h:54x/d', /invalid port "54x"/],
    ['postgresql://u@h/d?connect_timeout=soon', /connect_timeout/],
    ['postgresql://u@h1,h2/d', /several hosts/],
    ['postgresql://u@h/d?port=1&port=2', /given twice/],
    ['postgresql+mysqldb://u@h/d', /driver "mysqldb"/],
    ['mysql://u:p@h/d', /unsupported database URL scheme "mysql"/],
    ['not a url', /invalid database URL/],
  ])('rejects %s', (url, message) => {
    expect(() => parseDatabaseUrl(url, options)).toThrow(UsageError);
    expect(() => parseDatabaseUrl(url, options)).toThrow(message);
  });

  it('warns about ignored libpq parameters', () => {
    expect(parsePostgres('postgresql://u@h/d?target_session_attrs=read-write').warnings).toEqual([
      'ignoring the connection parameter "target_session_attrs" in the URL',
    ]);
    expect(parsePostgres('postgresql://u@h/d?client_encoding=latin1').warnings).toEqual(['ignoring the connection parameter "client_encoding" in the URL']);
  });

  it.each(['keepalives=1', 'tcp_user_timeout=1000', 'client_encoding=utf8', 'client_encoding=UTF8'])('ignores %s quietly', (parameter) => {
    expect(parsePostgres(`postgresql://u@h/d?${parameter}`).warnings).toEqual([]);
  });
});

describe('parseDatabaseUrl for SQLite', () => {
  it.each([
    ['sqlite:///account_history.db', '/srv/bot/account_history.db'],
    ['sqlite:///data/bot.db', '/srv/bot/data/bot.db'],
    ['sqlite:////var/lib/bot/bot.db', '/var/lib/bot/bot.db'],
    ['sqlite+pysqlite:///bot.db', '/srv/bot/bot.db'],
    ['sqlite:///bot.db?check_same_thread=false', '/srv/bot/bot.db'],
  ])('resolves %s', (url, file) => {
    const target = parseDatabaseUrl(url, options);
    expect(target.dialect === 'sqlite' ? target.file : null).toBe(file);
  });

  it.each([
    ['sqlite://', /in-memory/],
    ['sqlite:///:memory:', /in-memory/],
    ['sqlite:///', /in-memory/],
    ['sqlite://bot.db', /host part/],
    ['sqlite:///bot.db?mode=ro', /unknown connection parameter "mode"/],
    ['sqlite:///file:bot.db?uri=true', /URI filename/],
  ])('rejects %s', (url, message) => {
    expect(() => parseDatabaseUrl(url, options)).toThrow(UsageError);
    expect(() => parseDatabaseUrl(url, options)).toThrow(message);
  });

  it('fails for a missing file without creating it', async () => {
    const file = `/tmp/varsctl-missing-${process.pid}.db`;
    await expect(openStore({ url: `sqlite:///${file}`, table: 'vars_backup', lockTimeoutMs: 100 })).rejects.toBeInstanceOf(NotFoundError);
    expect(existsSync(file)).toBe(false);
  });

  it('rejects an in-memory URL before opening anything', async () => {
    await expect(openStore({ url: 'sqlite://', table: 'vars_backup', lockTimeoutMs: 100 })).rejects.toBeInstanceOf(UsageError);
  });
});

describe('maskUrl', () => {
  it.each([
    ['postgresql://user:password@localhost:5432/db', 'postgresql://user:***@localhost:5432/db'],
    ['postgresql://u:p#x?y@host/db?sslmode=require', 'postgresql://u:***@host/db?sslmode=require'],
    ['postgresql://u:p%40x@h/d', 'postgresql://u:***@h/d'],
    ['postgresql://u@h/d?sslmode=require&password=hunter2', 'postgresql://u@h/d?sslmode=require&password=***'],
    ['postgresql://u@h/d', 'postgresql://u@h/d'],
    ['sqlite:///bot.db', 'sqlite:///bot.db'],
    ['weird//u:secret@x', 'weird//u:***@x'],
    ['postgresql://u:p@ss@host/db', 'postgresql://u:***@host/db'],
    ['postgresql://u:a@b/c@host/db?application_name=x@y', 'postgresql://u:***@host/db?application_name=x@y'],
  ])('masks %s', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
  });

  it('keeps the password out of URL errors', () => {
    try {
      parseDatabaseUrl('postgresql://u:hunter2@h:bad/d', options);
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('hunter2');
      expect(String((error as Error).message)).toContain('u:***@h');
    }
  });
});
