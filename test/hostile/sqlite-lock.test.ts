/**
 * An SQLite file locked by another process (see support/lock-holder.ts).
 * Every command waits for the lock at most `--lock-timeout`, then fails
 * with exit 1 and a clear error, and changes nothing. A write lock that
 * still allows readers (BEGIN IMMEDIATE, a bot in the middle of its
 * backup) lets the reading commands through.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { readVariables, seedBotTable } from '../e2e/seed.js';
import { tableRows, type RawTableRow } from '../e2e/export-support.js';
import { runVarsctl, startVarsctl, type RunResult } from '../e2e/run.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { sleep } from './support/live-bot.js';
import { LockHolder, type LockKind } from './support/lock-holder.js';

const LOCK_TIMEOUT_MS = 400;

// Process start-up under a loaded machine comes on top of the wait itself.
const MAX_ELAPSED_MS = 15_000;

type CommandName = 'list' | 'show' | 'set' | 'export' | 'restore' | 'purge';

const SEED = [
  { strategyId: 'Alpha', variables: '{"qty": 1}' },
  { strategyId: 'Beta', variables: '{"qty": 2}' },
];

let db: TestDatabase;
let folder: string;
let exportFolder: string;
let exportFile: string;
let before: RawTableRow[];
let holder: LockHolder | undefined;

// One export for every restore, made once from a database like each test's.
beforeAll(async () => {
  const source = await createTestDatabase('sqlite');
  try {
    await seedBotTable(source, SEED);
    exportFolder = mkdtempSync(path.join(tmpdir(), 'varsctl-lock-export-'));
    exportFile = path.join(exportFolder, 'before.jsonl');
    expect((await runVarsctl(['--db', source.url, 'export', '-o', exportFile])).exitCode).toBe(0);
  } finally {
    await source.close();
  }
});

afterAll(() => {
  rmSync(exportFolder, { recursive: true, force: true });
});

beforeEach(async () => {
  db = await createTestDatabase('sqlite');
  folder = mkdtempSync(path.join(tmpdir(), 'varsctl-lock-'));
  await seedBotTable(db, SEED);
  before = await tableRows(db);
});

afterEach(async () => {
  await holder?.release();
  holder = undefined;
  await db.close();
  rmSync(folder, { recursive: true, force: true });
});

function commandArgs(name: CommandName): string[] {
  switch (name) {
    case 'list':
      return ['list'];
    case 'show':
      return ['show', 'Alpha'];
    case 'set':
      return ['set', 'Alpha', 'qty', '5'];
    case 'export':
      return ['export', '-o', path.join(folder, 'locked.jsonl')];
    case 'restore':
      return ['restore', exportFile, '--yes'];
    case 'purge':
      return ['purge', 'Alpha', '--yes', '--backup-dir', path.join(folder, 'purged')];
  }
}

async function runLocked(kind: LockKind, name: CommandName): Promise<{ result: RunResult; elapsedMs: number }> {
  holder = await LockHolder.hold(db.file ?? '', kind);
  const started = Date.now();
  const result = await runVarsctl(['--db', db.url, '--lock-timeout', String(LOCK_TIMEOUT_MS), ...commandArgs(name)]);
  const elapsedMs = Date.now() - started;
  await holder.release();
  holder = undefined;
  return { result, elapsedMs };
}

function expectLockFailure(result: RunResult, elapsedMs: number): void {
  expect(result.exitCode).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^error: could not .+: database is locked by another process \(waited 0\.4 s\)$/m);
  expect(result.stderr).toMatch(/^hint: retry when the bot is not writing, or wait longer with --lock-timeout \(milliseconds\)$/m);
  expect(elapsedMs).toBeGreaterThanOrEqual(LOCK_TIMEOUT_MS);
  expect(elapsedMs).toBeLessThan(MAX_ELAPSED_MS);
}

describe('sqlite held with BEGIN EXCLUSIVE', () => {
  it.each<CommandName>(['list', 'show', 'set', 'export', 'restore', 'purge'])('%s waits, then fails', async (name) => {
    const { result, elapsedMs } = await runLocked('EXCLUSIVE', name);

    expectLockFailure(result, elapsedMs);
    expect(await tableRows(db)).toEqual(before);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('set succeeds when the lock ends in time', async () => {
    holder = await LockHolder.hold(db.file ?? '', 'EXCLUSIVE');
    const running = startVarsctl(['--db', db.url, '--lock-timeout', '20000', 'set', 'Alpha', 'qty', '5']);
    // Long enough for the process to start and meet the lock.
    await sleep(3000);
    await holder.release();
    holder = undefined;
    const result = await running.result;

    expect(result.exitCode).toBe(0);
    expect(await readVariables(db, 'Alpha')).toBe('{"qty": 5}');
  });
});

describe('sqlite held with BEGIN IMMEDIATE', () => {
  it.each<CommandName>(['list', 'show', 'export'])('%s reads through the lock', async (name) => {
    const { result } = await runLocked('IMMEDIATE', name);

    expect(result.exitCode).toBe(0);
  });

  it.each<CommandName>(['set', 'restore', 'purge'])('%s waits, then fails', async (name) => {
    const { result, elapsedMs } = await runLocked('IMMEDIATE', name);

    expectLockFailure(result, elapsedMs);
    expect(await tableRows(db)).toEqual(before);
  });
});
