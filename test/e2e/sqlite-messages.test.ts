import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { runShell, runVarsctl, shellQuote, varsctlCommand } from './run.js';
import { DAY_SECONDS, seedBotTable } from './seed.js';

/** True when this test runs as root and util-linux setpriv can drop to the user nobody. */
function canRunAsNobody(): boolean {
  if (process.getuid?.() !== 0) {
    return false;
  }
  try {
    execFileSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'true'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

describe('SQLite error messages', () => {
  let db: TestDatabase;
  let folder: string;

  beforeEach(async () => {
    db = await createTestDatabase('sqlite');
    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-sqlite-messages-'));
    await seedBotTable(db, [{ strategyId: 'MomentumBot', variables: '{"qty": 10}', ageSeconds: 40 * DAY_SECONDS }]);
  });

  afterEach(async () => {
    await db.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('explains a folder that is not writable', async (context) => {
    if (!canRunAsNobody()) {
      context.skip('needs root and util-linux setpriv to run as the user nobody');
    }
    // The file is writable by everyone, its folder only by root.
    const dataFolder = path.join(folder, 'data');
    mkdirSync(dataFolder, { mode: 0o755 });
    const file = path.join(dataFolder, 'history.db');
    await db.exec(`VACUUM INTO '${file}'`);
    chmodSync(folder, 0o755);
    chmodSync(file, 0o666);

    const command = `setpriv --reuid=nobody --regid=nogroup --clear-groups ${varsctlCommand()} --db ${shellQuote(`sqlite:///${file}`)} set MomentumBot qty 3`;
    const result = await runShell(command, { cwd: folder });

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('because its folder is not writable');
    expect(result.stderr).toContain('SQLite creates its journal file next to the database file, so the folder must be writable by this user');
    expect(result.stderr).toContain('(SQLite error SQLITE_READONLY_DIRECTORY)');
  });

  it('explains a new file in a folder it may not write', async (context) => {
    if (!canRunAsNobody()) {
      context.skip('needs root and util-linux setpriv to run as the user nobody');
    }
    const backup = path.join(folder, 'backup.jsonl');
    const exported = await runVarsctl(['--db', db.url, 'export', '-o', backup]);
    expect(exported.exitCode, exported.stderr).toBe(0);
    chmodSync(backup, 0o644);
    const dataFolder = path.join(folder, 'data');
    mkdirSync(dataFolder, { mode: 0o755 });
    chmodSync(folder, 0o755);

    const target = shellQuote(`sqlite:///${path.join(dataFolder, 'new.db')}`);
    const command = `setpriv --reuid=nobody --regid=nogroup --clear-groups ${varsctlCommand()} --db ${target} restore ${shellQuote(backup)}`;

    // The dry run reports what the real restore would hit.
    for (const mode of ['--yes', '--dry-run']) {
      const result = await runShell(`${command} ${mode}`, { cwd: folder });
      expect(result.exitCode, mode).toBe(1);
      expect(result.stderr).toContain(`this user may not write to folder ${dataFolder}`);
      expect(result.stderr).toContain('run varsctl as a user who may write there');
    }
  });

  it('explains a PostgreSQL schema on SQLite', async () => {
    const result = await runVarsctl(['--db', db.url, '--table', 'public.vars_backup', 'list']);

    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('an SQLite file has no schema "public"');
    expect(result.stderr).toContain('give the table alone: --table vars_backup');
  });

  it('treats temp as a known schema', async () => {
    const result = await runVarsctl(['--db', db.url, '--table', 'temp.vars_backup', 'list']);

    expect(result.exitCode).toBe(3);
    expect(result.stderr).not.toContain('no schema');
    expect(result.stderr).toContain('table temp.vars_backup not found');
  });

  it('rejects a schema in --table', async () => {
    const file = path.join(folder, 'backup.jsonl');
    const exported = await runVarsctl(['--db', db.url, 'export', '-o', file]);
    expect(exported.exitCode, exported.stderr).toBe(0);

    const result = await runVarsctl(['--db', db.url, '--table', '"my sch"."Vars.Backup"', 'restore', file, '--yes']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('unknown database "my sch"');
    expect(result.stderr).toContain('SQLite has no schemas here: give a plain table name');
  });
});
