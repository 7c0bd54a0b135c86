import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/db.js';
import { runVarsctl } from './run.js';
import { DAY_SECONDS, seedBotTable } from './seed.js';

const EDGE =
  '{"zscore": NaN, "upper": Infinity, "stop": 1e-05, "whole": 100.0, "ids": [18446744073709551623, -9223372036854775808], ' +
  '"day": "2025-01-02", "at": "2025-01-02T14:30:00Z", "spaced": "2025-01-02 09:30:00", ' +
  '"option": {"expiration": "2025-03-21", "strike": 500.0}, "note": "caf\\u00e9 \\ud83d\\ude80"}';

const LONG = `{"history": [${Array.from({ length: 60 }, (_, index) => index * 1.5).map((value) => value.toFixed(1)).join(', ')}], "qty": 3}`;

describe.each(DIALECTS)('show on %s', (dialect) => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
  });

  afterEach(async () => {
    await db.close();
  });

  function show(args: readonly string[], env: Record<string, string> = {}) {
    return runVarsctl(['show', ...args], { env: { DB_CONNECTION_STR: db.url, ...env } });
  }

  it('prints a table of key, type and value', async () => {
    await seedBotTable(db, [{ strategyId: 'Edge', variables: EDGE }]);

    const result = await show(['Edge'], { COLUMNS: '200' });

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n').map((line) => line.split(/\s{2,}/))).toEqual([
      ['KEY', 'TYPE', 'VALUE'],
      ['zscore', 'float', 'NaN'],
      ['upper', 'float', 'Infinity'],
      ['stop', 'float', '1e-05'],
      ['whole', 'float', '100.0'],
      ['ids', 'list', '[18446744073709551623, -9223372036854775808]'],
      ['day', 'str -> date', '"2025-01-02"'],
      ['at', 'str -> datetime', '"2025-01-02T14:30:00Z"'],
      ['spaced', 'str', '"2025-01-02 09:30:00"'],
      ['option', 'dict (1 str -> date)', '{"expiration": "2025-03-21", "strike": 500.0}'],
      ['note', 'str', '"café 🚀"'],
      [''],
    ]);
  });

  it('shortens long values to the terminal width', async () => {
    await seedBotTable(db, [{ strategyId: 'Long', variables: LONG }]);

    const result = await show(['Long'], { COLUMNS: '60' });

    const history = result.stdout.split('\n').find((line) => line.startsWith('history'));
    expect(history?.length).toBe(60);
    expect(history?.endsWith('…')).toBe(true);
  });

  it('shows long values whole with --full', async () => {
    await seedBotTable(db, [{ strategyId: 'Long', variables: LONG }]);

    const result = await show(['Long', '--full'], { COLUMNS: '60' });

    expect(result.stdout).toContain('88.5]');
    expect(result.stdout).not.toContain('…');
  });

  it('prints one value exactly as stored', async () => {
    await seedBotTable(db, [{ strategyId: 'Edge', variables: EDGE }]);

    const cases: [string, string][] = [
      ['stop', '1e-05\n'],
      ['zscore', 'NaN\n'],
      ['whole', '100.0\n'],
      ['ids', '[18446744073709551623, -9223372036854775808]\n'],
      ['note', '"caf\\u00e9 \\ud83d\\ude80"\n'],
    ];
    for (const [key, expected] of cases) {
      const result = await show(['Edge', key]);
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toBe(expected);
    }
  });

  it('prints one value as standard JSON', async () => {
    await seedBotTable(db, [{ strategyId: 'Edge', variables: EDGE }]);

    const nan = await show(['Edge', 'zscore', '--json']);
    const ids = await show(['Edge', 'ids', '--json']);
    const note = await show(['Edge', 'note', '--json']);

    expect(JSON.parse(nan.stdout)).toBe('NaN');
    expect(ids.stdout).toBe('[18446744073709551623,-9223372036854775808]\n');
    expect(JSON.parse(note.stdout)).toBe('café 🚀');
  });

  it('prints all variables as standard JSON', async () => {
    await seedBotTable(db, [{ strategyId: 'Edge', variables: EDGE }]);

    const result = await show(['Edge', '--json']);

    expect(result.exitCode).toBe(0);
    const parsed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['zscore', 'upper', 'stop', 'whole', 'ids', 'day', 'at', 'spaced', 'option', 'note']);
    expect(parsed['zscore']).toBe('NaN');
    expect(parsed['upper']).toBe('Infinity');
    expect(parsed['stop']).toBe(1e-5);
    expect(result.stdout).toContain('"ids":[18446744073709551623,-9223372036854775808]');
  });

  it('prints --raw byte for byte', async () => {
    const rawUtf8 = '{"note": "café 🚀",\n  "qty": 1e5}\n';
    await seedBotTable(db, [
      { strategyId: 'Edge', variables: EDGE },
      { strategyId: 'Стратегия 🚀', variables: rawUtf8 },
    ]);

    const edge = await show(['Edge', '--raw']);
    const unicode = await show(['Стратегия 🚀', '--raw']);

    expect(edge.exitCode).toBe(0);
    expect(edge.stdoutBytes.equals(Buffer.from(EDGE, 'utf8'))).toBe(true);
    expect(unicode.stdoutBytes.equals(Buffer.from(rawUtf8, 'utf8'))).toBe(true);
  });

  it('prints --raw even when the text cannot be parsed', async () => {
    await seedBotTable(db, [{ strategyId: 'Broken', variables: '{"qty": 1,' }]);

    const result = await show(['Broken', '--raw']);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('{"qty": 1,');
  });

  it('suggests near names for an unknown strategy', async () => {
    await seedBotTable(db, [
      { strategyId: 'MomentumBot', variables: '{"qty": 1}' },
      { strategyId: 'OptionsWheel', variables: '{"qty": 2}' },
    ]);

    const result = await show(['momentumbot']);

    expect(result.exitCode).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      "error: strategy 'momentumbot' not found in vars_backup\n" +
        "hint: did you mean 'MomentumBot'? The bot matches strategy_id exactly, case and spaces included.\n",
    );
  });

  it('matches a trailing space exactly, as the bot does', async () => {
    await seedBotTable(db, [{ strategyId: 'MomentumBot', variables: '{"qty": 1}' }]);

    const result = await show(['MomentumBot ']);

    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("did you mean 'MomentumBot'?");
  });

  it('suggests near keys for an unknown key', async () => {
    await seedBotTable(db, [{ strategyId: 'Edge', variables: EDGE }]);

    const result = await show(['Edge', 'Zscore']);

    expect(result.exitCode).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      "error: strategy 'Edge' has no variable 'Zscore'\nhint: did you mean 'zscore'? Keys match exactly, case included.\n",
    );
  });

  it('fails with exit 5 on a text that cannot be parsed', async () => {
    await seedBotTable(db, [{ strategyId: 'Broken', variables: '{"qty": 1,\n "stop": }' }]);

    const result = await show(['Broken']);

    expect(result.exitCode).toBe(5);
    expect(result.stdout).toBe('');
    const [message, hint] = result.stderr.split('\n');
    expect(message).toMatch(/^error: the variables of strategy 'Broken' cannot be parsed: .* at line 2, column 10: /);
    expect(message).toContain('"stop": }');
    expect(hint).toBe("hint: the bot cannot load this text either; see it whole with varsctl show 'Broken' --raw");
  });

  it('fails with exit 5 on a top-level list', async () => {
    await seedBotTable(db, [{ strategyId: 'Listed', variables: '[1, 2]' }]);

    const result = await show(['Listed', '--json']);

    expect(result.exitCode).toBe(5);
    expect(result.stderr).toContain('the top-level value is a list');
  });

  it('fails with exit 5 on NULL variables', async () => {
    await seedBotTable(db, [{ strategyId: 'Nothing', variables: null }]);

    const table = await show(['Nothing']);
    const raw = await show(['Nothing', '--raw']);

    expect(table.exitCode).toBe(5);
    expect(table.stderr).toMatch(/^error: the variables of strategy 'Nothing' are NULL/);
    expect(raw.exitCode).toBe(5);
  });

  it('explains the placeholder row', async () => {
    await seedBotTable(db, []);

    const result = await show(['INITIAL VALUE']);

    expect(result.exitCode).toBe(5);
    expect(result.stderr).toContain('hint: this is the placeholder row Lumibot writes when it creates the table');
  });

  it('lists duplicate rows and marks the loaded one', async () => {
    await seedBotTable(db, [
      { strategyId: 'Twice', variables: '{"qty": 1}', ageSeconds: 3 * DAY_SECONDS, id: 'old-row' },
      { strategyId: 'Twice', variables: '{"qty": 2}', ageSeconds: DAY_SECONDS, id: 'new-row' },
    ]);

    const result = await show(['Twice', 'qty']);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('2\n');
    const lines = result.stderr.split('\n');
    expect(lines[0]).toBe("note: strategy 'Twice' has 2 rows; the bot loads the one marked with * (ORDER BY last_updated DESC LIMIT 1):");
    expect(lines.find((line) => line.includes('new-row'))).toMatch(/^ {2}\* id new-row /);
    expect(lines.find((line) => line.includes('old-row'))).toMatch(/^ {4}id old-row /);
  });

  it('keeps the duplicate note off stderr with --quiet', async () => {
    await seedBotTable(db, [
      { strategyId: 'Twice', variables: '{"qty": 1}', ageSeconds: 3 * DAY_SECONDS },
      { strategyId: 'Twice', variables: '{"qty": 2}', ageSeconds: DAY_SECONDS },
    ]);

    const result = await show(['Twice', 'qty', '-q']);

    expect(result.stdout).toBe('2\n');
    expect(result.stderr).toBe('');
  });

  it('says so for a strategy without variables', async () => {
    await seedBotTable(db, [{ strategyId: 'Empty', variables: '{}' }]);

    const table = await show(['Empty']);
    const json = await show(['Empty', '--json']);

    expect(table.exitCode).toBe(0);
    expect(table.stdout).toBe('');
    expect(table.stderr).toBe("strategy 'Empty' has no variables: its stored text is {}\n");
    expect(json.stdout).toBe('{}\n');
  });

  it('rejects --raw with a key', async () => {
    await seedBotTable(db, [{ strategyId: 'Edge', variables: EDGE }]);

    const result = await show(['Edge', 'stop', '--raw']);

    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: --raw prints the whole stored text, so it takes no KEY/);
  });
});

describe('show with 150,001 keys on sqlite', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase('sqlite');
  });

  afterEach(async () => {
    await db.close();
  });

  it('prints a line per key', async () => {
    const entries = Array.from({ length: 150_001 }, (_, index) => `"k${index}": ${index}`);
    await seedBotTable(db, [{ strategyId: 'Wide', variables: `{${entries.join(', ')}}` }]);

    const result = await runVarsctl(['show', 'Wide'], { env: { DB_CONNECTION_STR: db.url, COLUMNS: '80' }, timeoutMs: 120_000 });

    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines).toHaveLength(150_003);
    expect(lines[1]).toBe('k0       int   0');
    expect(lines[150_001]).toBe('k150000  int   150000');
  }, 180_000);
});
