/**
 * Export and purge-backup destinations that fail: a full device, a file
 * system that fills up half-way through the file, a read-only mount, an
 * immutable folder, a path under a regular file and a missing folder. Each
 * must end in exit 1 with one clear error and a hint, leave nothing behind
 * at the destination, and (for purge) delete nothing.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it, type TestContext } from 'vitest';

import { makeReadOnlyFolder } from '../archive/read-only.js';
import { insertLargeRows, tableRows } from '../e2e/export-support.js';
import { runVarsctl, type RunResult } from '../e2e/run.js';
import { seedBotTable } from '../e2e/seed.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/db.js';
import { mountReadOnly, mountTmpfs, type Unmount } from './support/mounts.js';

// The table is about 1 MB, the small file system a tenth of that.
const SMALL_FILE_SYSTEM_BYTES = 128 * 1024;

describe.each(DIALECTS)('export destination on %s', (dialect) => {
  let db: TestDatabase;
  let folder: string;
  const unmounts: Unmount[] = [];

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-destination-'));
    await seedBotTable(db, [{ strategyId: 'Alpha', variables: '{"qty": 1}' }]);
    await insertLargeRows(db, 20, 50_000);
  });

  afterEach(async () => {
    for (const unmount of unmounts.splice(0)) {
      unmount();
    }
    await db.close();
    rmSync(folder, { recursive: true, force: true });
  });

  function varsctl(...args: string[]): Promise<RunResult> {
    return runVarsctl(['--db', db.url, ...args]);
  }

  function mounted(unmount: Unmount | null, context: TestContext): void {
    if (unmount === null) {
      context.skip('cannot mount here: needs root with CAP_SYS_ADMIN');
      return;
    }
    unmounts.push(unmount);
  }

  /** Checks the common shape of a failure: exit 1, nothing on stdout, one error line and a hint. */
  function expectFailure(result: RunResult, error: RegExp): void {
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(error);
    expect(result.stderr).toMatch(/^hint: \S/m);
  }

  it('fails on a full device', async () => {
    const result = await varsctl('export', '-o', '/dev/full');

    expectFailure(result, /^error: writing the export to \/dev\/full failed: no space left on the device \(ENOSPC\)$/m);
  });

  it('removes its file when the disk fills', async (context) => {
    const small = path.join(folder, 'small');
    mounted(mountTmpfs(small, SMALL_FILE_SYSTEM_BYTES), context);

    const result = await varsctl('export', '-o', path.join(small, 'backup.jsonl'));

    expectFailure(result, /^error: writing the export file .*backup\.jsonl failed: no space left on the device \(ENOSPC\)$/m);
    expect(readdirSync(small)).toEqual([]);
  });

  it('fails on a read-only mount', async (context) => {
    const readOnly = path.join(folder, 'read-only');
    mounted(mountReadOnly(readOnly), context);

    const result = await varsctl('export', '-o', path.join(readOnly, 'backup.jsonl'));

    expectFailure(result, /^error: cannot create the export file in .*read-only: the file system is read-only \(EROFS\)$/m);
    expect(readdirSync(readOnly)).toEqual([]);
  });

  it('fails in an immutable folder', async (context) => {
    const immutable = path.join(folder, 'immutable');
    const undo = makeReadOnlyFolder(immutable);
    if (undo === null) {
      context.skip('cannot make a folder read-only here');
      return;
    }

    try {
      const result = await varsctl('export', '-o', path.join(immutable, 'backup.jsonl'));

      expectFailure(result, /^error: cannot create the export file in .*immutable: (operation not permitted \(EPERM\)|permission denied \(EACCES\))$/m);
      expect(readdirSync(immutable)).toEqual([]);
    } finally {
      undo();
    }
  });

  it('fails on a path under a file', async () => {
    const plain = path.join(folder, 'plain.txt');
    writeFileSync(plain, 'not a folder\n');

    const result = await varsctl('export', '-o', path.join(plain, 'backup.jsonl'));

    expectFailure(result, /^error: cannot check the export destination .*plain\.txt\/backup\.jsonl: a part of the path is not a folder \(ENOTDIR\)$/m);
    expect(readFileSync(plain, 'utf8')).toBe('not a folder\n');
    expect(readdirSync(folder)).toEqual(['plain.txt']);
  });

  it('fails in a missing folder', async () => {
    const result = await varsctl('export', '-o', path.join(folder, 'missing', 'backup.jsonl'));

    expectFailure(result, /^error: cannot create the export file in .*missing: the folder does not exist \(ENOENT\)$/m);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('purges nothing when its copy fills the disk', async (context) => {
    const small = path.join(folder, 'small');
    mounted(mountTmpfs(small, SMALL_FILE_SYSTEM_BYTES), context);
    const before = await tableRows(db);

    const result = await varsctl('purge', '--older-than', '1h', '--yes', '--backup-dir', small);

    expectFailure(result, /^error: writing the export file .* failed: no space left on the device \(ENOSPC\)$/m);
    expect(readdirSync(small)).toEqual([]);
    expect(await tableRows(db)).toEqual(before);
  });

  it('purges nothing when its copy cannot be written', async (context) => {
    const readOnly = path.join(folder, 'read-only');
    mounted(mountReadOnly(readOnly), context);
    const before = await tableRows(db);

    const result = await varsctl('purge', 'Alpha', '--yes', '--backup-dir', readOnly);

    expectFailure(result, /^error: cannot create the export file in .*read-only: the file system is read-only \(EROFS\)$/m);
    expect(readdirSync(readOnly)).toEqual([]);
    expect(await tableRows(db)).toEqual(before);
  });
});
