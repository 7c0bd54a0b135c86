import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { tableRows } from './export-support.js';
import { runVarsctl } from './run.js';
import { seedBotTable } from './seed.js';

const HINT = 'hint: choose another folder with --backup-dir, or create this one yourself\n';

describe('purge --backup-dir that cannot be created', () => {
  let db: TestDatabase;
  let scratch: string;

  beforeEach(async () => {
    db = await createTestDatabase('sqlite');
    scratch = mkdtempSync(path.join(tmpdir(), 'varsctl-backup-'));
    await seedBotTable(db, [{ strategyId: 'OldWheel', variables: '{"phase": NaN}' }]);
  });

  afterEach(async () => {
    await db.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function purgeInto(folder: string) {
    const result = await runVarsctl(['-q', '--db', db.url, 'purge', 'OldWheel', '--yes', '--backup-dir', folder], { timeoutMs: 10_000 });
    const remaining = (await tableRows(db)).filter((row) => row.strategy_id === 'OldWheel');
    return { result, remaining };
  }

  it('fails fast under /proc', async () => {
    const started = Date.now();
    const { result, remaining } = await purgeInto('/proc/nope');

    expect(Date.now() - started).toBeLessThan(8_000);
    expect(result.signal).toBeNull();
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      'error: cannot create the backup folder /proc/nope: the file system does not allow a new folder there (ENOENT)\n' + HINT,
    );
    expect(remaining).toHaveLength(1);
  });

  it('fails under a regular file', async () => {
    const file = path.join(scratch, 'plain');
    writeFileSync(file, 'x');

    const { result, remaining } = await purgeInto(path.join(file, 'sub', 'deeper'));

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      `error: cannot create the backup folder ${file}/sub/deeper: ${file} exists but is not a folder\n` + HINT,
    );
    expect(remaining).toHaveLength(1);
  });

  it('fails on an existing file', async () => {
    const { result, remaining } = await purgeInto('/dev/full');

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe('error: backup folder /dev/full exists but is not a folder\n' + HINT);
    expect(remaining).toHaveLength(1);
  });

  it('creates every missing parent', async () => {
    const folder = path.join(scratch, 'a', 'b', 'c');

    const { result, remaining } = await purgeInto(folder);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain(`saved the purged rows to ${folder}/purged-`);
    expect(remaining).toHaveLength(0);
  });
});
