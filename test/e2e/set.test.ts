import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DEMO_STRATEGIES } from '../../src/demo/strategies.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/db.js';
import { runVarsctl, startVarsctl } from './run.js';
import { botUpdate, DAY_SECONDS, readRows, readVariables, seedBotTable } from './seed.js';

const PYTHON = '/usr/bin/python3';
const HAS_PYTHON = existsSync(PYTHON);

// Edits a text as the bot would: load it, change one key, dump it again.
const PYTHON_EDIT = `
import json, sys
request = json.load(sys.stdin)
variables = json.loads(request["text"])
if request["value"] is None:
    del variables[request["key"]]
else:
    variables[request["key"]] = json.loads(request["value"])
sys.stdout.write(json.dumps(variables))
`;

function pythonEdit(text: string, key: string, value: string | null): string {
  const result = spawnSync(PYTHON, ['-c', PYTHON_EDIT], { input: JSON.stringify({ text, key, value }), encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`python failed: ${result.stderr}`);
  }
  return result.stdout;
}

const BOT = '{"qty": 4, "stop": 0.05, "symbols": ["AAPL", "MSFT"], "ticker": "QQQ"}';
const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe.each(DIALECTS)('set on %s', (dialect) => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
  });

  afterEach(async () => {
    await db.close();
  });

  function set(args: readonly string[], input?: string) {
    return runVarsctl(['set', ...args], { env: { DB_CONNECTION_STR: db.url }, input });
  }

  it('sets an int and reports the old value', async () => {
    await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT }]);

    const result = await set(['Bot', 'qty', '10']);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('set Bot.qty = 10 (was 4)\n');
    expect(await readVariables(db, 'Bot')).toBe('{"qty": 10, "stop": 0.05, "symbols": ["AAPL", "MSFT"], "ticker": "QQQ"}');
  });

  it('spells values as json.dumps does', async () => {
    await seedBotTable(db, [{ strategyId: 'Bot', variables: '{"v": 0}' }]);

    const cases: [string, string][] = [
      ['1e-05', '1e-05'],
      ['1e5', '100000.0'],
      ['10.0', '10.0'],
      ['-0.0', '-0.0'],
      ['NaN', 'NaN'],
      ['-Infinity', '-Infinity'],
      ['18446744073709551617', '18446744073709551617'],
      ['"SPY"', '"SPY"'],
      ['"café 🚀"', '"caf\\u00e9 \\ud83d\\ude80"'],
      ['{"a":1,"b":[true,null]}', '{"a": 1, "b": [true, null]}'],
      [' [1,2] ', '[1, 2]'],
    ];
    for (const [typed, stored] of cases) {
      // A VALUE starting with '-' that is not a number needs '--' before it.
      const result = await set(['Bot', 'v', '--live-window', '0', '--change-type', '--', typed]);
      expect(result.stderr).not.toContain('error');
      expect(await readVariables(db, 'Bot')).toBe(`{"v": ${stored}}`);
    }
  });

  it('changes only the edited key', async () => {
    const odd = '{"a": 1E5, "b": "\\u00e9", "c": [1,2],  "d": 1}';
    await seedBotTable(db, [{ strategyId: 'Bot', variables: odd }]);

    await set(['Bot', 'd', '2']);

    expect(await readVariables(db, 'Bot')).toBe('{"a": 1E5, "b": "\\u00e9", "c": [1,2], "d": 2}');
  });

  it.runIf(HAS_PYTHON)('writes what the bot would write', async () => {
    const strategies = DEMO_STRATEGIES.filter((strategy) => strategy.rows.length === 1);
    await seedBotTable(
      db,
      strategies.map((strategy) => ({ strategyId: strategy.strategyId, variables: strategy.rows[0]?.variables ?? '' })),
    );

    for (const strategy of strategies) {
      const before = (await readVariables(db, strategy.strategyId)) ?? '';
      const [firstKey] = Object.keys(JSON.parse(before.replaceAll(/\bNaN\b|-?\bInfinity\b/g, '0')) as object);

      const added = await set([strategy.strategyId, 'added', '{"x": [1.5, NaN, "2025-01-02"]}', '--live-window', '0']);
      const deleted = await set([strategy.strategyId, firstKey ?? '', '--delete', '--live-window', '0']);

      expect(added.stderr).not.toContain('error');
      expect(deleted.stderr).not.toContain('error');

      const expected = pythonEdit(pythonEdit(before, 'added', '{"x": [1.5, NaN, "2025-01-02"]}'), firstKey ?? '', null);
      expect(await readVariables(db, strategy.strategyId)).toBe(expected);
    }
  });

  it('rejects an invalid VALUE with a hint', async () => {
    await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT }]);

    const result = await set(['Bot', 'ticker', 'SPY']);

    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `error: VALUE "SPY" is not valid in the bot's JSON dialect: expected a value at column 1\n` +
        `hint: to store it as a string, add --string or quote it as JSON: '"SPY"'\n`,
    );
    expect(await readVariables(db, 'Bot')).toBe(BOT);
  });

  it('stores VALUE as a str with --string', async () => {
    await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT }]);

    const result = await set(['Bot', 'ticker', '--string', 'SPY']);

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('set Bot.ticker = "SPY" (was "QQQ")\n');
    expect(await readVariables(db, 'Bot')).toBe(BOT.replace('"QQQ"', '"SPY"'));
  });

  it('reads VALUE from standard input', async () => {
    await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT }]);

    const dash = await set(['Bot', 'symbols', '-', '--live-window', '0'], '["SPY",\n "IWM"]\n');
    const string = await set(['Bot', 'ticker', '--stdin', '--string', '--live-window', '0'], 'line one\nline two\n');

    expect(dash.exitCode).toBe(0);
    expect(string.exitCode).toBe(0);
    expect(await readVariables(db, 'Bot')).toBe('{"qty": 4, "stop": 0.05, "symbols": ["SPY", "IWM"], "ticker": "line one\\nline two"}');
  });

  it('adds a new key at the end', async () => {
    await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT }]);

    const result = await set(['Bot', 'band', 'NaN']);

    expect(result.stderr).toBe('set Bot.band = NaN (new key)\n');
    expect(await readVariables(db, 'Bot')).toBe(BOT.replace(/}$/, ', "band": NaN}'));
  });

  it('deletes a key', async () => {
    await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT }]);

    const result = await set(['Bot', 'stop', '--delete']);

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('deleted Bot.stop (was 0.05)\n');
    expect(await readVariables(db, 'Bot')).toBe('{"qty": 4, "symbols": ["AAPL", "MSFT"], "ticker": "QQQ"}');
  });

  it('fails with exit 3 deleting a missing key', async () => {
    await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT }]);

    const result = await set(['Bot', 'Qty', '--delete']);

    expect(result.exitCode).toBe(3);
    expect(result.stderr).toBe(
      "error: strategy 'Bot' has no variable 'Qty' to delete\nhint: did you mean 'qty'? Keys match exactly, case included.\n",
    );
  });

  it('rejects --delete with a VALUE', async () => {
    await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT }]);

    const result = await set(['Bot', 'qty', '5', '--delete']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^error: --delete removes the key, so it takes no VALUE "5"/);
    expect(await readVariables(db, 'Bot')).toBe(BOT);
  });

  it('rejects a missing VALUE', async () => {
    await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT }]);

    const result = await set(['Bot', 'qty']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^error: missing VALUE for "qty"\nhint: /);
  });

  it('names the word --wait-backup took for VALUE', async () => {
    await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT }]);

    const result = await set(['Bot', 'qty', '--wait-backup', '5', '--force']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      'error: missing VALUE for "qty": --wait-backup took "5" as its timeout\n' +
        'hint: put VALUE before --wait-backup: varsctl set STRATEGY "qty" 5 --wait-backup\n',
    );
    expect(await readVariables(db, 'Bot')).toBe(BOT);
  });

  it('hints at -- for a VALUE read as an option', async () => {
    await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT }]);

    const infinity = await set(['Bot', 'stop', '-Infinity']);
    const exponent = await set(['Bot', 'stop', '-1E-5']);
    const option = await set(['Bot', 'stop', '-x']);

    expect(infinity.exitCode).toBe(2);
    expect(infinity.stderr).toContain("error: unknown option '-Infinity'\n");
    expect(infinity.stderr).toContain('hint: to pass -Infinity as a value, put -- before it, after every option: varsctl set STRATEGY KEY [options] -- -Infinity\n');
    expect(exponent.stderr).toContain('hint: to pass -1E-5 as a value, put -- before it');
    expect(option.exitCode).toBe(2);
    expect(option.stderr).not.toContain('hint:');
    expect(await readVariables(db, 'Bot')).toBe(BOT);
  });

  it('help pipes show, not --json, back into set', async () => {
    const result = await set(['--help']);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('varsctl show MomentumBot positions > positions.txt\n');
    expect(result.stdout).toContain('varsctl set MomentumBot positions - < positions.txt\n');
    expect(result.stdout).not.toMatch(/jq .*\| varsctl set/);
  });

  it('rejects a strategy that looks live', async () => {
    await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT, ageSeconds: 20 }]);
    const before = await readRows(db, 'Bot');

    const result = await set(['Bot', 'qty', '10']);

    expect(result.exitCode).toBe(4);
    expect(result.stdout).toBe('');
    const [message, hint] = result.stderr.split('\n');
    expect(message).toMatch(/^error: strategy 'Bot' looks live: its last backup was 2\d s ago, within the live window of 5 min$/);
    expect(hint).toContain('takes effect at its next iteration');
    expect(hint).toContain('--force');
    expect(await readRows(db, 'Bot')).toEqual(before);
  });

  it('explains that a running bot brings a deleted key back', async () => {
    await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT, ageSeconds: 20 }]);

    const result = await set(['Bot', 'qty', '--delete']);

    expect(result.exitCode).toBe(4);
    expect(result.stderr).toContain('a deleted key stays in its memory and is written back at its next backup');
  });

  it('writes to a live strategy with --force', async () => {
    await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT, ageSeconds: 20 }]);

    const result = await set(['Bot', 'qty', '10', '--force']);

    expect(result.exitCode).toBe(0);
    expect(await readVariables(db, 'Bot')).toContain('"qty": 10');
  });

  it('takes the live window from --live-window', async () => {
    await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT, ageSeconds: 20 }]);

    const result = await set(['Bot', 'qty', '10', '--live-window', '10s']);

    expect(result.exitCode).toBe(0);
  });

  it('rejects an invalid --live-window', async () => {
    await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT }]);

    const result = await set(['Bot', 'qty', '10', '--live-window', 'soon']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^error: --live-window must be a duration such as 30s, 5m, 2h or 1d, got "soon"/);
  });

  it('suggests near names for an unknown strategy', async () => {
    await seedBotTable(db, [{ strategyId: 'MomentumBot', variables: BOT }]);

    const result = await set(['MomentumBott', 'qty', '1']);

    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("hint: did you mean 'MomentumBot'?");
    expect(await readRows(db, 'MomentumBott')).toEqual([]);
  });

  it('creates a strategy with --create', async () => {
    await seedBotTable(db, []);

    const result = await set(['NewBot', 'qty', '10', '--create']);

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe("created strategy 'NewBot' with qty = 10\n");
    const [row, ...others] = await readRows(db, 'NewBot');
    expect(others).toEqual([]);
    expect(row?.variables).toBe('{"qty": 10}');
    expect(row?.id).toMatch(UUID4);
    if (dialect === 'sqlite') {
      expect(row?.lastUpdated).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?-0[45]:00$/);
    }
  });

  it('changes nothing with --dry-run', async () => {
    await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT, ageSeconds: 20 }]);
    const before = await readRows(db, 'Bot');

    const result = await set(['Bot', 'qty', '10', '--dry-run']);

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe(
      'dry run: would set Bot.qty = 10 (was 4); nothing written; the strategy looks live, so the real run needs --force\n',
    );
    expect(await readRows(db, 'Bot')).toEqual(before);
  });

  it('writes nothing when the value is already stored', async () => {
    await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT }]);
    const before = await readRows(db, 'Bot');

    const result = await set(['Bot', 'stop', '0.050']);

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('Bot.stop is already 0.05; nothing written\n');
    expect(await readRows(db, 'Bot')).toEqual(before);
  });

  it('updates every duplicate row, as the bot does', async () => {
    await seedBotTable(db, [
      { strategyId: 'Twice', variables: '{"qty": 1}', ageSeconds: 3 * DAY_SECONDS },
      { strategyId: 'Twice', variables: '{"qty": 2}', ageSeconds: DAY_SECONDS },
    ]);

    const result = await set(['Twice', 'qty', '3']);

    expect(result.stderr).toBe('set Twice.qty = 3 (was 2) in all 2 rows\n');
    const rows = await readRows(db, 'Twice');
    expect(rows.map((row) => row.variables)).toEqual(['{"qty": 3}', '{"qty": 3}']);
    expect(rows[0]?.lastUpdated).toBe(rows[1]?.lastUpdated);
  });

  it('fails with exit 5 on a stored text that cannot be parsed', async () => {
    await seedBotTable(db, [{ strategyId: 'Broken', variables: '{"qty": ' }]);

    const result = await set(['Broken', 'qty', '1']);

    expect(result.exitCode).toBe(5);
    expect(await readVariables(db, 'Broken')).toBe('{"qty": ');
  });

  it('warns about strings the bot turns into dates or older bots reject', async () => {
    await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT }]);

    const date = await set(['Bot', 'day', '"2025-01-02"']);
    const pair = await set(['Bot', 'pair', '--string', 'BRK-B', '--live-window', '0']);

    expect(date.exitCode).toBe(0);
    expect(date.stderr).toBe(
      'warning: day = "2025-01-02" is stored as a str, but the bot loads it as a date\nset Bot.day = "2025-01-02" (new key)\n',
    );
    expect(pair.stderr.split('\n')[0]).toMatch(/^warning: pair = "BRK-B" would make older bots load no variable at all: it contains '-'/);
  });

  it('warns about repeated keys', async () => {
    await seedBotTable(db, [{ strategyId: 'Repeats', variables: '{"qty": 1, "qty": 2, "note": "x"}' }]);

    const result = await set(['Repeats', 'note', '--string', 'y']);

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe(
      "warning: the stored text has key 'qty' more than once; the bot loads its last value, and the text written keeps only that one\n" +
        'set Repeats.note = "y" (was "x")\n',
    );
    expect(await readVariables(db, 'Repeats')).toBe('{"qty": 2, "note": "y"}');
  });

  it('warns about a repeated key it changes', async () => {
    await seedBotTable(db, [{ strategyId: 'Repeats', variables: '{"qty": 1, "qty": 2, "note": "x"}' }]);

    const changed = await set(['Repeats', 'qty', '3', '--dry-run']);
    const deleted = await set(['Repeats', 'qty', '--delete']);

    expect(changed.stderr.split('\n')[0]).toBe("warning: the stored text has key 'qty' more than once; the text written has it once, with the new value");
    expect(deleted.stderr.split('\n')[0]).toBe("warning: the stored text has key 'qty' more than once; the delete removes every one of them");
    expect(await readVariables(db, 'Repeats')).toBe('{"note": "x"}');
  });

  it('prints the outcome with --json', async () => {
    await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT }]);

    const result = await set(['Bot', 'qty', '18446744073709551617', '--json']);

    expect(result.exitCode).toBe(0);
    const outcome = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(outcome).toMatchObject({
      strategy_id: 'Bot',
      key: 'qty',
      action: 'set',
      status: 'written',
      old: '4',
      new: '18446744073709551617',
      old_value: 4,
      rows_updated: 1,
      looks_live: false,
      warnings: [],
      wait_backup: null,
    });
    expect(result.stdout).toContain('"new_value":18446744073709551617,');
    expect(typeof outcome['last_updated']).toBe('string');
  });

  describe('--wait-backup', () => {
    async function startWaiting(extra: string[]) {
      await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT }]);
      const running = startVarsctl(['set', 'Bot', 'qty', '10', '--wait-backup', '20s', ...extra], { env: { DB_CONNECTION_STR: db.url } });

      // Wait until the set has landed, as the bot would see it.
      for (let attempt = 0; attempt < 100; attempt++) {
        if ((await readVariables(db, 'Bot'))?.includes('"qty": 10')) {
          return running;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('the set never landed');
    }

    it('exits 0 when the value survives the next backup', async () => {
      const running = await startWaiting([]);

      await botUpdate(db, 'Bot', BOT.replace('"qty": 4', '"qty": 10').replace('0.05', '0.06'));
      const result = await running.result;

      expect(result.exitCode).toBe(0);
      expect(result.stderr).toMatch(/the bot's backup at .* kept Bot\.qty = 10\n$/);
    });

    it('exits 4 when the bot writes an older value back', async () => {
      const running = await startWaiting(['--json']);

      await botUpdate(db, 'Bot', BOT.replace('0.05', '0.06'));
      const result = await running.result;

      expect(result.exitCode).toBe(4);
      expect(result.stderr).toMatch(/error: the bot's backup at .* wrote Bot\.qty = 4 over 10: it had loaded its variables before the set landed/);
      expect(JSON.parse(result.stdout)).toMatchObject({ status: 'written', wait_backup: { status: 'overwritten', found: '4' } });
    });

    it('exits 1 when no backup comes in time', async () => {
      await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT }]);

      const result = await set(['Bot', 'qty', '10', '--wait-backup', '1500ms']);

      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain("error: no backup of strategy 'Bot' within 1 s; the value is still as written");
      expect(await readVariables(db, 'Bot')).toContain('"qty": 10');
    });
  });
});
