import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { NotFoundError, UsageError } from '../../src/errors.js';
import { openStore, type Store } from '../../src/store/index.js';
import { DIALECTS, createBotTable, createTestDatabase, insertRow, quoteTableName, requireRealPostgres, type TestDatabase } from '../support/db.js';

const HOSTILE_NAMES = [
  'vars"; DROP TABLE vars_backup; --',
  "it's",
  'Стратегия 🚀',
  'semi;colon',
  'x) OR 1=1 --',
];

describe.each(DIALECTS)('table schema (%s)', (dialect) => {
  let db: TestDatabase;
  const stores: Store[] = [];

  async function open(table = 'vars_backup'): Promise<Store> {
    const store = await openStore({ url: db.url, table, lockTimeoutMs: 1000 });
    stores.push(store);
    return store;
  }

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
  });

  afterEach(async () => {
    for (const store of stores.splice(0)) {
      await store.close();
    }
    await db.close();
  });

  it('describes the bot table', async () => {
    await createBotTable(db);
    const info = await (await open()).describeTable();

    expect(info?.hasPrimaryKey).toBe(false);
    expect(info?.warnings).toEqual([]);
    const kinds = Object.fromEntries([...(info?.columns ?? [])].map(([name, column]) => [name, column.kind]));
    expect(kinds).toEqual(
      dialect === 'sqlite'
        ? { id: 'text', last_updated: 'timestamp', variables: 'text', strategy_id: 'text' }
        : { id: 'text', last_updated: 'timestamptz', variables: 'text', strategy_id: 'text' },
    );
  });

  it('returns null for a missing table', async () => {
    expect(await (await open()).describeTable()).toBeNull();
  });

  it('names the table and URL when missing', async () => {
    const store = await open();
    await expect(store.listSummaries()).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.listSummaries()).rejects.toThrow(`table vars_backup not found in ${db.url}`);
    await expect(store.readStrategy('x')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('creates nothing when reading', async () => {
    const store = await open();
    await store.describeTable();
    await store.listSummaries().catch(() => undefined);
    const tables =
      dialect === 'sqlite'
        ? await db.query("SELECT name FROM sqlite_master")
        : await db.query("SELECT tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')");
    expect(tables).toEqual([]);
  });

  it('reads a primary key variant', async () => {
    const timestampType = dialect === 'sqlite' ? 'TIMESTAMP' : 'timestamp without time zone';
    await db.exec(`CREATE TABLE vars_backup (id VARCHAR(36) PRIMARY KEY, last_updated ${timestampType}, variables VARCHAR(10000), strategy_id VARCHAR(255))`);
    await insertRow(db, { id: 'a', last_updated: '2025-07-01 12:00:00', variables: '{"x": 1}', strategy_id: 'S' });
    const store = await open();

    const info = await store.describeTable();
    expect(info?.hasPrimaryKey).toBe(true);
    expect(info?.columns.get('variables')?.kind).toBe('varchar');

    const rows = await store.readStrategy('S');
    expect(rows?.rows[0]?.variables).toBe('{"x": 1}');
    // Naive values are New York wall time: 12:00 EDT is 16:00 UTC.
    expect(rows?.rows[0]?.lastUpdated?.epochMicros).toBe(1_751_385_600_000_000n);
  });

  it('rejects a table without the bot columns', async () => {
    await db.exec('CREATE TABLE vars_backup (name TEXT)');
    await expect((await open()).listSummaries()).rejects.toBeInstanceOf(UsageError);
    await expect((await open()).listSummaries()).rejects.toThrow(/no column id, last_updated, variables, strategy_id/);
  });

  it('uses a schema-qualified table', async () => {
    const table = dialect === 'sqlite' ? 'main.bot_vars' : 'trading.bot_vars';
    if (dialect === 'postgresql') {
      await db.exec('CREATE SCHEMA trading');
    }
    await createBotTable(db, table);
    await insertRow(db, { id: 'a', last_updated: '2025-01-02 09:30:00-05:00', variables: '{}', strategy_id: 'S' }, table);

    const store = await open(table);
    const summaries = await store.listSummaries();
    expect(summaries.map((summary) => summary.strategyId)).toEqual(['INITIAL VALUE', 'S']);
  });

  it('reports a missing schema as a missing table', async () => {
    const store = await open('nowhere.vars_backup');
    expect(await store.describeTable()).toBeNull();
    await expect(store.listSummaries()).rejects.toBeInstanceOf(NotFoundError);
  });

  it.each(HOSTILE_NAMES)('treats table name %j as data', async (name) => {
    await createBotTable(db);
    await db.exec(`CREATE TABLE ${quoteTableName(name)} (id TEXT, last_updated TEXT, variables TEXT, strategy_id TEXT)`);
    await insertRow(db, { id: 'a', last_updated: '2025-01-02 09:30:00-05:00', variables: '{"n": 1}', strategy_id: name }, name);

    const store = await open(`"${name.replaceAll('"', '""')}"`);
    const summaries = await store.listSummaries();
    expect(summaries.map((summary) => summary.strategyId)).toEqual([name]);

    await store.insertStrategy('second', '{}');
    expect(await store.deleteStrategies([name, 'second'])).toBe(2);
    const botTable = await (await open()).listSummaries();
    expect(botTable.map((summary) => summary.strategyId)).toEqual(['INITIAL VALUE']);
  });

  it.each(HOSTILE_NAMES)('treats strategy name %j as data', async (name) => {
    await createBotTable(db);
    const store = await open();
    await store.insertStrategy(name, '{"a": 1}');

    const read = await store.readStrategy(name);
    expect(read?.rows[0]?.strategyId).toBe(name);
    expect(await store.deleteStrategies([name])).toBe(1);
    expect((await store.listSummaries()).map((summary) => summary.strategyId)).toEqual(['INITIAL VALUE']);
  });

  it('matches strategy names exactly', async () => {
    await createBotTable(db);
    await insertRow(db, { id: 'a', last_updated: '2025-01-02 09:30:00-05:00', variables: '{}', strategy_id: 'Bot' });
    const store = await open();

    expect(await store.readStrategy('bot')).toBeNull();
    expect(await store.readStrategy('Bot ')).toBeNull();
    expect(await store.readStrategy('Bot')).not.toBeNull();
  });

  it('rejects an invalid table name', async () => {
    await expect(openStore({ url: db.url, table: 'a.b.c', lockTimeoutMs: 100 })).rejects.toBeInstanceOf(UsageError);
    await expect(openStore({ url: db.url, table: '"open', lockTimeoutMs: 100 })).rejects.toBeInstanceOf(UsageError);
  });
});

describe('PostgreSQL names past 63 bytes', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase('postgresql');
  });

  afterEach(async () => {
    await db.close();
  });

  async function listedWith(table: string): Promise<{ strategies: string[]; warnings: string[] }> {
    const warnings: string[] = [];
    const store = await openStore({ url: db.url, table, lockTimeoutMs: 100, onWarning: (warning) => warnings.push(warning) });
    try {
      return { strategies: (await store.listSummaries()).map((summary) => summary.strategyId), warnings };
    } finally {
      await store.close();
    }
  }

  it.each([
    ['a table name', 't'.repeat(64), 't'.repeat(63), 't'.repeat(63)],
    ['a schema name', `${'s'.repeat(70)}.vars_backup`, `${'s'.repeat(63)}.vars_backup`, `${'s'.repeat(63)}.vars_backup`],
    // é is two bytes, so the stored name ends before the character that would cross the limit.
    ['a name cut inside a character', `${'a'.repeat(62)}é`, 'a'.repeat(62), 'a'.repeat(62)],
  ])('reads %s as PostgreSQL stores it', async (_case, table, shown, stored) => {
    if (stored.includes('.')) {
      await db.exec(`CREATE SCHEMA ${stored.split('.')[0]}`);
    }
    await createBotTable(db, stored);
    await insertRow(db, { id: 'a', last_updated: '2025-01-02 09:30:00-05:00', variables: '{}', strategy_id: 'Bot' }, stored);

    const listed = await listedWith(table);

    expect(listed.strategies.sort()).toEqual(['Bot', 'INITIAL VALUE']);
    expect(listed.warnings).toEqual([`PostgreSQL keeps only the first 63 bytes of a name, so --table ${table} is the table ${shown}`]);
  });

  it('reads a name of exactly 63 bytes without a warning', async () => {
    const table = 'v'.repeat(63);
    await createBotTable(db, table);

    const listed = await listedWith(table);

    expect(listed.strategies).toEqual(['INITIAL VALUE']);
    expect(listed.warnings).toEqual([]);
  });
});

describe('a PostgreSQL schema that does not exist', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase('postgresql');
  });

  afterEach(async () => {
    await db.close();
  });

  // The URL's options set the session's search_path, as a role's setting would.
  async function restoreCheckError(table: string, searchPath: string): Promise<unknown> {
    const url = `${db.url}?options=${encodeURIComponent(`-c search_path=${searchPath}`)}`;
    const store = await openStore({ url, table, lockTimeoutMs: 1000 });
    try {
      return await store.checkRestore().then(
        () => undefined,
        (error: unknown) => error,
      );
    } finally {
      await store.close();
    }
  }

  it('points at --table when it names the schema', async (context) => {
    requireRealPostgres(context);

    const error = await restoreCheckError('missing_schema.vars_backup', 'public');

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ hint: 'check the schema part of --table' });
  });

  it('points at the search_path when --table has no schema', async (context) => {
    requireRealPostgres(context);

    const error = await restoreCheckError('vars_backup', 'missing_schema');

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ hint: expect.stringMatching(/^no schema in the search_path of user "\w+" exists, .* such as --table public\.vars_backup,/) });
  });
});

describe('jsonb variables (postgresql)', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase('postgresql');
  });

  afterEach(async () => {
    await db.close();
  });

  it('reads a jsonb column and warns', async () => {
    await db.exec('CREATE TABLE vars_backup (id text, last_updated timestamptz, variables jsonb, strategy_id text)');
    await insertRow(db, { id: 'a', last_updated: '2025-01-02 09:30:00-05:00', variables: '{"b": 1,   "a": [1]}', strategy_id: 'S' });
    const store = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 1000 });

    try {
      const info = await store.describeTable();
      expect(info?.columns.get('variables')?.kind).toBe('jsonb');
      expect(info?.warnings).toHaveLength(1);
      expect(info?.warnings[0]).toMatch(/jsonb/);
      expect(info?.warnings[0]).toMatch(/bot cannot load/);

      const rows = await store.readStrategy('S');
      expect(rows?.rows[0]?.variables).toBe('{"a": [1], "b": 1}');
    } finally {
      await store.close();
    }
  });

  it('rejects NaN in a jsonb column with a hint', async () => {
    await db.exec('CREATE TABLE vars_backup (id text, last_updated timestamptz, variables jsonb, strategy_id text)');
    const store = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 1000 });
    try {
      await expect(store.insertStrategy('S', '{"a": NaN}')).rejects.toThrow(UsageError);
    } finally {
      await store.close();
    }
  });
});
