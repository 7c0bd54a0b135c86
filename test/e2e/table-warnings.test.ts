import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { runVarsctl } from './run.js';

// A jsonb variables column reads fine in varsctl, but the bot cannot load
// from it, so every command that opens the table says so on stderr.

const JSONB_WARNING = /^warning: the variables column of vars_backup is jsonb: .*the bot cannot load from it.*change the column to text$/m;

describe('a jsonb variables column on postgresql', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase('postgresql');
    await db.exec(`
      CREATE TABLE vars_backup (id text, last_updated timestamptz, variables jsonb, strategy_id text);
      INSERT INTO vars_backup VALUES ('m1', now() - interval '2 days', '{"qty": 10}', 'MomentumBot');
    `);
  });

  afterEach(async () => {
    await db.close();
  });

  function varsctl(...args: string[]) {
    return runVarsctl(['--db', db.url, ...args]);
  }

  function countWarnings(stderr: string): number {
    return stderr.split('\n').filter((line) => JSONB_WARNING.test(line)).length;
  }

  it('warns once on list', async () => {
    const result = await varsctl('list');

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('MomentumBot');
    expect(countWarnings(result.stderr)).toBe(1);
  });

  it('warns even with --quiet', async () => {
    const result = await varsctl('-q', 'list', '--json');

    expect(result.exitCode, result.stderr).toBe(0);
    expect(countWarnings(result.stderr)).toBe(1);
  });

  it('warns once on set', async () => {
    const result = await varsctl('set', 'MomentumBot', 'qty', '11');

    expect(result.exitCode, result.stderr).toBe(0);
    expect(countWarnings(result.stderr)).toBe(1);
  });

  it('does not warn on a text column', async () => {
    await db.exec('ALTER TABLE vars_backup ALTER COLUMN variables TYPE text');

    const result = await varsctl('list');

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('warning:');
  });
});
