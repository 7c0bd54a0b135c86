/**
 * Ctrl-C (SIGINT) and SIGTERM at several moments: in the middle of an export
 * or a restore, early in an export, and while list or show wait for a
 * query. The command must exit 130 (SIGINT) or 143 (SIGTERM) with one line
 * on stderr. An export must leave no file (and no temporary file) at the
 * destination, a restore must leave the table exactly as it was, and the
 * command's database session must end.
 *
 * On PostgreSQL a trigger slows the restore's writes and exposes their
 * progress (support/slow-rows.ts), so the signal lands after a known number
 * of rows, and a table lock held by the test makes a query wait. On SQLite
 * the restore's signal is sent once the rollback journal shows an open
 * transaction. A query that waits for a locked SQLite file blocks
 * JavaScript, so there the signal ends the process at once, with no line.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it, type TestContext } from 'vitest';

import { RuntimeFailure } from '../../src/errors.js';
import { openStore, type RestoreRow } from '../../src/store/index.js';
import { insertLargeRows, tableRows, temporaryFiles } from '../e2e/export-support.js';
import { runVarsctl, startVarsctl, type RunResult } from '../e2e/run.js';
import { botUpdate, DAY_SECONDS, seedBotTable } from '../e2e/seed.js';
import { createTestDatabase, DIALECTS, requireRealPostgres, type TestDatabase } from '../support/db.js';
import { waitForRestoreJournal } from '../support/restore-journal.js';
import { sleep } from './support/live-bot.js';
import { installSlowRows, waitForRows } from './support/slow-rows.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

describe.each(DIALECTS)('interrupted on %s', (dialect) => {
  let db: TestDatabase | undefined;
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-interrupt-'));
  });

  afterEach(async () => {
    await db?.close();
    db = undefined;
    rmSync(folder, { recursive: true, force: true });
  });

  async function openDatabase(context: TestContext): Promise<TestDatabase> {
    if (dialect === 'postgresql') {
      requireRealPostgres(context);
    }
    db = await createTestDatabase(dialect);
    return db;
  }

  it.for(SIGNALS)('export leaves no file on %s', async (signal, context) => {
    const database = await openDatabase(context);
    await seedBotTable(database, []);
    await insertLargeRows(database, 400, 100_000);
    const file = path.join(folder, 'backup.jsonl');

    const running = startVarsctl(['--db', database.url, 'export', '-o', file], { timeoutMs: 120_000 });
    await waitUntil(() => temporaryFiles(folder).some((name) => statSync(path.join(folder, name)).size > 0));
    running.child.kill(signal);
    const result = await running.result;

    expect(result.exitCode).toBe(EXIT_CODES[signal]);
    expect(result.stderr).toBe(`error: export interrupted by ${signal}: no file was written\n`);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(folder)).toEqual([]);
  });

  it.for(SIGNALS)('restore writes nothing on %s', async (signal, context) => {
    const database = await openDatabase(context);
    const file = await prepareRestore(database, folder);
    const before = await tableRows(database);
    if (dialect === 'postgresql') {
      await installSlowRows(database, 0.005);
    }

    const running = startVarsctl(['--db', database.url, 'restore', file, '--yes'], { timeoutMs: 120_000 });
    if (dialect === 'postgresql') {
      await waitForRows(database, 50);
    } else {
      await waitForRestoreJournal(database.file);
    }
    running.child.kill(signal);
    const result = await running.result;

    expect(result.exitCode).toBe(EXIT_CODES[signal]);
    expect(result.stderr).toBe(`error: restore interrupted by ${signal}: the transaction was rolled back, so nothing was written\n`);
    expect(await tableRows(database)).toEqual(before);
  });

  it.for(SIGNALS)('export before its file exists on %s', async (signal, context) => {
    const database = await openDatabase(context);
    await seedBotTable(database, [{ strategyId: 'Alpha', variables: '{"qty": 1}' }]);
    const file = path.join(folder, 'backup.jsonl');

    // Naming a strategy makes the export read it before it opens the file.
    const result = await interruptWhileLocked(database, ['export', 'Alpha', '-o', file], signal);

    expect(existsSync(file)).toBe(false);
    expect(readdirSync(folder)).toEqual([]);
    expect(result.stdout).toBe('');
    if (dialect === 'sqlite') {
      expect(result.signal).toBe(signal);
      return;
    }
    expect(result.exitCode).toBe(EXIT_CODES[signal]);
    expect(result.stderr).toBe(`error: export interrupted by ${signal}: no file was written\n`);
  });

  it.for(SIGNALS)('export before its first row on %s', async (signal, context) => {
    const database = await openDatabase(context);
    await seedBotTable(database, [{ strategyId: 'Alpha', variables: '{"qty": 1}' }]);
    const file = path.join(folder, 'backup.jsonl');

    const result = await interruptWhileLocked(database, ['export', '-o', file], signal);

    expect(existsSync(file)).toBe(false);
    expect(readdirSync(folder)).toEqual([]);
    if (dialect === 'sqlite') {
      expect(result.signal).toBe(signal);
      return;
    }
    expect(result.exitCode).toBe(EXIT_CODES[signal]);
    expect(result.stderr).toBe(`error: export interrupted by ${signal}: no file was written\n`);
  });

  it.for(SIGNALS)('export to stdout before its first row on %s', async (signal, context) => {
    const database = await openDatabase(context);
    await seedBotTable(database, [{ strategyId: 'Alpha', variables: '{"qty": 1}' }]);

    const result = await interruptWhileLocked(database, ['export', 'Alpha'], signal);

    expect(result.stdout).toBe('');
    if (dialect === 'sqlite') {
      expect(result.signal).toBe(signal);
      return;
    }
    expect(result.exitCode).toBe(EXIT_CODES[signal]);
    expect(result.stderr).toBe(`error: export interrupted by ${signal}: nothing was written to stdout\n`);
  });

  it.for(SIGNALS)('list during its query on %s', async (signal, context) => {
    const database = await openDatabase(context);
    await seedBotTable(database, [{ strategyId: 'Alpha', variables: '{"qty": 1}' }]);
    const before = await tableRows(database);

    const result = await interruptWhileLocked(database, ['list'], signal);

    expect(result.stdout).toBe('');
    expect(await tableRows(database)).toEqual(before);
    if (dialect === 'sqlite') {
      expect(result.signal).toBe(signal);
      return;
    }
    expect(result.exitCode).toBe(EXIT_CODES[signal]);
    expect(result.stderr).toBe(`error: list interrupted by ${signal}: nothing was changed\n`);
  });

  it.for(SIGNALS)('show during its query on %s', async (signal, context) => {
    const database = await openDatabase(context);
    await seedBotTable(database, [{ strategyId: 'Alpha', variables: '{"qty": 1}' }]);
    const before = await tableRows(database);

    const result = await interruptWhileLocked(database, ['show', 'Alpha'], signal);

    expect(result.stdout).toBe('');
    expect(await tableRows(database)).toEqual(before);
    if (dialect === 'sqlite') {
      expect(result.signal).toBe(signal);
      return;
    }
    expect(result.exitCode).toBe(EXIT_CODES[signal]);
    expect(result.stderr).toBe(`error: show interrupted by ${signal}: nothing was changed\n`);
  });

  it('store rolls back an abort during the last batch', async () => {
    // Without TEST_DATABASE_URL this runs on PGlite, which is enough for one connection.
    const database = await createTestDatabase(dialect);
    db = database;
    await seedBotTable(database, [{ strategyId: 'Alpha', variables: '{"qty": 1}' }]);
    const before = await tableRows(database);
    const store = await openStore({ url: database.url, table: 'vars_backup', lockTimeoutMs: 5000 });
    const controller = new AbortController();

    // The abort comes after the last row is handed over, while the store
    // writes its final batch, so the loop over the rows never notices it.
    async function* rows(): AsyncGenerator<RestoreRow> {
      yield { strategyId: 'Alpha', id: 'alpha', lastUpdated: null, variables: '{"qty": 2}' };
      yield { strategyId: 'Beta', id: 'beta', lastUpdated: null, variables: '{"qty": 3}' };
      controller.abort(new RuntimeFailure('restore interrupted by SIGINT'));
    }

    try {
      await expect(store.replaceStrategies(['Alpha', 'Beta'], rows(), { signal: controller.signal })).rejects.toThrow(
        'restore interrupted by SIGINT',
      );
    } finally {
      await store.close();
    }
    expect(await tableRows(database)).toEqual(before);
  });
});

/**
 * Writes an export of 300 large strategies plus Alpha, then removes the
 * large ones and edits Alpha, so that the restore has much to write.
 */
async function prepareRestore(database: TestDatabase, folder: string): Promise<string> {
  await seedBotTable(database, [{ strategyId: 'Alpha', variables: '{"qty": 1}' }]);
  await insertLargeRows(database, 300, database.dialect === 'sqlite' ? 100_000 : 1000);
  const file = path.join(folder, 'export.jsonl');
  const exported = await runVarsctl(['--db', database.url, 'export', '-o', file]);
  expect(exported.exitCode).toBe(0);

  await database.exec("DELETE FROM vars_backup WHERE strategy_id LIKE 'large-%'");
  await botUpdate(database, 'Alpha', '{"qty": 2}', DAY_SECONDS);
  return file;
}

/**
 * Runs varsctl while the test holds a lock that makes its queries wait
 * (ACCESS EXCLUSIVE on PostgreSQL, BEGIN EXCLUSIVE on SQLite), sends
 * `signal` once it waits, and releases the lock after it ended. On
 * PostgreSQL it then checks that the command's session ended too.
 */
async function interruptWhileLocked(database: TestDatabase, args: readonly string[], signal: NodeJS.Signals): Promise<RunResult> {
  if (database.dialect === 'postgresql') {
    await database.exec('BEGIN');
    await database.exec('LOCK TABLE vars_backup IN ACCESS EXCLUSIVE MODE');
  } else {
    await database.exec('BEGIN EXCLUSIVE');
  }

  const started = Date.now();
  const running = startVarsctl(['--db', database.url, '--lock-timeout', '30000', ...args], { timeoutMs: 60_000 });
  if (database.dialect === 'postgresql') {
    await waitUntilAsync(async () => (await lockWaits(database)) > 0);
  } else {
    await sleep(1500);
  }
  running.child.kill(signal);
  const result = await running.result;
  await database.exec('ROLLBACK');

  // Well within --lock-timeout: the signal did not wait for the lock.
  expect(Date.now() - started).toBeLessThan(20_000);
  if (database.dialect === 'postgresql') {
    await waitUntilAsync(async () => (await otherSessions(database)) === 0);
  }
  return result;
}

/** Sessions of this database that wait for a lock. */
async function lockWaits(database: TestDatabase): Promise<number> {
  await database.query('SELECT pg_stat_clear_snapshot()');
  const rows = await database.query(
    "SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
  );
  return Number(rows[0]?.['count']);
}

/** Sessions of this database other than the test's own. */
async function otherSessions(database: TestDatabase): Promise<number> {
  await database.query('SELECT pg_stat_clear_snapshot()');
  const rows = await database.query(
    'SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  return Number(rows[0]?.['count']);
}

async function waitUntilAsync(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms`);
    }
    await sleep(50);
  }
}

async function waitUntil(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms`);
    }
    await sleep(1);
  }
}
