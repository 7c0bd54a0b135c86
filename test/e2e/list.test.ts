import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createTestDatabase, DIALECTS, quoteTableName, type TestDatabase } from '../support/db.js';
import { runShell, runVarsctl, shellQuote, varsctlCommand } from './run.js';
import { DAY_SECONDS, seedBotTable } from './seed.js';

const MOMENTUM = '{"qty": 10, "symbols": ["AAPL", "MSFT"], "stop": 1e-05}';
const WHEEL = '{"phase": "selling_puts", "premium": 1234.5}';
const NON_ASCII_NAME = 'Стратегия 🚀';
const NON_ASCII = '{"\\u0442\\u0438\\u043a\\u0435\\u0440": "SBER"}';

const JSON_FIELDS = ['strategy_id', 'rows', 'last_updated', 'last_updated_iso', 'age_seconds', 'keys', 'bytes', 'placeholder', 'error'];

interface Listing {
  strategy_id: string;
  rows: number;
  last_updated: string | null;
  last_updated_iso: string | null;
  age_seconds: number | null;
  keys: number | null;
  bytes: number | null;
  placeholder: boolean;
  error: string | null;
}

describe.each(DIALECTS)('list on %s', (dialect) => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
  });

  afterEach(async () => {
    await db.close();
  });

  function list(...args: string[]) {
    return runVarsctl(['list', ...args], { env: { DB_CONNECTION_STR: db.url } });
  }

  async function listJson(...args: string[]): Promise<Listing[]> {
    const result = await list('--json', ...args);
    expect(result.exitCode).toBe(0);
    return JSON.parse(result.stdout) as Listing[];
  }

  it('prints one row per strategy, sorted by name', async () => {
    await seedBotTable(db, [
      { strategyId: 'OptionsWheel', variables: WHEEL },
      { strategyId: 'MomentumBot', variables: MOMENTUM },
      { strategyId: NON_ASCII_NAME, variables: NON_ASCII },
    ]);

    const result = await list();

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^STRATEGY\s+ROWS\s+LAST BACKUP \(NEW YORK\)\s+AGE\s+KEYS\s+SIZE\s+NOTE$/);
    expect(lines.slice(1).map((line) => line.split(/\s{2,}/)[0])).toEqual(['INITIAL VALUE', 'MomentumBot', 'OptionsWheel', NON_ASCII_NAME]);
  });

  it('shows rows, time, age, keys and size', async () => {
    await seedBotTable(db, [{ strategyId: 'MomentumBot', variables: MOMENTUM, ageSeconds: 2 * DAY_SECONDS + 60 }]);

    const result = await list();

    const line = result.stdout.split('\n').find((candidate) => candidate.startsWith('MomentumBot'));
    expect(line).toMatch(/^MomentumBot\s+1\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d E[SD]T\s+2 d ago\s+3\s+55 B$/);
  });

  it('marks the placeholder row', async () => {
    await seedBotTable(db, []);

    const result = await list();

    expect(result.stdout).toMatch(/^INITIAL VALUE\s+1\s.*\s-\s+13 B\s+placeholder row from table creation$/m);
  });

  it('hides the placeholder row with --no-placeholder', async () => {
    await seedBotTable(db, [{ strategyId: 'MomentumBot', variables: MOMENTUM }]);

    const result = await list('--no-placeholder');

    expect(result.stdout).not.toContain('INITIAL VALUE');
    expect(result.stdout).toContain('MomentumBot');
  });

  it('flags duplicate rows', async () => {
    await seedBotTable(db, [
      { strategyId: 'MomentumBot', variables: MOMENTUM, ageSeconds: DAY_SECONDS },
      { strategyId: 'MomentumBot', variables: '{"qty": 4}', ageSeconds: 3 * DAY_SECONDS },
    ]);

    const result = await list();

    expect(result.stdout).toMatch(/^MomentumBot\s+2 \(duplicates\)\s.*\s1 d ago\s+3\s+55 B$/m);
  });

  it('lists an unreadable text and exits 0', async () => {
    await seedBotTable(db, [
      { strategyId: 'Broken', variables: '[1, 2]' },
      { strategyId: 'MomentumBot', variables: MOMENTUM },
    ]);

    const result = await list();

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^Broken\s+1\s.*\s-\s+6 B\s+unreadable: the top-level value is a list, not an object$/m);
    expect(result.stdout).toContain('MomentumBot');
    expect(result.stderr).toBe(
      "warning: the bot cannot load strategy 'Broken': the top-level value is a list, not an object; " +
        "see it with varsctl show 'Broken' --raw\n",
    );
  });

  // 950 levels: CPython 3.11's json.loads reads this text from a script's
  // top level, so the message must not say the bot cannot load it.
  it('lists a deep text as too deep', async () => {
    const deep = `{"tree": ${'['.repeat(949)}${']'.repeat(949)}}`;
    await seedBotTable(db, [{ strategyId: 'Deep', variables: deep }]);

    const result = await list();
    const [listing] = await listJson();

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^Deep\s+1\s.*\s-\s+1\.9 KB\s+too deep for varsctl: nesting deeper than 900 levels of lists and dicts$/m);
    expect(result.stderr).toBe(
      "warning: varsctl cannot parse strategy 'Deep': nesting deeper than 900 levels of lists and dicts, " +
        "and beyond 900 levels the bot's json.loads may raise RecursionError " +
        "(Python's default recursion limit is 1000 frames, and the bot's own call stack uses part of it); " +
        "see it with varsctl show 'Deep' --raw\n",
    );
    expect(listing?.error).toBe('nesting deeper than 900 levels of lists and dicts');
    expect(listing?.keys).toBeNull();
  });

  it('lists a NULL text as unreadable', async () => {
    await seedBotTable(db, [{ strategyId: 'Empty', variables: null }]);

    const [empty] = await listJson();

    expect(empty?.error).toBe('variables is NULL');
    expect(empty?.bytes).toBeNull();
    expect(empty?.keys).toBeNull();
  });

  it('prints --json with stable fields', async () => {
    await seedBotTable(db, [
      { strategyId: 'MomentumBot', variables: MOMENTUM, ageSeconds: 3600 },
      { strategyId: 'MomentumBot', variables: '{"qty": 4}', ageSeconds: 7200 },
      { strategyId: NON_ASCII_NAME, variables: NON_ASCII },
      { strategyId: 'Broken', variables: 'INITIAL VALUE' },
    ]);

    const listings = await listJson();

    expect(listings.map((listing) => listing.strategy_id)).toEqual(['Broken', 'INITIAL VALUE', 'MomentumBot', NON_ASCII_NAME]);
    for (const listing of listings) {
      expect(Object.keys(listing)).toEqual(JSON_FIELDS);
    }

    const [broken, placeholder, momentum, nonAscii] = listings;
    expect(momentum?.rows).toBe(2);
    expect(momentum?.keys).toBe(3);
    expect(momentum?.bytes).toBe(Buffer.byteLength(MOMENTUM));
    expect(momentum?.placeholder).toBe(false);
    expect(momentum?.error).toBeNull();
    expect(momentum?.age_seconds).toBeGreaterThanOrEqual(3600);
    expect(momentum?.age_seconds).toBeLessThan(3660);
    expect(momentum?.last_updated_iso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(Date.parse(momentum?.last_updated_iso ?? '')).toBeCloseTo(Date.now() - 3_600_000, -5);

    expect(placeholder?.placeholder).toBe(true);
    expect(placeholder?.keys).toBeNull();
    expect(placeholder?.error).toBeNull();

    expect(broken?.placeholder).toBe(false);
    expect(broken?.error).toBe('expected a value');

    expect(nonAscii?.keys).toBe(1);
    expect(nonAscii?.bytes).toBe(NON_ASCII.length);
  });

  it('keeps the stored last_updated text in --json', async () => {
    await seedBotTable(db, [{ strategyId: 'MomentumBot', variables: MOMENTUM }]);
    const [stored] = await db.query(
      `SELECT CAST(last_updated AS TEXT) AS text FROM ${quoteTableName('vars_backup')} WHERE strategy_id = 'MomentumBot'`,
    );

    const [, momentum] = await listJson();

    if (dialect === 'sqlite') {
      expect(momentum?.last_updated).toBe(stored?.['text']);
    } else {
      expect(Date.parse(momentum?.last_updated ?? '')).toBe(Date.parse(String(stored?.['text'])));
    }
  });

  it('says so on stderr for an empty table', async () => {
    await seedBotTable(db, []);
    await db.exec(`DELETE FROM ${quoteTableName('vars_backup')}`);

    const table = await list();
    const json = await list('--json');

    expect(table.exitCode).toBe(0);
    expect(table.stdout).toBe('');
    expect(table.stderr).toBe('no strategies in vars_backup yet: a bot writes its first backup after its first iteration\n');
    expect(json.stdout).toBe('[]\n');
  });

  it('fails with exit 3 for a missing table', async () => {
    await seedBotTable(db, []);

    const result = await runVarsctl(['--table', 'no_such_table', 'list'], { env: { DB_CONNECTION_STR: db.url } });

    expect(result.exitCode).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: .*no_such_table/);
  });

  it('suggests the table of another case', async () => {
    await seedBotTable(db, []);

    const result = await runVarsctl(['--table', 'VARS_BACKUP', 'list'], { env: { DB_CONNECTION_STR: db.url } });

    if (db.dialect === 'postgresql') {
      expect(result.exitCode).toBe(3);
      expect(result.stderr).toContain('hint: did you mean --table vars_backup? Names match exactly');
    } else {
      // SQLite matches table names in any case.
      expect(result.exitCode, result.stderr).toBe(0);
    }
  });

  it('exits 0 quietly when the reader goes away', async () => {
    const rows = Array.from({ length: 1500 }, (_, index) => ({ strategyId: `Bot-${String(index).padStart(4, '0')}`, variables: MOMENTUM }));
    await seedBotTable(db, rows);

    const command = `set -o pipefail; DB_CONNECTION_STR=${shellQuote(db.url)} ${varsctlCommand()} list | head -1`;
    const result = await runShell(`bash -c ${shellQuote(command)}`);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^STRATEGY\s+ROWS/);
    expect(result.stdout.split('\n')).toHaveLength(2);
    expect(result.stderr).toBe('');
  });
});

describe('list width on sqlite', () => {
  const LONG_NAME = `Long${'x'.repeat(4996)}`;
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase('sqlite');
    await seedBotTable(db, [
      { strategyId: LONG_NAME, variables: MOMENTUM },
      { strategyId: 'MomentumBot', variables: MOMENTUM },
    ]);
  });

  afterEach(async () => {
    await db.close();
  });

  /** Runs `varsctl ARGS` in a pseudo-terminal of 80 columns, which merges stdout and stderr. */
  function listInTerminal(...args: string[]) {
    const command = `stty cols 80 rows 24; ${varsctlCommand()} ${args.map(shellQuote).join(' ')}`;
    return runShell(`script -qec ${shellQuote(command)} /dev/null`, { env: { DB_CONNECTION_STR: db.url } });
  }

  it('cuts long names on a terminal', async () => {
    const result = await listInTerminal('list', '--no-placeholder', '--no-color');

    const lines = result.stdout.split('\r\n').filter((line) => line !== '');
    expect(result.exitCode).toBe(0);
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line.length, line).toBeLessThanOrEqual(80);
    }
    expect(lines[0]).toMatch(/ NOTE$/);
    expect(lines[0]).toHaveLength(80);
    expect(lines[1]).toMatch(/^Longx+… {2}1 {5}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d E[SD]T {2}.+ ago +3 {2}55 B$/);
    expect(lines[2]).toMatch(/^MomentumBot +1 {5}/);
    expect(lines[1]?.indexOf('  1  ')).toBe(lines[2]?.indexOf('  1  '));
  });

  it("cuts long names in purge's table too", async () => {
    const result = await listInTerminal('purge', LONG_NAME, 'MomentumBot', '--dry-run', '--no-color');

    const lines = result.stdout.split('\r\n').filter((line) => line.startsWith('STRATEGY') || /^(Longx|MomentumBot)/.test(line));
    expect(result.exitCode, result.stdout).toBe(0);
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line.length, line).toBeLessThanOrEqual(80);
    }
    expect(lines[1]).toMatch(/^Longx+… +1  /);
    expect(lines[1]?.indexOf(" 1  ")).toBe(lines[2]?.indexOf(" 1  "));
  });

  it('keeps names whole in --json on a terminal', async () => {
    const result = await listInTerminal('list', '--no-placeholder', '--json');

    const listings = JSON.parse(result.stdout) as Listing[];
    expect(listings.map((listing) => listing.strategy_id)).toEqual([LONG_NAME, 'MomentumBot']);
  });

  it('keeps names whole when piped', async () => {
    const result = await runVarsctl(['list', '--no-placeholder'], { env: { DB_CONNECTION_STR: db.url, COLUMNS: '80' } });

    const lines = result.stdout.split('\n');
    expect(result.exitCode).toBe(0);
    expect(lines[1]?.startsWith(`${LONG_NAME}  1`)).toBe(true);
    expect(lines[2]?.startsWith(`MomentumBot${' '.repeat(4989)}  1`)).toBe(true);
  });
});
