import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';

import { RuntimeFailure, type VarsctlError } from '../../src/errors.js';
import { scrubError, scrubbedMessage } from '../../src/store/secrets.js';
import { openStore, type Store } from '../../src/store/index.js';
import { createBotTable, createTestDatabase, insertRow, requireRealPostgres, type TestDatabase } from '../support/db.js';

/** Joins every text a user could see for an error: message, hint, and stacks of the cause chain. */
function visibleText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    parts.push(current.message, current.stack ?? '', (current as VarsctlError).hint ?? '');
    current = current.cause;
  }
  return parts.join('\n');
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Finds a free port on 127.0.0.1 with nothing listening. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// A separate process that holds an exclusive lock on an SQLite file until killed.
const LOCK_HOLDER = `
  const Database = require('better-sqlite3');
  const db = new Database(process.argv[1]);
  db.exec('BEGIN EXCLUSIVE');
  process.stdout.write('locked\\n');
  setInterval(() => undefined, 1000);
`;

async function holdLock(file: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', LOCK_HOLDER, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
  return child;
}

describe('locked SQLite file', () => {
  let db: TestDatabase | undefined;
  let holder: ChildProcess | undefined;
  let store: Store | undefined;

  afterEach(async () => {
    holder?.kill();
    await store?.close();
    await db?.close();
  });

  it('waits the lock timeout, then fails with nothing changed', async () => {
    db = await createTestDatabase('sqlite');
    await createBotTable(db);
    await insertRow(db, { id: 'a', last_updated: '2025-01-02 09:30:00-05:00', variables: '{"a": 1}', strategy_id: 'S' });
    store = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 400 });
    const read = await store.readStrategy('S');
    const loaded = read?.rows[0];

    holder = await holdLock(db.file ?? '');

    const started = Date.now();
    const error = await caught(
      store.compareAndSwap('S', { lastUpdated: loaded?.lastUpdated ?? null, variables: loaded?.variables ?? null }, '{"a": 2}'),
    );
    const waited = Date.now() - started;

    expect(error).toBeInstanceOf(RuntimeFailure);
    expect((error as Error).message).toMatch(/database is locked by another process \(waited 0\.4 s\)/);
    expect((error as VarsctlError).hint).toMatch(/--lock-timeout/);
    expect(waited).toBeGreaterThanOrEqual(350);
    expect(waited).toBeLessThan(5000);

    holder.kill();
    await new Promise((resolve) => holder?.once('exit', resolve));
    const rows = await db.query("SELECT variables FROM vars_backup WHERE strategy_id = 'S'");
    expect(rows).toEqual([{ variables: '{"a": 1}' }]);
  });

  it('fails a read behind the lock too', async () => {
    db = await createTestDatabase('sqlite');
    await createBotTable(db);
    store = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 200 });
    holder = await holdLock(db.file ?? '');

    await expect(store.listSummaries()).rejects.toThrow(/database is locked by another process \(waited 0\.2 s\)/);
  });
});

describe('password scrubbing', () => {
  it('removes the password from a driver message and stack', () => {
    const driverError = Object.assign(new Error('connect failed for postgresql://bot:hunter2@h/d\nretry'), { code: 'XX000' });
    const scrubbed = scrubError(driverError, ['hunter2']);

    expect(scrubbed.message).toBe('connect failed for postgresql://bot:***@h/d\nretry');
    expect(scrubbed.stack).not.toContain('hunter2');
    expect((scrubbed as { code?: string }).code).toBe('XX000');
    expect(scrubbedMessage(driverError, ['hunter2'])).toBe('connect failed for postgresql://bot:***@h/d retry');
  });
});

describe('unreachable PostgreSQL', () => {
  const servers: Server[] = [];
  const sockets: Socket[] = [];

  afterEach(async () => {
    for (const socket of sockets.splice(0)) {
      socket.destroy();
    }
    for (const server of servers.splice(0)) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('fails fast on a closed port without the password', async () => {
    const port = await closedPort();
    const started = Date.now();
    const error = await caught(
      openStore({ url: `postgresql://bot:Sup3r%23Secret@127.0.0.1:${port}/trading`, table: 'vars_backup', lockTimeoutMs: 100 }),
    );

    expect(Date.now() - started).toBeLessThan(5000);
    expect(error).toBeInstanceOf(RuntimeFailure);
    expect((error as Error).message).toBe(`could not connect (postgresql://bot:***@127.0.0.1:${port}/trading): connection refused`);
    expect((error as VarsctlError).hint).toMatch(/running/);
    expect(visibleText(error)).not.toContain('Sup3r');
  });

  it('times out on a server that never answers', async () => {
    const server = createServer((socket) => {
      sockets.push(socket);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;

    const started = Date.now();
    const error = await caught(
      openStore({ url: `postgresql://bot:hunter2@127.0.0.1:${port}/d?connect_timeout=2&sslmode=disable`, table: 'vars_backup', lockTimeoutMs: 100 }),
    );
    const waited = Date.now() - started;

    expect(error).toBeInstanceOf(RuntimeFailure);
    expect((error as Error).message).toMatch(/timed out after 2 s/);
    expect(waited).toBeGreaterThanOrEqual(1900);
    expect(waited).toBeLessThan(6000);
    expect(visibleText(error)).not.toContain('hunter2');
  });

  it('reports a startup error whose text says timeout as the server error', async (context) => {
    requireRealPostgres(context);
    const url = new URL(process.env['TEST_DATABASE_URL'] ?? '');
    url.searchParams.set('options', '-c statement_timeout=bogus');

    const started = Date.now();
    const error = await caught(openStore({ url: url.toString(), table: 'vars_backup', lockTimeoutMs: 100 }));
    const waited = Date.now() - started;

    expect(error).toBeInstanceOf(RuntimeFailure);
    expect((error as Error).message).toMatch(/invalid value for parameter "statement_timeout"/);
    expect((error as Error).message).not.toMatch(/timed out/);
    expect(waited).toBeLessThan(5000);
  });

  it('names a missing database', async (context) => {
    requireRealPostgres(context);
    const url = new URL(process.env['TEST_DATABASE_URL'] ?? '');
    url.pathname = '/varsctl_does_not_exist';
    const error = await caught(openStore({ url: url.toString(), table: 'vars_backup', lockTimeoutMs: 100 }));
    expect((error as Error).message).toMatch(/database "varsctl_does_not_exist" does not exist/);
  });
});

describe('busy PostgreSQL rows', () => {
  let db: TestDatabase | undefined;
  let holder: pg.Client | undefined;
  let store: Store | undefined;

  afterEach(async () => {
    await holder?.end();
    await store?.close();
    await db?.close();
  });

  it('waits the lock timeout, then fails with nothing changed', async (context) => {
    requireRealPostgres(context);
    db = await createTestDatabase('postgresql');
    await createBotTable(db);
    await insertRow(db, { id: 'a', last_updated: '2025-01-02 09:30:00-05:00', variables: '{"a": 1}', strategy_id: 'S' });
    store = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 500 });
    const loaded = (await store.readStrategy('S'))?.rows[0];

    holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query("SELECT 1 FROM vars_backup WHERE strategy_id = 'S' FOR UPDATE");

    const started = Date.now();
    const error = await caught(
      store.compareAndSwap('S', { lastUpdated: loaded?.lastUpdated ?? null, variables: loaded?.variables ?? null }, '{"a": 2}'),
    );

    expect(error).toBeInstanceOf(RuntimeFailure);
    expect((error as Error).message).toMatch(/locked by another transaction \(waited 0\.5 s\)/);
    expect(Date.now() - started).toBeLessThan(5000);
    await holder.query('ROLLBACK');
    expect(await db.query("SELECT variables FROM vars_backup WHERE strategy_id = 'S'")).toEqual([{ variables: '{"a": 1}' }]);
  });

  it('detects a change committed while waiting for the lock', async (context) => {
    requireRealPostgres(context);
    db = await createTestDatabase('postgresql');
    await createBotTable(db);
    await insertRow(db, { id: 'a', last_updated: '2025-01-02 09:30:00-05:00', variables: '{"a": 1}', strategy_id: 'S' });
    store = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 5000 });
    const loaded = (await store.readStrategy('S'))?.rows[0];

    holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query(`UPDATE vars_backup SET variables = '{"a": 9}', last_updated = now() WHERE strategy_id = 'S'`);

    const swap = store.compareAndSwap('S', { lastUpdated: loaded?.lastUpdated ?? null, variables: loaded?.variables ?? null }, '{"a": 2}');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await holder.query('COMMIT');
    const result = await swap;

    expect(result.status).toBe('conflict');
    expect(result.status === 'conflict' ? result.current?.variables : null).toBe('{"a": 9}');
    expect(await db.query("SELECT variables FROM vars_backup WHERE strategy_id = 'S'")).toEqual([{ variables: '{"a": 9}' }]);
  });
});
