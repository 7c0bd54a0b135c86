import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import Database from 'better-sqlite3';
import pg from 'pg';
import { inject } from 'vitest';

// Type-only: brings in the ProvidedContext entry without loading PGlite in workers.
import type {} from './global-setup.js';

/**
 * Fresh databases for tests, one per call, for both dialects.
 *
 * PostgreSQL: with TEST_DATABASE_URL set (a real server), each call creates a
 * database `varsctl_<random>` and drops it on close. Without it, each call
 * leases an in-process PGlite database from the pool that the global setup
 * starts; PGlite serves every connection from one session, so tests that need
 * real concurrency call `requireRealPostgres()`.
 *
 * SQLite: a fresh file in a temporary folder, removed on close.
 */

export const DIALECTS = ['postgresql', 'sqlite'] as const;

export type TestDialect = (typeof DIALECTS)[number];

export interface TestDatabase {
  readonly dialect: TestDialect;
  /** What a user passes to --db. */
  readonly url: string;
  /** SQLite only: the database file. */
  readonly file?: string;
  /** True when PostgreSQL is PGlite rather than a real server. */
  readonly pglite: boolean;
  query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  exec(sql: string): Promise<void>;
  /** Closes the connection and drops the database. */
  close(): Promise<void>;
}

export interface RawRow {
  id: string | null;
  /** Written as given. SQLite stores the value as is, and PostgreSQL casts its text to the column type. */
  last_updated: string | number | null;
  variables: string | null;
  strategy_id: string | null;
}

export function usingRealPostgres(): boolean {
  return Boolean(process.env['TEST_DATABASE_URL']);
}

/**
 * Skips the calling test when PostgreSQL is PGlite. Pass the test's context:
 * `it(name, (context) => ...)` or `it.for(cases)(name, (item, context) => ...)`,
 * because `it.each` does not pass one.
 */
export function requireRealPostgres(context: { skip: (note?: string) => void } | undefined): void {
  if (usingRealPostgres()) {
    return;
  }
  if (context === undefined || typeof context.skip !== 'function') {
    throw new Error('requireRealPostgres needs the test context, and it.each does not pass one: use it.for');
  }
  context.skip('needs a real PostgreSQL server: set TEST_DATABASE_URL');
}

export async function createTestDatabase(dialect: TestDialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    return createSqliteDatabase();
  }
  return usingRealPostgres() ? createServerDatabase() : leasePgliteDatabase();
}

/** Creates the backup table exactly as the bot does, with its placeholder row. */
export async function createBotTable(db: TestDatabase, tableName = 'vars_backup'): Promise<void> {
  const table = quoteTableName(tableName);
  const dot = tableName.indexOf('.');
  const bareName = tableName.slice(dot + 1);
  const index = quoteIdentifier(`ix_${bareName}_id`);

  if (db.dialect === 'sqlite') {
    // SQLite qualifies the index name, never the table an index is on.
    const schemaPrefix = dot === -1 ? '' : `${quoteIdentifier(tableName.slice(0, dot))}.`;
    await db.exec(`CREATE TABLE ${table} (\n\tid TEXT, \n\tlast_updated TIMESTAMP, \n\tvariables TEXT, \n\tstrategy_id TEXT\n)`);
    await db.exec(`CREATE INDEX ${schemaPrefix}${index} ON ${quoteIdentifier(bareName)} (id)`);
    await insertRow(db, { id: randomUUID(), last_updated: newYorkWallTime(new Date()), variables: 'INITIAL VALUE', strategy_id: 'INITIAL VALUE' }, tableName);
    return;
  }

  await db.exec(`CREATE TABLE ${table} (\n\tid TEXT, \n\tlast_updated TIMESTAMP WITH TIME ZONE, \n\tvariables TEXT, \n\tstrategy_id TEXT\n)`);
  await db.exec(`CREATE INDEX ${index} ON ${table} (id)`);
  await db.query(`INSERT INTO ${table} (id, last_updated, variables, strategy_id) VALUES ($1, now(), $2, $3)`, [
    randomUUID(),
    'INITIAL VALUE',
    'INITIAL VALUE',
  ]);
}

/** Writes one row with raw values, bypassing varsctl. */
export async function insertRow(db: TestDatabase, row: RawRow, tableName = 'vars_backup'): Promise<void> {
  const table = quoteTableName(tableName);
  const values = [row.id, row.last_updated, row.variables, row.strategy_id];

  if (db.dialect === 'sqlite') {
    await db.query(`INSERT INTO ${table} (id, last_updated, variables, strategy_id) VALUES (?, ?, ?, ?)`, values);
    return;
  }
  const text = values.map((value) => (value === null ? null : String(value)));
  await db.query(`INSERT INTO ${table} (id, last_updated, variables, strategy_id) VALUES ($1, $2, $3, $4)`, text);
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes `schema.table` or `table`, split at the first dot, so test names keep dots out of both parts. */
export function quoteTableName(tableName: string): string {
  const dot = tableName.indexOf('.');
  if (dot === -1) {
    return quoteIdentifier(tableName);
  }
  return `${quoteIdentifier(tableName.slice(0, dot))}.${quoteIdentifier(tableName.slice(dot + 1))}`;
}

/** `YYYY-MM-DD HH:MM:SS.ffffff` New York wall time, as pandas writes the placeholder row. */
export function newYorkWallTime(date: Date): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/New_York',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(date);
  const part = (type: string) => parts.find((candidate) => candidate.type === type)?.value ?? '';
  const micros = String(date.getUTCMilliseconds() * 1000).padStart(6, '0');
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}.${micros}`;
}

function createSqliteDatabase(): TestDatabase {
  const folder = mkdtempSync(path.join(tmpdir(), 'varsctl-test-'));
  const file = path.join(folder, 'bot.db');
  const connection = new Database(file);

  return {
    dialect: 'sqlite',
    url: `sqlite:///${file}`,
    file,
    pglite: false,
    async query(sql, params = []) {
      const statement = connection.prepare(sql);
      if (statement.reader) {
        return statement.all(...params) as Record<string, unknown>[];
      }
      statement.run(...params);
      return [];
    },
    async exec(sql) {
      connection.exec(sql);
    },
    async close() {
      connection.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/**
 * Creates a database on the real server with the server encoding `encoding`,
 * such as SQL_ASCII, which PGlite does not offer. Call requireRealPostgres first.
 */
export async function createEncodedDatabase(encoding: string): Promise<TestDatabase> {
  return createServerDatabase(encoding);
}

async function createServerDatabase(encoding?: string): Promise<TestDatabase> {
  const serverUrl = new URL(process.env['TEST_DATABASE_URL'] ?? '');
  const name = `varsctl_${randomBytes(6).toString('hex')}`;
  // Only template0 may be copied with another encoding, and a locale other than C fits only one encoding.
  const options = encoding === undefined ? '' : ` ENCODING '${encoding}' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'`;

  const admin = new pg.Client({ connectionString: serverUrl.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${quoteIdentifier(name)}${options}`);
  } finally {
    await admin.end();
  }

  const databaseUrl = new URL(serverUrl);
  databaseUrl.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: databaseUrl.toString() });
  await client.connect();

  return wrapClient(client, databaseUrl.toString(), false, async () => {
    const dropper = new pg.Client({ connectionString: serverUrl.toString() });
    await dropper.connect();
    try {
      await dropper.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
    } finally {
      await dropper.end();
    }
  });
}

async function leasePgliteDatabase(): Promise<TestDatabase> {
  const controlUrl = inject('pgliteControlUrl');
  if (!controlUrl) {
    throw new Error('no PostgreSQL for tests: set TEST_DATABASE_URL or run through vitest with its global setup');
  }

  const url = await (await fetch(`${controlUrl}/lease`)).text();
  const client = new pg.Client({ connectionString: url });
  await client.connect();

  return wrapClient(client, url, true, async () => {
    await fetch(`${controlUrl}/release?url=${encodeURIComponent(url)}`);
  });
}

function wrapClient(client: pg.Client, url: string, pglite: boolean, drop: () => Promise<void>): TestDatabase {
  let closed = false;

  return {
    dialect: 'postgresql',
    url,
    pglite,
    async query(sql, params = []) {
      const result = await client.query(sql, [...params]);
      return result.rows as Record<string, unknown>[];
    },
    async exec(sql) {
      await client.query(sql);
    },
    async close() {
      if (closed) {
        return;
      }
      closed = true;
      await client.end();
      await drop();
    },
  };
}
