import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openStore } from '../../src/store/index.js';
import { encodeEscaped } from '../../src/store/utf8.js';
import { runShell, runVarsctl, shellQuote, varsctlCommand } from '../e2e/run.js';
import { createBotTable, createEncodedDatabase, createTestDatabase, requireRealPostgres, type TestDatabase } from '../support/db.js';
import { expectExactNameMatches, insertLookAlikes, remainingLookAlikes } from '../support/look-alike-names.js';

// {"a": "<FF>"}: the byte FF can never appear in UTF-8.
const BAD_HEX = '7B2261223A2022FF227D';

// A SQL_ASCII database stores the bytes of a text unchecked, and the server
// fails a query that would send a text that is not valid UTF-8 to a UTF-8
// client. One such row must not stop varsctl from reading it or the others.
describe('a SQL_ASCII PostgreSQL database with bytes that are not UTF-8', () => {
  let db: TestDatabase | undefined;
  let folder: string;

  beforeEach(async (context) => {
    requireRealPostgres(context);
    db = await createEncodedDatabase('SQL_ASCII');
    await createBotTable(db);
    await db.exec(`INSERT INTO vars_backup VALUES ('b10', '2026-12-04 10:00:00-05', convert_from('\\x${BAD_HEX}'::bytea, 'SQL_ASCII'), 'BadUtf8Text')`);
    await db.exec(`INSERT INTO vars_backup VALUES ('g10', '2026-12-04 10:00:00-05', '{"b": 1}', 'GoodText')`);
    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-sql-ascii-'));
  });

  afterEach(async () => {
    await db?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  function database(): TestDatabase {
    if (db === undefined) {
      throw new Error('the SQL_ASCII database was not created');
    }
    return db;
  }

  async function storedHex(strategyId: string): Promise<string> {
    const rows = await database().query(`SELECT upper(encode(convert_to(variables, 'SQL_ASCII'), 'hex')) AS hex FROM vars_backup WHERE strategy_id = $1`, [strategyId]);
    return String(rows[0]?.['hex']);
  }

  it('reads the exact bytes through the store', async () => {
    const store = await openStore({ url: database().url, table: 'vars_backup', lockTimeoutMs: 1000 });
    try {
      const strategy = await store.readStrategy('BadUtf8Text');
      expect(encodeEscaped(strategy?.rows[0]?.variables ?? '').toString('hex').toUpperCase()).toBe(BAD_HEX);

      const summaries = await store.listSummaries();
      const bad = summaries.find((summary) => summary.strategyId === 'BadUtf8Text');
      expect(encodeEscaped(bad?.variables ?? '').toString('hex').toUpperCase()).toBe(BAD_HEX);
      expect(summaries.find((summary) => summary.strategyId === 'GoodText')?.variables).toBe('{"b": 1}');
    } finally {
      await store.close();
    }
  });

  it('lists every strategy and flags the bad bytes', async () => {
    const result = await runVarsctl(['--db', database().url, 'list']);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/BadUtf8Text.*not valid UTF-8 at byte 7/);
    expect(result.stdout).toMatch(/GoodText +1 /);
  });

  it('lists names differing in bad bytes', async () => {
    await database().exec(`INSERT INTO vars_backup VALUES ('n1', now(), '{}', convert_from('\\x4261644E616D65FF'::bytea, 'SQL_ASCII'))`);
    await database().exec(`INSERT INTO vars_backup VALUES ('n2', now(), '{}', convert_from('\\x4261644E616D65FE'::bytea, 'SQL_ASCII'))`);

    const store = await openStore({ url: database().url, table: 'vars_backup', lockTimeoutMs: 1000 });
    try {
      const listed = (await store.listSummaries()).map((summary) => summary.strategyId).filter((name) => name.startsWith('BadName'));
      expect(listed.sort()).toEqual(['BadName\udcfe', 'BadName\udcff']);
      const names = (await store.listStrategyIds()).filter((name) => name.startsWith('BadName'));
      expect(names).toEqual(['BadName\udcfe', 'BadName\udcff']);
    } finally {
      await store.close();
    }
  });

  it('prints the exact bytes with show --raw', async () => {
    const result = await runVarsctl(['--db', database().url, 'show', 'BadUtf8Text', '--raw']);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdoutBytes.toString('hex').toUpperCase()).toBe(BAD_HEX);
  });

  it('fails set of the bad text with exit 5', async () => {
    const result = await runVarsctl(['--db', database().url, 'set', 'BadUtf8Text', 'b', '1']);

    expect(result.exitCode).toBe(5);
    expect(result.stderr).toMatch(/not valid UTF-8 at byte 7/);
    expect(await storedHex('BadUtf8Text')).toBe(BAD_HEX);
  });

  it('sets another strategy and keeps the bad bytes', async () => {
    const result = await runVarsctl(['--db', database().url, 'set', 'GoodText', 'b', '2']);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(await database().query(`SELECT variables FROM vars_backup WHERE strategy_id = 'GoodText'`)).toEqual([{ variables: '{"b": 2}' }]);
    expect(await storedHex('BadUtf8Text')).toBe(BAD_HEX);
  });

  it('swaps the bad text after another write', async () => {
    const store = await openStore({ url: database().url, table: 'vars_backup', lockTimeoutMs: 1000 });
    try {
      const read = await store.readStrategy('BadUtf8Text');
      const loaded = read?.rows[read.loadedIndex];
      // A write to the row in between makes the swap compare digests instead of tuple versions.
      await database().exec(`UPDATE vars_backup SET id = 'b11' WHERE strategy_id = 'BadUtf8Text'`);

      const swap = await store.compareAndSwap('BadUtf8Text', { lastUpdated: loaded?.lastUpdated ?? null, variables: loaded?.variables ?? null }, '{"a": "b"}');
      expect(swap.status).toBe('updated');
    } finally {
      await store.close();
    }
    expect(await database().query(`SELECT variables FROM vars_backup WHERE strategy_id = 'BadUtf8Text'`)).toEqual([{ variables: '{"a": "b"}' }]);
  });

  it('purges the name with the bad byte and not its look-alike', async () => {
    // Bad<FF>Id is old, and Bad<U+FFFD>Id is live: a name sent with U+FFFD for the bad byte would match the live one.
    await insertLookAlikes(database(), "now() - interval '1 hour'", 'now()');

    const aged = await runVarsctl(['--db', database().url, 'purge', '--older-than', '30m', '--yes', '--backup-dir', folder]);

    expect(aged.exitCode, aged.stderr).toBe(0);
    expect(await remainingLookAlikes(database())).toEqual([{ id: 'n2' }]);
  });

  it('matches a name with a bad byte exactly', async () => {
    await insertLookAlikes(database(), 'now()', 'now()');

    await expectExactNameMatches(database());
  });

  it.for([
    ['every strategy', []],
    ['a named strategy', ['BadUtf8Text']],
  ] as const)('exports %s and restores the bytes into SQLite', async ([, strategyIds]) => {
    const exportFile = path.join(folder, 'backup.jsonl');
    const exported = await runVarsctl(['--db', database().url, 'export', ...strategyIds, '-o', exportFile]);
    expect(exported.exitCode, exported.stderr).toBe(0);

    const target = await createTestDatabase('sqlite');
    try {
      const restored = await runVarsctl(['--db', target.url, 'restore', exportFile, '--yes']);
      expect(restored.exitCode, restored.stderr).toBe(0);

      const rows = await target.query(`SELECT hex(variables) AS hex FROM vars_backup WHERE strategy_id = 'BadUtf8Text'`);
      expect(rows).toEqual([{ hex: BAD_HEX }]);
    } finally {
      await target.close();
    }
  });

  it('restores the copy a purge saved', async () => {
    await database().exec(`INSERT INTO vars_backup VALUES ('n1', now() - interval '1 day', '{}', convert_from('\\x4261644E616D65FF'::bytea, 'SQL_ASCII'))`);
    await database().exec(`UPDATE vars_backup SET last_updated = now() WHERE strategy_id = 'GoodText'`);

    const purged = await runVarsctl(['--db', database().url, 'purge', '--older-than', '1h', '--yes', '--backup-dir', folder]);
    expect(purged.exitCode, purged.stderr).toBe(0);
    const backup = /saved the purged rows to (\S+);/.exec(purged.stderr)?.[1] ?? '';
    expect(await database().query(`SELECT id FROM vars_backup WHERE id IN ('b10', 'n1')`)).toEqual([]);

    const restored = await runVarsctl(['--db', database().url, 'restore', backup, '--yes']);

    expect(restored.exitCode, restored.stderr).toBe(0);
    expect(await storedHex('BadUtf8Text')).toBe(BAD_HEX);
    const names = await database().query(`SELECT upper(encode(convert_to(strategy_id, 'SQL_ASCII'), 'hex')) AS hex FROM vars_backup WHERE id = 'n1'`);
    expect(names).toEqual([{ hex: '4261644E616D65FF' }]);
    expect(await database().query(`SELECT variables FROM vars_backup WHERE strategy_id = 'GoodText'`)).toEqual([{ variables: '{"b": 1}' }]);
  });

  it('creates a strategy named with a bad byte', async () => {
    const created = await runShell(`${varsctlCommand()} --db ${shellQuote(database().url)} set "$(printf 'New\\377')" k 1 --create`);

    expect(created.exitCode, created.stderr).toBe(0);
    const names = await database().query(`SELECT upper(encode(convert_to(strategy_id, 'SQL_ASCII'), 'hex')) AS hex FROM vars_backup WHERE strategy_id LIKE 'New%'`);
    expect(names).toEqual([{ hex: '4E6577FF' }]);
    const value = await runShell(`${varsctlCommand()} --db ${shellQuote(database().url)} show "$(printf 'New\\377')" k`);
    expect(value.exitCode, value.stderr).toBe(0);
    expect(value.stdout).toBe('1\n');
  });

  it('restores bytes from SQLite into SQL_ASCII', async () => {
    const source = await createTestDatabase('sqlite');
    const exportFile = path.join(folder, 'from-sqlite.jsonl');
    try {
      await createBotTable(source);
      await source.exec(`INSERT INTO vars_backup VALUES ('s1', '2026-12-04 10:00:00.000000-05:00', CAST(X'7B2263223A2022FE227D' AS TEXT), 'FromSqlite')`);
      const exported = await runVarsctl(['--db', source.url, 'export', '-o', exportFile]);
      expect(exported.exitCode, exported.stderr).toBe(0);
    } finally {
      await source.close();
    }

    const dryRun = await runVarsctl(['--db', database().url, 'restore', exportFile, '--dry-run']);
    expect(dryRun.exitCode, dryRun.stderr).toBe(0);
    const restored = await runVarsctl(['--db', database().url, 'restore', exportFile, '--yes']);

    expect(restored.exitCode, restored.stderr).toBe(0);
    expect(await storedHex('FromSqlite')).toBe('7B2263223A2022FE227D');
  });
});
