import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { tableRows } from './export-support.js';
import { runVarsctl } from './run.js';
import { DAY_SECONDS, seedBotTable } from './seed.js';

describe('purge whose delete fails', () => {
  let db: TestDatabase;
  let folder: string;

  beforeEach(async () => {
    db = await createTestDatabase('sqlite');
    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-purge-failure-'));
    await seedBotTable(db, [{ strategyId: 'OldWheel', variables: '{"phase": 2}', ageSeconds: 100 * DAY_SECONDS }]);
    // Fails the delete inside its transaction, as a read-only database or a missing privilege does.
    await db.exec(`CREATE TRIGGER no_delete BEFORE DELETE ON vars_backup BEGIN SELECT RAISE(ABORT, 'deletes are not allowed'); END`);
  });

  afterEach(async () => {
    await db.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('says the copy is not needed', async () => {
    const before = await tableRows(db);

    const result = await runVarsctl(['--db', db.url, 'purge', 'OldWheel', '--yes', '--backup-dir', folder]);

    expect(result.exitCode).toBe(1);
    const [backup] = readdirSync(folder);
    expect(backup).toBeDefined();
    expect(result.stderr).toContain(`purge failed, so nothing was deleted; the copy in ${path.join(folder, backup ?? '')} is not needed`);
    expect(result.stderr).not.toContain('saved the purged rows');
    expect(result.stderr).not.toContain('brings them back');
    expect(result.stderr).toContain('deletes are not allowed');
    expect(await tableRows(db)).toEqual(before);
  });
});
