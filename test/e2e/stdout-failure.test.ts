import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { runShell, shellQuote, varsctlCommand } from './run.js';
import { seedBotTable } from './seed.js';

// A write to stdout that fails for a reason other than a closed pipe is a
// runtime failure: one line and a hint, never a stack trace.

const COMMANDS: readonly (readonly string[])[] = [
  ['list'],
  ['list', '--json'],
  ['show', 'MomentumBot'],
  ['show', 'MomentumBot', '--json'],
  ['show', 'MomentumBot', 'qty'],
  ['show', 'MomentumBot', '--raw'],
  ['export'],
];

describe('a failed write to stdout', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    await seedBotTable(db, [{ strategyId: 'MomentumBot', variables: '{"qty": 10, "symbols": ["AAPL"]}' }]);
  });

  afterAll(async () => {
    await db.close();
  });

  it.for(COMMANDS)('varsctl %s > /dev/full exits 1 with one clear line', async (args) => {
    const words = [varsctlCommand(), '--db', shellQuote(db.url), ...args.map(shellQuote)].join(' ');
    const result = await runShell(`${words} > /dev/full`);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('error: could not write to standard output: no space left on device (ENOSPC)\nhint: ');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('shows the stack with --verbose', async () => {
    const result = await runShell(`${varsctlCommand()} --verbose --db ${shellQuote(db.url)} list > /dev/full`);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('could not write to standard output');
    expect(result.stderr).toMatch(/\n\s+at /);
  });

});
