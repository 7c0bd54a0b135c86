import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { runVarsctl } from './run.js';
import { seedBotTable } from './seed.js';

const DEEP = `${'['.repeat(1000)}${']'.repeat(1000)}`;

describe('set and show messages', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase('sqlite');
    await seedBotTable(db, [
      { strategyId: 'Live', variables: '{"qty": 1}', ageSeconds: 5 },
      { strategyId: 'Deep', variables: `{"tree": ${DEEP}}` },
      { strategyId: 'Short', variables: '{"a": 1, "": 2}' },
    ]);
  });

  afterEach(async () => {
    await db.close();
  });

  function varsctl(...args: string[]) {
    return runVarsctl(['--db', db.url, ...args]);
  }

  it('dry run with --force on live', async () => {
    const result = await varsctl('set', 'Live', 'qty', '2', '--dry-run', '--force');

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain('dry run: would set');
    expect(result.stderr).not.toContain('needs --force');
  });

  it('dry run without --force on live', async () => {
    const result = await varsctl('set', 'Live', 'qty', '2', '--dry-run');

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain('the real run needs --force');
  });

  it.for([['zz'], ['x']])('missing key %s suggests nothing', async ([key]) => {
    const result = await varsctl('show', 'Short', key ?? '');

    expect(result.exitCode).toBe(3);
    expect(result.stderr).not.toContain('did you mean');
    expect(result.stderr).toContain("hint: run varsctl show 'Short' to see its 2 variables");
  });

  it('stored text beyond the nesting limit', async () => {
    const result = await varsctl('show', 'Deep');

    expect(result.exitCode).toBe(5);
    expect(result.stderr).toContain("error: the variables of strategy 'Deep' cannot be parsed: nesting deeper than 900 levels of lists and dicts");
    expect(result.stderr).toContain(
      "hint: varsctl does not parse it because beyond 900 levels the bot's json.loads may raise RecursionError " +
        "(Python's default recursion limit is 1000 frames, and the bot's own call stack uses part of it); " +
        "see it whole with varsctl show 'Deep' --raw\n",
    );
    expect(result.stderr).not.toContain('the bot cannot load this text either');
  });

  it('set VALUE beyond the nesting limit', async () => {
    const result = await varsctl('set', 'Short', 'a', DEEP);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("is beyond varsctl's nesting limit: nesting deeper than 900 levels of lists and dicts at column 901");
    expect(result.stderr).toContain("hint: beyond 900 levels the bot's json.loads may raise RecursionError");
    expect(result.stderr).toContain('so flatten the value or write it with the bot itself\n');
    expect(result.stderr).not.toContain('--string');
  });
});
