/**
 * Ctrl-C (SIGINT) and SIGTERM in the middle of an export or a restore. The
 * command must exit 1 with one clear line. An export must leave no file (and
 * no temporary file) at the destination, and a restore must leave the table
 * exactly as it was.
 *
 * On PostgreSQL a trigger slows the restore's writes and exposes their
 * progress (support/slow-rows.ts), so the signal lands after a known number
 * of rows. On SQLite the signal is sent once the rollback journal shows an
 * open transaction.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it, type TestContext } from 'vitest';

import { RuntimeFailure } from '../../src/errors.js';
import { openStore, type RestoreRow } from '../../src/store/index.js';
import { insertLargeRows, tableRows, temporaryFiles } from '../e2e/export-support.js';
import { runVarsctl, startVarsctl } from '../e2e/run.js';
import { botUpdate, DAY_SECONDS, seedBotTable } from '../e2e/seed.js';
import { createTestDatabase, DIALECTS, requireRealPostgres, type TestDatabase } from '../support/db.js';
import { sleep } from './support/live-bot.js';
import { installSlowRows, waitForRows } from './support/slow-rows.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

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

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      `error: export interrupted by ${signal}: no file was written\nhint: run the export again when it can finish\n`,
    );
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
      const journal = `${database.file}-journal`;
      await waitUntil(() => existsSync(journal) && statSync(journal).size > 0);
    }
    running.child.kill(signal);
    const result = await running.result;

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      `error: restore interrupted by ${signal}: the transaction was rolled back, so nothing was written\n` +
        'hint: run the restore again when it can finish\n',
    );
    expect(await tableRows(database)).toEqual(before);
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

async function waitUntil(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms`);
    }
    await sleep(1);
  }
}
