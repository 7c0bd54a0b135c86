import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createBotTable, createTestDatabase, insertRow, requireRealPostgres, type TestDatabase } from '../support/db.js';
import { runVarsctl, startVarsctl, type RunResult } from './run.js';

const OLD = '2026-01-01 10:00:00-05';

// The bot backs up a strategy while a purge or restore of it runs: its
// UPDATE is held open here until varsctl waits for the row lock, and
// committed then. varsctl must keep the bot's write and exit 4.
describe('a bot write during a destructive command', () => {
  let db: TestDatabase | undefined;
  let folder: string;

  beforeEach(async (context) => {
    requireRealPostgres(context);
    db = await createTestDatabase('postgresql');
    await createBotTable(db);
    await insertRow(db, { id: 'b1', last_updated: OLD, variables: '{"qty": 1}', strategy_id: 'Bot' });
    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-concurrent-'));
  });

  afterEach(async () => {
    await db?.exec('ROLLBACK').catch(() => undefined);
    await db?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  function database(): TestDatabase {
    if (db === undefined) {
      throw new Error('the database was not created');
    }
    return db;
  }

  /** Starts the bot's backup of Bot and leaves its transaction open. */
  async function beginBotWrite(): Promise<void> {
    await database().exec('BEGIN');
    await database().exec(`UPDATE vars_backup SET variables = '{"qty": 999}' WHERE strategy_id = 'Bot'`);
  }

  /** Waits until another session waits for a lock in this database. */
  async function waitForLockWait(): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt++) {
      const rows = await database().query(`SELECT count(*)::int AS waiting FROM pg_locks WHERE NOT granted`);
      if (Number(rows[0]?.['waiting']) > 0) {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('varsctl never waited for the row lock');
  }

  /**
   * Runs varsctl with a long lock timeout, waits until it waits for the
   * test's open transaction, runs `meanwhile`, then commits that transaction.
   */
  async function commitWhileWaiting(args: readonly string[], meanwhile: () => Promise<void> = async () => undefined): Promise<RunResult> {
    const running = startVarsctl(['--lock-timeout', '20000', ...args]);

    await waitForLockWait();
    await meanwhile();
    await database().exec('COMMIT');
    return running.result;
  }

  async function botQty(): Promise<unknown[]> {
    const rows = await database().query(`SELECT variables FROM vars_backup WHERE strategy_id = 'Bot'`);
    return rows.map((row) => row['variables']);
  }

  it('keeps a backup written during a purge', async () => {
    await beginBotWrite();

    const result = await commitWhileWaiting(['--db', database().url, 'purge', '--older-than', '30d', '--yes', '--backup-dir', folder]);

    expect(result.exitCode, result.stderr).toBe(4);
    expect(result.stderr).toContain("strategy 'Bot' changed after its copy was written");
    expect(await botQty()).toEqual(['{"qty": 999}']);
  });

  it('keeps a backup written during a restore', async () => {
    const backup = path.join(folder, 'backup.jsonl');
    const exported = await runVarsctl(['--db', database().url, 'export', 'Bot', '-o', backup]);
    expect(exported.exitCode, exported.stderr).toBe(0);
    await database().exec(`UPDATE vars_backup SET variables = '{"qty": 2}' WHERE strategy_id = 'Bot'`);
    await beginBotWrite();

    const result = await commitWhileWaiting(['--db', database().url, 'restore', backup, '--yes']);

    expect(result.exitCode, result.stderr).toBe(4);
    expect(result.stderr).toContain("strategy 'Bot' changed in the database after the restore read it");
    expect(await botQty()).toEqual(['{"qty": 999}']);
  });

  it('reports a serialization failure as a conflict', async () => {
    const repeatableRead = new URL(database().url);
    repeatableRead.searchParams.set('options', '-c default_transaction_isolation=repeatable\\ read');
    await beginBotWrite();

    const result = await commitWhileWaiting(['--db', repeatableRead.toString(), 'purge', 'Bot', '--yes', '--force', '--no-backup']);

    expect(result.exitCode, result.stderr).toBe(4);
    expect(result.stderr).toContain('another transaction changed the same rows at the same time');
    expect(await botQty()).toEqual(['{"qty": 999}']);
  });

  it('keeps a row the bot adds while the purge checks', async () => {
    await database().exec('BEGIN');
    await database().exec(`SELECT id FROM vars_backup WHERE strategy_id = 'Bot' FOR UPDATE`);

    const result = await commitWhileWaiting(['--db', database().url, 'purge', 'Bot', '--yes', '--backup-dir', folder], async () => {
      const bot = new pg.Client({ connectionString: database().url });
      await bot.connect();
      try {
        await bot.query(`INSERT INTO vars_backup VALUES ('b2', now(), '{"qty": 2}', 'Bot')`);
      } finally {
        await bot.end();
      }
    });

    expect(result.exitCode, result.stderr).toBe(4);
    expect(result.stderr).toContain('another writer added rows to these strategies while they were checked: 1 row checked, 2 rows to delete');
    expect((await botQty()).sort()).toEqual(['{"qty": 1}', '{"qty": 2}']);
  });

  it.for([
    ['list', ['list']],
    ['export', ['export', '-o', 'backup.jsonl']],
    ['show', ['show', 'Bot']],
    ['set --create', ['set', 'NewBot', 'k', '1', '--create']],
  ] as const)('stops %s waiting for a locked table', async ([, command]) => {
    await database().exec('BEGIN');
    await database().exec('LOCK TABLE vars_backup IN ACCESS EXCLUSIVE MODE');

    const result = await runVarsctl(['--db', database().url, '--lock-timeout', '300', ...command], { cwd: folder, timeoutMs: 15_000 });

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('the table or its rows are locked by another transaction (waited 0.3 s)');
  });
});
