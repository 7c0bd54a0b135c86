import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

import { readArchive, type ArchiveEntry, type ArchiveRow } from '../../src/archive/index.js';
import { quoteTableName, type TestDatabase } from '../support/db.js';
import { runShell, shellQuote, varsctlCommand, type RunResult } from './run.js';

/**
 * Helpers for the end-to-end tests of export, restore and purge: reading a
 * table whole, raw, and reading export files back.
 */

export interface RawTableRow {
  readonly id: string | null;
  /** As the database renders it as text; only compared within one database. */
  readonly last_updated: string | null;
  readonly variables: string | null;
  readonly strategy_id: string | null;
}

/** Reads every row of the table, raw, ordered by strategy_id and id. */
export async function tableRows(db: TestDatabase, tableName = 'vars_backup'): Promise<RawTableRow[]> {
  const rows = await db.query(
    `SELECT id, CAST(last_updated AS TEXT) AS last_updated, variables, strategy_id FROM ${quoteTableName(tableName)} ORDER BY strategy_id, id`,
  );
  return rows.map((row) => ({
    id: row['id'] as string | null,
    last_updated: row['last_updated'] as string | null,
    variables: row['variables'] as string | null,
    strategy_id: row['strategy_id'] as string | null,
  }));
}

/** True when the table exists. */
export async function tableExists(db: TestDatabase, tableName = 'vars_backup'): Promise<boolean> {
  const rows =
    db.dialect === 'sqlite'
      ? await db.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?`, [tableName])
      : await db.query(`SELECT to_regclass($1) AS name`, [tableName]);
  return rows.length > 0 && rows[0]?.['name'] !== null;
}

/** Reads and verifies an export held in memory; throws as restore would. */
export async function readExport(bytes: Buffer, acceptEdits = false): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  for await (const entry of readArchive([bytes], { name: 'output', acceptEdits })) {
    entries.push(entry);
  }
  return entries;
}

export function exportedRows(entries: readonly ArchiveEntry[]): ArchiveRow[] {
  return entries.flatMap((entry) => (entry.kind === 'row' ? [entry.row] : []));
}

/** Names in `folder` that look like export temporary files. */
export function temporaryFiles(folder: string): string[] {
  return readdirSync(folder).filter((name) => name.endsWith('.tmp'));
}

/** Inserts `count` rows of about `bytes` each with SQL on the server side, to make a large table fast. */
export async function insertLargeRows(db: TestDatabase, count: number, bytes: number): Promise<void> {
  if (db.dialect === 'sqlite') {
    await db.exec(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})
      INSERT INTO vars_backup (id, last_updated, variables, strategy_id)
      SELECT 'id-' || i, '2026-01-02 09:30:00.000000-05:00', '{"filler": "' || replace(hex(zeroblob(${bytes / 2})), '0', 'a') || '"}', 'large-' || i FROM n`);
    return;
  }
  await db.exec(`
    INSERT INTO vars_backup (id, last_updated, variables, strategy_id)
    SELECT 'id-' || i, '2026-01-02 14:30:00+00', '{"filler": "' || repeat('a', ${bytes}) || '"}', 'large-' || i
    FROM generate_series(1, ${count}) AS i`);
}

/** True when util-linux `script` can run a command in a pseudo-terminal here. */
export function terminalAvailable(): boolean {
  try {
    execFileSync('script', ['-qec', 'true', '/dev/null'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs varsctl in a pseudo-terminal (util-linux `script`), typing `answer`
 * at its prompt. The terminal merges stdout and stderr into `stdout`.
 */
export function runInTerminal(args: readonly string[], answer: string, env: Readonly<Record<string, string>> = {}): Promise<RunResult> {
  const command = [varsctlCommand(), ...args.map(shellQuote)].join(' ');
  return runShell(`script -qec ${shellQuote(command)} /dev/null`, { input: answer, env, timeoutMs: 30_000 });
}
