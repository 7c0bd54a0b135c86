import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { resolveDatabaseUrl } from '../../src/store/env.js';
import { runVarsctl } from '../e2e/run.js';

describe('notes on .env lines npm reads differently', () => {
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-env-notes-'));
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  function resolveWith(text: string, env: NodeJS.ProcessEnv = {}) {
    writeFileSync(path.join(folder, '.env'), text);
    return resolveDatabaseUrl({ db: undefined, envFile: undefined, cwd: folder, env });
  }

  it('notes an unquoted #', () => {
    const resolved = resolveWith('DB_CONNECTION_STR=sqlite:///a#b.db\n');

    expect(resolved.url).toBe('sqlite:///a#b.db');
    expect(resolved.notes).toHaveLength(1);
    expect(resolved.notes[0]).toBe(
      `${path.join(folder, '.env')} line 1: DB_CONNECTION_STR is read as python-dotenv (and so the bot) reads it, but its unquoted value contains "#", where npm's dotenv would end the value`,
    );
    expect(resolved.warnings).toEqual([]);
  });

  it('notes ${VAR} without the password', () => {
    const resolved = resolveWith('PW=s3cret\nDB_CONNECTION_STR="postgresql://bot:${PW}@db/bot"\n');

    expect(resolved.url).toBe('postgresql://bot:s3cret@db/bot');
    expect(resolved.notes).toHaveLength(1);
    expect(resolved.notes[0]).toContain('line 2: DB_CONNECTION_STR');
    expect(resolved.notes[0]).toContain("which npm's dotenv would keep as written");
    expect(resolved.notes[0]).not.toContain('s3cret');
  });

  it('notes both on one line', () => {
    const resolved = resolveWith('DB_CONNECTION_STR=sqlite:///${NAME}#1.db\n', { NAME: 'bot' });

    expect(resolved.url).toBe('sqlite:///bot#1.db');
    expect(resolved.notes).toHaveLength(2);
  });

  it('stays silent when both agree', () => {
    expect(resolveWith('DB_CONNECTION_STR="sqlite:///a#b.db"\n').notes).toEqual([]);
    expect(resolveWith('DB_CONNECTION_STR=sqlite:///a.db # the bot\n').notes).toEqual([]);
  });

  it('stays silent for the environment', () => {
    expect(resolveWith('DB_CONNECTION_STR=sqlite:///a#b.db\n', { DB_CONNECTION_STR: 'sqlite:///c.db' }).notes).toEqual([]);
  });

  it('prints the note with --verbose only', async () => {
    writeFileSync(path.join(folder, '.env'), 'DB_CONNECTION_STR=sqlite:///a#b.db\n');

    const verbose = await runVarsctl(['-v', 'list'], { cwd: folder });
    const plain = await runVarsctl(['list'], { cwd: folder });

    expect(verbose.stderr).toContain("where npm's dotenv would end the value");
    expect(plain.stderr).not.toContain("npm's dotenv");
  });
});
