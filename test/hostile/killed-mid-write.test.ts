/**
 * A restore or purge whose database connection dies half-way. The
 * PostgreSQL backend is ended with pg_terminate_backend from another
 * session after a known number of rows. The SQLite writer is killed with
 * SIGKILL while its rollback journal shows an open transaction. In both
 * cases the table must be exactly as before, and the command must work
 * when run again.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it, type TestContext } from 'vitest';

import { exportedRows, insertLargeRows, readExport, tableRows } from '../e2e/export-support.js';
import { runVarsctl, startVarsctl } from '../e2e/run.js';
import { botUpdate, DAY_SECONDS, seedBotTable } from '../e2e/seed.js';
import { createTestDatabase, requireRealPostgres, type TestDatabase } from '../support/db.js';
import { waitForRestoreJournal } from '../support/restore-journal.js';
import { installSlowRows, removeSlowRows, rowsWritten, terminateWriter, waitForRows } from './support/slow-rows.js';

const LARGE_STRATEGIES = 300;
const ALPHA_BEFORE = '{"qty": 1, "note": "before"}';
const ALPHA_AFTER = '{"qty": 2, "note": "edited after the export"}';

let db: TestDatabase | undefined;
let folder: string;

beforeEach(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'varsctl-killed-'));
});

afterEach(async () => {
  await db?.close();
  db = undefined;
  rmSync(folder, { recursive: true, force: true });
});

async function openDatabase(dialect: 'postgresql' | 'sqlite', context: TestContext): Promise<TestDatabase> {
  if (dialect === 'postgresql') {
    requireRealPostgres(context);
  }
  db = await createTestDatabase(dialect);
  return db;
}

/**
 * Writes an export of Alpha, Beta and `large` further strategies, then
 * changes the table so that restoring the export would change Alpha and add
 * the others. Returns the export file.
 */
async function prepareRestore(database: TestDatabase, large: number, bytes: number): Promise<string> {
  await seedBotTable(database, [
    { strategyId: 'Alpha', variables: ALPHA_BEFORE },
    { strategyId: 'Beta', variables: '{"qty": 3}' },
  ]);
  await insertLargeRows(database, large, bytes);
  const file = path.join(folder, 'export.jsonl');
  const exported = await runVarsctl(['--db', database.url, 'export', '-o', file]);
  expect(exported.exitCode).toBe(0);

  await database.exec("DELETE FROM vars_backup WHERE strategy_id LIKE 'large-%'");
  await botUpdate(database, 'Alpha', ALPHA_AFTER, DAY_SECONDS);
  return file;
}

describe('connection killed on postgresql', () => {
  it('rolls back a restore', async (context) => {
    const database = await openDatabase('postgresql', context);
    const file = await prepareRestore(database, LARGE_STRATEGIES, 200);
    const before = await tableRows(database);
    await installSlowRows(database, 0.005);

    const running = startVarsctl(['--db', database.url, 'restore', file, '--yes'], { timeoutMs: 120_000 });
    await waitForRows(database, 100);
    await terminateWriter(database);
    const result = await running.result;

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^error: could not restore strategies \(postgresql:\/\/.*\): the (server closed the connection|connection was closed)/m);
    expect(result.stderr).toMatch(/^hint: /m);
    expect(await rowsWritten(database)).toBeLessThan(LARGE_STRATEGIES + 4);
    expect(await tableRows(database)).toEqual(before);

    await removeSlowRows(database);
    const again = await runVarsctl(['--db', database.url, 'restore', file, '--yes']);
    expect(again.exitCode).toBe(0);
    expect(await tableRows(database)).toHaveLength(LARGE_STRATEGIES + 3);
  });

  it('rolls back a purge and keeps its copy', async (context) => {
    const database = await openDatabase('postgresql', context);
    await seedBotTable(database, [{ strategyId: 'Alpha', variables: ALPHA_BEFORE }]);
    await insertLargeRows(database, 400, 200);
    const before = await tableRows(database);
    await installSlowRows(database, 0.005);
    const backupDir = path.join(folder, 'purged');

    const running = startVarsctl(['--db', database.url, 'purge', '--older-than', '1h', '--yes', '--backup-dir', backupDir], {
      timeoutMs: 120_000,
    });
    await waitForRows(database, 100);
    await terminateWriter(database);
    const result = await running.result;

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^error: could not delete strategies \(postgresql:\/\/.*\): the (server closed the connection|connection was closed)/m);
    expect(await tableRows(database)).toEqual(before);

    // The copy was complete before the delete began, and still verifies.
    const copies = readdirSync(backupDir);
    expect(copies).toHaveLength(1);
    const copy = exportedRows(await readExport(readFileSync(path.join(backupDir, copies[0] ?? ''))));
    expect(copy).toHaveLength(401);

    await removeSlowRows(database);
    const again = await runVarsctl(['--db', database.url, 'purge', '--older-than', '1h', '--yes', '--no-backup']);
    expect(again.exitCode).toBe(0);
    expect((await tableRows(database)).map((row) => row.strategy_id)).toEqual(['INITIAL VALUE']);
  });
});

describe('process killed on sqlite', () => {
  it('rolls back a restore from its journal', async (context) => {
    const database = await openDatabase('sqlite', context);
    const file = await prepareRestore(database, 300, 100_000);
    const before = await tableRows(database);
    const journal = `${database.file}-journal`;

    const running = startVarsctl(['--db', database.url, 'restore', file, '--yes'], { timeoutMs: 120_000 });
    await waitForRestoreJournal(database.file);
    running.child.kill('SIGKILL');
    const result = await running.result;

    expect(result.signal).toBe('SIGKILL');
    // The journal left behind proves the transaction was open when the process died.
    expect(existsSync(journal)).toBe(true);
    expect(await tableRows(database)).toEqual(before);
    expect(await database.query('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);

    const again = await runVarsctl(['--db', database.url, 'restore', file, '--yes']);
    expect(again.exitCode).toBe(0);
    expect(await tableRows(database)).toHaveLength(303);
  });
});
