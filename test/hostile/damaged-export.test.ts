/**
 * Damaged export files must be rejected before anything is written: the
 * table keeps every row, and an empty database does not even get the table.
 * The damage covers a truncated file, one changed byte, a format version
 * from a newer varsctl, an export of another table, and a file changed
 * while the restore is already writing (which must roll back).
 */
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, type TestContext } from 'vitest';

import { insertLargeRows, tableRows, type RawTableRow } from '../e2e/export-support.js';
import { runVarsctl, startVarsctl, type RunResult } from '../e2e/run.js';
import { botUpdate, DAY_SECONDS, seedBotTable } from '../e2e/seed.js';
import { createBotTable, createTestDatabase, DIALECTS, requireRealPostgres, type TestDatabase } from '../support/db.js';
import { waitForRestoreJournal } from '../support/restore-journal.js';
import { installSlowRows, waitForRows } from './support/slow-rows.js';

type Damage = (file: string) => void;

/** Rewrites the header line through `change`, keeping the rest of the file. */
function rewriteHeader(file: string, change: (header: Record<string, unknown>) => void): void {
  const [header = '', ...rest] = readFileSync(file, 'utf8').split('\n');
  const parsed = JSON.parse(header) as Record<string, unknown>;
  change(parsed);
  writeFileSync(file, [JSON.stringify(parsed), ...rest].join('\n'));
}

const DAMAGES: readonly [string, Damage, number, RegExp][] = [
  ['a truncated file', (file) => truncateSync(file, statSync(file).size - 40), 5, /is damaged: .*cut short|is damaged/],
  [
    'one changed byte',
    (file) => {
      const bytes = readFileSync(file);
      const at = bytes.indexOf('\\"qty\\": 1');
      bytes[at + 10] = '7'.charCodeAt(0);
      writeFileSync(file, bytes);
    },
    5,
    /is damaged: line \d+ \(strategy "Alpha"\) was changed after the export/,
  ],
  [
    'a newer format version',
    (file) => rewriteHeader(file, (header) => (header['version'] = 2)),
    5,
    /is export format version 2; this varsctl reads version 1 only/,
  ],
];

describe.each(DIALECTS)('damaged export on %s', (dialect) => {
  let db: TestDatabase;
  let folder: string;
  let file: string;
  let before: RawTableRow[];

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-damaged-'));
    await seedBotTable(db, [
      { strategyId: 'Alpha', variables: '{"qty": 1}' },
      { strategyId: 'Beta', variables: '{"qty": 2}' },
    ]);
    file = path.join(folder, 'export.jsonl');
    expect((await runVarsctl(['--db', db.url, 'export', '-o', file])).exitCode).toBe(0);

    // The restore would change both strategies, if it wrote anything.
    await botUpdate(db, 'Alpha', '{"qty": 10}', DAY_SECONDS);
    await botUpdate(db, 'Beta', '{"qty": 20}', DAY_SECONDS);
    before = await tableRows(db);
  });

  afterEach(async () => {
    await db.close();
    rmSync(folder, { recursive: true, force: true });
  });

  /** Restores into an empty SQLite file; returns the result and whether the table was created there. */
  async function restoreIntoEmpty(...args: string[]): Promise<{ result: RunResult; created: boolean }> {
    const target = path.join(folder, 'empty.db');
    rmSync(target, { force: true });
    new Database(target).close();

    const result = await runVarsctl(['--db', `sqlite:///${target}`, 'restore', ...args]);
    const check = new Database(target, { readonly: true });
    try {
      const table = check.prepare("SELECT name FROM sqlite_master WHERE name = 'vars_backup'").get();
      return { result, created: table !== undefined };
    } finally {
      check.close();
    }
  }

  it.each(DAMAGES)('rejects %s', async (_name, damage, exitCode, message) => {
    damage(file);

    const result = await runVarsctl(['--db', db.url, 'restore', file, '--yes']);

    expect(result.exitCode).toBe(exitCode);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/^hint: /m);
    expect(await tableRows(db)).toEqual(before);

    const empty = await restoreIntoEmpty(file, '--yes');
    expect(empty.result.exitCode).toBe(exitCode);
    expect(empty.created).toBe(false);
  });

  it.each(DAMAGES.slice(0, 1))('rejects %s from standard input', async (_name, damage, exitCode) => {
    damage(file);

    const result = await runVarsctl(['--db', db.url, 'restore', '-', '--yes'], { input: readFileSync(file) });

    expect(result.exitCode).toBe(exitCode);
    expect(await tableRows(db)).toEqual(before);
  });

  it('rejects an export of another table', async () => {
    await createBotTable(db, 'other_table');
    const other = path.join(folder, 'other.jsonl');
    expect((await runVarsctl(['--db', db.url, '--table', 'other_table', 'export', '-o', other])).exitCode).toBe(0);

    const result = await runVarsctl(['--db', db.url, 'restore', other, '--yes']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^error: the export is of table other_table, but the restore would write into vars_backup$/m);
    expect(result.stderr).toMatch(/^hint: add --table other_table/m);
    expect(await tableRows(db)).toEqual(before);
    expect((await restoreIntoEmpty(other, '--yes')).created).toBe(false);
  });

  it('rolls back when the file changes during the write', async (context: TestContext) => {
    if (dialect === 'postgresql') {
      requireRealPostgres(context);
    }
    // The restore reads the file in 1 MiB chunks as it writes, and the file
    // is large enough that its end is still unread when the writing starts.
    await insertLargeRows(db, dialect === 'sqlite' ? 300 : 1200, dialect === 'sqlite' ? 100_000 : 8000);
    expect((await runVarsctl(['--db', db.url, 'export', '-o', file, '--force'])).exitCode).toBe(0);
    await db.exec("DELETE FROM vars_backup WHERE strategy_id LIKE 'large-%'");
    before = await tableRows(db);
    if (dialect === 'postgresql') {
      await installSlowRows(db, 0.002);
    }

    const running = startVarsctl(['--db', db.url, 'restore', file, '--yes'], { timeoutMs: 120_000 });
    if (dialect === 'postgresql') {
      await waitForRows(db, 100);
    } else {
      await waitForRestoreJournal(db.file);
    }
    // Cut off the trailer: the restore verified the file before writing,
    // and must notice the change when it reads the end again.
    truncateSync(file, statSync(file).size - 100);
    const result = await running.result;

    expect(result.exitCode).toBe(5);
    expect(result.stderr).toMatch(/is damaged: /);
    expect(await tableRows(db)).toEqual(before);
  });
});
