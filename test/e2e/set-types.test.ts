import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/db.js';
import { runShell, runVarsctl, shellQuote, varsctlCommand } from './run.js';
import { botUpdate, readVariables, seedBotTable } from './seed.js';

// One value of each kind the round trip through `show KEY` must keep:
// special floats, a whole float, an int beyond 2^53, strings the bot loads
// as a date or datetime, escapes, None and nested values.
const STATE =
  '{"band": NaN, "floor": -Infinity, "whole": 100.0, "big": 18446744073709551621, "qty": 4, ' +
  '"day": "2025-01-02", "at": "2025-01-02T09:30:00Z", "name": "caf\\u00e9", "notes": null, ' +
  '"ok": true, "ids": [9007199254740993, 1.5, NaN], "pos": {"SPY": {"qty": 100, "opened": "2025-02-03"}}}';

describe.each(DIALECTS)('set type checks on %s', (dialect) => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    await seedBotTable(db, [{ strategyId: 'Bot', variables: STATE }]);
  });

  afterEach(async () => {
    await db.close();
  });

  function set(args: readonly string[], input?: string) {
    return runVarsctl(['set', 'Bot', ...args], { env: { DB_CONNECTION_STR: db.url }, input });
  }

  function pipeline(commandLine: string) {
    return runShell(commandLine.replaceAll('varsctl', varsctlCommand()), { env: { DB_CONNECTION_STR: db.url } });
  }

  it('show KEY piped into set keeps every value', async () => {
    const keys = Object.keys(JSON.parse(STATE.replaceAll(/NaN|-Infinity/g, '0')) as object);

    for (const key of keys) {
      const result = await pipeline(`varsctl show Bot ${shellQuote(key)} | varsctl set Bot ${shellQuote(key)} -`);

      expect(result.exitCode, key).toBe(0);
      expect(result.stderr, key).toMatch(/is already .*; nothing written\n$/);
    }
    expect(await readVariables(db, 'Bot')).toBe(STATE);
  });

  it('rejects NaN piped from --json as a str', async () => {
    const result = await pipeline('varsctl --json show Bot band | varsctl set Bot band -');

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      'error: VALUE changes the type of band from float to str (was NaN, now "NaN"); nothing was written\n' +
        'hint: to keep a float, pass NaN unquoted; to write the new type anyway, add --change-type\n',
    );
    expect(await readVariables(db, 'Bot')).toBe(STATE);
  });

  it('rejects an int over a whole float', async () => {
    const result = await set(['whole', '100']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('error: VALUE changes the type of whole from float to int (was 100.0, now 100)');
    expect(result.stderr).toContain('hint: to keep a float, pass 100.0;');
    expect(await readVariables(db, 'Bot')).toBe(STATE);
  });

  it('rejects a plain str over a date', async () => {
    const result = await set(['day', '"2025-02-30"']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('from date (stored as a str) to str (was "2025-01-02", now "2025-02-30")');
    expect(result.stderr).toContain('hint: to keep a date, pass a string of the form "YYYY-MM-DD"');
  });

  it('rejects null over a dict', async () => {
    const result = await set(['pos', 'null']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('from dict to NoneType');
    expect(result.stderr).toContain('hint: a JSON tool such as jq prints null for a missing field');
    expect(result.stderr).toContain("varsctl show 'Bot' 'pos' prints it");
  });

  it('rejects a type change before the live check', async () => {
    await botUpdate(db, 'Bot', STATE);

    const result = await set(['qty', '"4"']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('hint: to keep an int, pass 4 unquoted;');
  });

  it('writes a new type with --change-type and warns', async () => {
    const result = await set(['qty', '4.5', '--change-type']);

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('warning: qty changes type from int to float (was 4, now 4.5)\nset Bot.qty = 4.5 (was 4)\n');
    expect(await readVariables(db, 'Bot')).toBe(STATE.replace('"qty": 4,', '"qty": 4.5,'));
  });

  it('shows a type change in a dry run', async () => {
    const result = await set(['qty', '4.0', '--dry-run', '--json']);

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe(
      'warning: qty would change type from int to float (was 4, now 4.0), so the real run needs --change-type; ' +
        'if that is not meant, to keep an int, pass 4\n' +
        'dry run: would set Bot.qty = 4.0 (was 4); nothing written\n',
    );
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'dry-run', warnings: [expect.stringContaining('--change-type')] });
    expect(await readVariables(db, 'Bot')).toBe(STATE);
  });

  it('only warns when replacing None', async () => {
    const result = await set(['notes', '"rolled"']);

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('warning: notes changes type from NoneType to str (was null, now "rolled")\nset Bot.notes = "rolled" (was null)\n');
  });

  it('keeps a date-like str a date without warning', async () => {
    const result = await set(['day', '"2025-03-04"']);

    expect(result.exitCode).toBe(0);
    expect(result.stderr).not.toContain('changes type');
  });

  it('warns about digits rounded by jq', async () => {
    const next = await set(['big', '18446744073709551622']);
    const rounded = await set(['big', '18446744073709552000', '--live-window', '0']);

    expect(next.stderr).not.toContain('warning');
    expect(rounded.exitCode).toBe(0);
    expect(rounded.stderr.split('\n')[0]).toBe(
      'warning: big: 18446744073709552000 is the old 18446744073709551622 rounded to a double, ' +
        "so its digits look rounded by a JSON tool; pass the value as varsctl show 'Bot' 'big' prints it",
    );
  });

  it('rejects a float that rounded a big int', async () => {
    const result = await set(['big', '1.8446744073709552e+19']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('from int to float');
    expect(result.stderr).toContain('hint: 1.8446744073709552e+19 is the old 18446744073709551621 rounded to a double');
  });
});
