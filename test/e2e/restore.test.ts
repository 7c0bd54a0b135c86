import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createTestDatabase, DIALECTS, insertRow, requireRealPostgres, type TestDatabase } from '../support/db.js';
import { waitForRestoreJournal } from '../support/restore-journal.js';
import { insertLargeRows, runInTerminal, tableExists, tableRows, terminalAvailable } from './export-support.js';
import { runVarsctl, startVarsctl, type RunResult } from './run.js';
import { botTimestamp, botUpdate, seedBotTable } from './seed.js';

const MOMENTUM = '{"iteration_count": 4, "last_price": 187.99, "notes": null}';
const EDGE = '{"zscore": NaN, "upper_band": Infinity, "big": 18446744073709551621, "tiny": 1e-05}';
const UNICODE_NAME = 'Стратегия Волатильность 🚀';
const UNICODE = '{"\\u0437\\u0430\\u043c": "\\ud83d\\ude80", "raw": "naïve"}';

const STRATEGIES = [
  { strategyId: 'MomentumBot', variables: MOMENTUM },
  { strategyId: 'MeanReversion NaN-Edge', variables: EDGE },
  { strategyId: UNICODE_NAME, variables: UNICODE },
  { strategyId: 'Bom', variables: '\ufeff{"a": 1}' },
  { strategyId: 'Null', variables: null },
];

const OTHER_DIALECT = { postgresql: 'sqlite', sqlite: 'postgresql' } as const;

describe.each(DIALECTS)('restore on %s', (dialect) => {
  let db: TestDatabase;
  let folder: string;
  let backup: string;

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-restore-'));
    backup = path.join(folder, 'backup.jsonl');
  });

  afterEach(async () => {
    await db.close();
    rmSync(folder, { recursive: true, force: true });
  });

  function varsctl(target: TestDatabase, args: readonly string[], input?: string | Buffer) {
    return runVarsctl(['--db', target.url, ...args], input === undefined ? {} : { input });
  }

  async function exportAll(): Promise<void> {
    await seedBotTable(db, STRATEGIES);
    const result = await varsctl(db, ['export', '-o', backup]);
    expect(result.exitCode, result.stderr).toBe(0);
  }

  /** Exports the seeded table, then runs `check` on a new database and closes that database. */
  async function withNewTarget(check: (target: TestDatabase) => Promise<void>): Promise<void> {
    await exportAll();
    const target = await createTestDatabase(dialect);
    try {
      await check(target);
    } finally {
      await target.close();
    }
  }

  /** Restores the export into `url` with --dry-run, then for real, with `options` before the command. */
  async function restoreBothWays(url: string, options: readonly string[] = []): Promise<{ dryRun: RunResult; result: RunResult }> {
    const args = ['--db', url, ...options, 'restore', backup];
    const dryRun = await runVarsctl([...args, '--dry-run']);
    const result = await runVarsctl([...args, '--yes']);
    return { dryRun, result };
  }

  async function deleteAll(target: TestDatabase): Promise<void> {
    await target.exec('DELETE FROM vars_backup');
  }

  it('brings every row back byte for byte', async () => {
    await exportAll();
    const before = await tableRows(db);
    await deleteAll(db);

    const result = await varsctl(db, ['restore', backup]);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^restored 6 strategies \(6 rows\) into .*: 6 new, 0 replaced\n$/);
    expect(await tableRows(db)).toEqual(before);
  });

  it('replaces changed strategies with --yes', async () => {
    await exportAll();
    const before = await tableRows(db);
    await botUpdate(db, 'MomentumBot', '{"iteration_count": 9}', 3600);
    await insertRow(db, { id: 'extra', last_updated: botTimestamp(db, 3600), variables: '{}', strategy_id: 'MomentumBot' });

    const result = await varsctl(db, ['restore', backup, '--yes']);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/0 new, 6 replaced/);
    expect(await tableRows(db)).toEqual(before);
  });

  it('creates the bot table in an empty database', async () => {
    await exportAll();
    const target = await createTestDatabase(dialect);

    try {
      const result = await varsctl(target, ['restore', backup]);

      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/created table vars_backup as the bot would/);
      expect(await tableExists(target)).toBe(true);
      expect(await columnTypes(target)).toEqual(
        dialect === 'sqlite'
          ? [['id', 'TEXT'], ['last_updated', 'TIMESTAMP'], ['variables', 'TEXT'], ['strategy_id', 'TEXT']]
          : [['id', 'text'], ['last_updated', 'timestamp with time zone'], ['variables', 'text'], ['strategy_id', 'text']],
      );
      expect(await indexNames(target)).toContain('ix_vars_backup_id');
      expect(await tableRows(target)).toEqual(await tableRows(db));
    } finally {
      await target.close();
    }
  });

  it('adds the placeholder row to a table it creates', async () => {
    await exportAll();
    const target = await createTestDatabase(dialect);

    try {
      const dryRun = await varsctl(target, ['restore', backup, 'MomentumBot', '--dry-run']);
      expect(dryRun.exitCode, dryRun.stderr).toBe(0);
      expect(dryRun.stderr).toMatch(/; would create table vars_backup as the bot would, with its INITIAL VALUE row; nothing was written\n$/);

      const result = await varsctl(target, ['restore', backup, 'MomentumBot']);

      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/restored 1 strategy \(1 row\) into .*: 1 new, 0 replaced; created table vars_backup as the bot would, with its INITIAL VALUE row\n$/);
      const rows = await tableRows(target);
      expect(rows.map((row) => [row.strategy_id, row.variables])).toEqual([
        ['INITIAL VALUE', 'INITIAL VALUE'],
        ['MomentumBot', MOMENTUM],
      ]);
      const placeholder = rows[0];
      expect(placeholder?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(placeholder?.last_updated).toMatch(dialect === 'sqlite' ? /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/ : /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    } finally {
      await target.close();
    }
  });

  it('fails a dry run as the restore fails', async () => {
    await withNewTarget(async (target) => {
      const { dryRun, result } = await restoreBothWays(target.url, ['--table', 'nosuch.vars_backup']);

      expect(result.exitCode).toBe(dialect === 'sqlite' ? 2 : 3);
      expect(dryRun.exitCode).toBe(result.exitCode);
      expect(dryRun.stderr).toBe(result.stderr);
      expect(dryRun.stderr).toContain(dialect === 'sqlite' ? 'unknown database "nosuch"' : 'schema "nosuch" does not exist');
    });
  });

  it('rejects a temporary table', async () => {
    await withNewTarget(async (target) => {
      const temporary = dialect === 'sqlite' ? 'temp.vars_backup' : 'pg_temp.vars_backup';
      const { dryRun, result } = await restoreBothWays(target.url, ['--table', temporary]);

      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(`cannot restore into ${temporary}: a temporary table is dropped when varsctl disconnects`);
      expect(dryRun.exitCode).toBe(2);
      expect(dryRun.stderr).toBe(result.stderr);
    });
  });

  it.skipIf(dialect === 'sqlite')('rejects a temporary table from search_path', async (context) => {
    requireRealPostgres(context);
    await withNewTarget(async (target) => {
      const { dryRun, result } = await restoreBothWays(`${target.url}?options=-c%20search_path%3Dpg_temp`);

      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain('cannot restore into vars_backup: a temporary table is dropped when varsctl disconnects');
      expect(dryRun.stderr).toBe(result.stderr);
    });
  });

  it.skipIf(dialect === 'sqlite')('fails a dry run on a view', async (context) => {
    requireRealPostgres(context);
    await withNewTarget(async (target) => {
      await target.exec('CREATE TABLE base (id TEXT, last_updated TIMESTAMPTZ, variables TEXT, strategy_id TEXT)');
      await target.exec('CREATE VIEW vars_backup AS SELECT * FROM base');
      const { dryRun, result } = await restoreBothWays(target.url);

      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain('cannot copy to view "vars_backup"');
      expect(dryRun.stderr).toBe(result.stderr);
    });
  });

  it('fails a dry run on a taken index name', async () => {
    await withNewTarget(async (target) => {
      await target.exec('CREATE TABLE vars_backup_old (id TEXT)');
      await target.exec('CREATE INDEX ix_vars_backup_id ON vars_backup_old (id)');
      const { dryRun, result } = await restoreBothWays(target.url);

      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain(dialect === 'sqlite' ? 'index ix_vars_backup_id already exists' : 'relation "ix_vars_backup_id" already exists');
      expect(dryRun.exitCode).toBe(1);
      expect(dryRun.stderr).toBe(result.stderr);
      expect(await tableExists(target)).toBe(false);
    });
  });

  it.skipIf(dialect === 'sqlite')('fails a dry run on a read-only server', async (context) => {
    requireRealPostgres(context);
    await withNewTarget(async (target) => {
      const { dryRun, result } = await restoreBothWays(`${target.url}?options=-c%20default_transaction_read_only%3Don`);

      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain('cannot execute CREATE TABLE in a read-only transaction');
      expect(dryRun.exitCode).toBe(1);
      expect(dryRun.stderr).toBe(result.stderr);
    });
  });

  it('creates a missing SQLite file', async () => {
    await exportAll();
    const file = path.join(folder, 'new-machine.db');
    const url = `sqlite:///${file}`;

    const dryRun = await runVarsctl(['--db', url, 'restore', backup, '--dry-run']);
    expect(dryRun.exitCode, dryRun.stderr).toBe(0);
    expect(dryRun.stderr).toContain(`would create the file ${file} and table vars_backup as the bot would`);
    expect(dryRun.stdout).toMatch(/MomentumBot.*new/);
    expect(existsSync(file)).toBe(false);

    const noFolder = await runVarsctl(['--db', `sqlite:///${path.join(folder, 'absent', 'new.db')}`, 'restore', backup, '--dry-run']);
    expect(noFolder.exitCode).toBe(3);
    expect(noFolder.stderr).toContain('does not exist');

    const failed = await runVarsctl(['--db', url, 'restore', backup, 'NoSuchStrategy']);
    expect(failed.exitCode).toBe(3);
    expect(existsSync(file)).toBe(false);

    const result = await runVarsctl(['--db', url, 'restore', backup]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const listed = await runVarsctl(['--db', url, 'list', '--json']);
    const names = (JSON.parse(listed.stdout) as { strategy_id: string }[]).map((row) => row.strategy_id);
    expect(names).toEqual(expect.arrayContaining(['MomentumBot', UNICODE_NAME]));
  });

  it(`restores into ${OTHER_DIALECT[dialect]} byte for byte`, async () => {
    await exportAll();
    const target = await createTestDatabase(OTHER_DIALECT[dialect]);

    try {
      const result = await varsctl(target, ['restore', backup]);
      expect(result.exitCode, result.stderr).toBe(0);

      const source = await tableRows(db);
      const restored = await tableRows(target);
      expect(restored.map((row) => [row.strategy_id, row.id, row.variables])).toEqual(source.map((row) => [row.strategy_id, row.id, row.variables]));
      if (target.dialect === 'sqlite') {
        const momentum = restored.find((row) => row.strategy_id === 'MomentumBot');
        expect(momentum?.last_updated).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}-0[45]:00$/);
      }
    } finally {
      await target.close();
    }
  });

  it('round-trips across both dialects', async () => {
    await exportAll();
    const other = await createTestDatabase(OTHER_DIALECT[dialect]);
    const back = await createTestDatabase(dialect);
    const second = path.join(folder, 'second.jsonl');

    try {
      expect((await varsctl(other, ['restore', backup])).exitCode).toBe(0);
      expect((await varsctl(other, ['export', '-o', second])).exitCode).toBe(0);
      expect((await varsctl(back, ['restore', second])).exitCode).toBe(0);

      const source = await tableRows(db);
      const restored = await tableRows(back);
      expect(restored.map((row) => [row.strategy_id, row.id, row.variables])).toEqual(source.map((row) => [row.strategy_id, row.id, row.variables]));
      if (dialect === 'postgresql') {
        expect(restored.map((row) => row.last_updated)).toEqual(source.map((row) => row.last_updated));
      }
    } finally {
      await other.close();
      await back.close();
    }
  });

  it('reads standard input', async () => {
    await exportAll();
    const before = await tableRows(db);
    await deleteAll(db);

    const result = await varsctl(db, ['restore', '-'], readFileSync(backup));

    expect(result.exitCode, result.stderr).toBe(0);
    expect(await tableRows(db)).toEqual(before);
  });

  it('restores named strategies only', async () => {
    await exportAll();
    await deleteAll(db);

    const result = await varsctl(db, ['restore', backup, 'MomentumBot', UNICODE_NAME]);

    expect(result.exitCode, result.stderr).toBe(0);
    expect((await tableRows(db)).map((row) => row.strategy_id).sort()).toEqual(['MomentumBot', UNICODE_NAME].sort());
  });

  it('rejects a strategy not in the file', async () => {
    await exportAll();
    const before = await tableRows(db);

    const result = await varsctl(db, ['restore', backup, 'Momentumbot', '--yes']);

    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/strategy 'Momentumbot' is not in the export file/);
    expect(result.stderr).toMatch(/did you mean 'MomentumBot'/);
    expect(await tableRows(db)).toEqual(before);
  });

  it('requires --yes without a terminal', async () => {
    await exportAll();
    await botUpdate(db, 'MomentumBot', '{"iteration_count": 9}', 3600);
    const before = await tableRows(db);

    const result = await varsctl(db, ['restore', backup], 'y\n');

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/restore needs a confirmation, but there is no terminal to ask on/);
    expect(result.stderr).toMatch(/hint: add --yes/);
    expect(await tableRows(db)).toEqual(before);
  });

  it('shows changes with --dry-run', async () => {
    await exportAll();
    await botUpdate(db, 'MomentumBot', '{"iteration_count": 9, "last_price": 187.99, "entry_price": 188.01}', 3600);
    await db.exec(`DELETE FROM vars_backup WHERE strategy_id = 'Bom'`);
    const before = await tableRows(db);

    const result = await varsctl(db, ['restore', backup, '--dry-run']);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(await tableRows(db)).toEqual(before);
    expect(result.stdout).toContain("'MomentumBot': changed, 1 row replaces 1\n");
    expect(result.stdout).toContain('  ~ iteration_count: 9 -> 4\n');
    expect(result.stdout).toContain('  + notes: null\n');
    expect(result.stdout).toContain('  - entry_price: 188.01\n');
    expect(result.stdout).toContain("'Bom': new strategy, 1 row\n");
    expect(result.stdout).toContain("'MeanReversion NaN-Edge': unchanged, 1 row\n");
    expect(result.stderr).toMatch(/dry run: would restore 6 strategies \(1 new, 1 changed, 4 unchanged\) into .*; nothing was written/);
  });

  it('compares unreadable texts whole', async () => {
    await exportAll();
    await botUpdate(db, 'Bom', '{"a": 2}', 3600);

    const result = await varsctl(db, ['restore', backup, 'Bom', '--dry-run']);

    expect(result.stdout).toContain("'Bom': changed, 1 row replaces 1\n");
    expect(result.stdout).toContain('  - {"a": 2}\n');
    expect(result.stdout).toContain('  + \\ufeff{"a": 1}\n');
  });

  it('diffs against the row the bot loads', async () => {
    await exportAll();
    await botUpdate(db, 'MomentumBot', '{"iteration_count": 7}', 7200);
    await insertRow(db, { id: 'newer', last_updated: botTimestamp(db, 3600), variables: '{"iteration_count": 8}', strategy_id: 'MomentumBot' });

    const result = await varsctl(db, ['restore', backup, 'MomentumBot', '--dry-run']);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain("'MomentumBot': changed, 1 row replaces 2\n");
    expect(result.stdout).toContain('  ~ iteration_count: 8 -> 4\n');
  });

  it('lists every changed strategy in a large plan', async () => {
    const names = Array.from({ length: 300 }, (_, index) => `bot-${String(index).padStart(3, '0')}`);
    await seedBotTable(db, names.map((strategyId, index) => ({ strategyId, variables: `{"n": ${index}}` })));
    expect((await varsctl(db, ['export', '-o', backup])).exitCode).toBe(0);
    await db.exec(`UPDATE vars_backup SET variables = '{"n": -1}' WHERE strategy_id LIKE 'bot-%'`);

    const result = await varsctl(db, ['restore', backup, '--dry-run']);

    expect(result.exitCode, result.stderr).toBe(0);
    for (const [index, name] of names.entries()) {
      expect(result.stdout).toContain(`'${name}': changed, 1 row replaces 1\n  ~ n: -1 -> ${index}\n`);
    }
  });

  it('prints the plan as JSON', async () => {
    await exportAll();
    await botUpdate(db, 'MomentumBot', '{"iteration_count": 9, "last_price": 187.99, "notes": null}', 3600);

    const result = await varsctl(db, ['--json', 'restore', backup, '--dry-run']);

    expect(result.exitCode, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(plan).toHaveLength(6);
    expect(plan.find((entry) => entry['strategy_id'] === 'MomentumBot')).toMatchObject({
      status: 'changed',
      rows_before: 1,
      rows_after: 1,
      looks_live: false,
      edited: false,
      added: [],
      removed: [],
      changed: [{ key: 'iteration_count', before: '9', after: '4' }],
    });
  });

  it('rejects a truncated file', async () => {
    await exportAll();
    const before = await tableRows(db);
    const bytes = readFileSync(backup);
    writeFileSync(backup, bytes.subarray(0, bytes.length - 40));

    const result = await varsctl(db, ['restore', backup, '--yes']);

    expect(result.exitCode).toBe(5);
    expect(result.stderr).toMatch(/export file .* is damaged: line 8 ends without a line break/);
    expect(await tableRows(db)).toEqual(before);
  });

  it('rejects an altered byte', async () => {
    await exportAll();
    await deleteAll(db);
    const bytes = readFileSync(backup);
    const position = bytes.indexOf('iteration_count') + 2;
    bytes[position] = 'X'.charCodeAt(0);
    writeFileSync(backup, bytes);

    const result = await varsctl(db, ['restore', backup, '--yes']);

    expect(result.exitCode).toBe(5);
    expect(result.stderr).toMatch(/strategy "MomentumBot"\) was changed after the export/);
    expect(await tableRows(db)).toEqual([]);
  });

  it('rejects a file from a newer varsctl', async () => {
    await exportAll();
    await deleteAll(db);
    const lines = readFileSync(backup, 'utf8').split('\n');
    lines[0] = (lines[0] ?? '').replace('"version":1', '"version":2');
    writeFileSync(backup, lines.join('\n'));

    const result = await varsctl(db, ['restore', backup, '--yes']);

    expect(result.exitCode).toBe(5);
    expect(result.stderr).toMatch(/hint: the file was made by a newer varsctl/);
    expect(await tableRows(db)).toEqual([]);
  });

  it('rejects a file that is not an export', async () => {
    await seedBotTable(db, []);
    writeFileSync(backup, 'id,strategy_id\n');

    const result = await varsctl(db, ['restore', backup]);

    expect(result.exitCode).toBe(5);
    expect(result.stderr).toMatch(/is not a varsctl export file/);
  });

  it('reports a missing file', async () => {
    const result = await varsctl(db, ['restore', path.join(folder, 'missing.jsonl')]);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/cannot read the export file .*missing.jsonl: no such file/);
  });

  it('accepts edits only with --accept-edits', async () => {
    await exportAll();
    const edited = readFileSync(backup, 'utf8').replace('\\"iteration_count\\": 4', '\\"iteration_count\\": 5');
    writeFileSync(backup, edited);

    const rejected = await varsctl(db, ['restore', backup, '--yes']);
    expect(rejected.exitCode).toBe(5);
    expect(rejected.stderr).toMatch(/hint: if you edited the file on purpose, restore with --accept-edits/);

    const accepted = await varsctl(db, ['restore', backup, '--yes', '--accept-edits']);
    expect(accepted.exitCode, accepted.stderr).toBe(0);
    expect(accepted.stderr).toMatch(/was edited after the export; --accept-edits accepts these rows/);
    expect(accepted.stderr).toMatch(/line \d: strategy 'MomentumBot'/);
    expect(accepted.stderr).toContain('  ~ iteration_count: 4 -> 5\n');
    const momentum = (await tableRows(db)).find((row) => row.strategy_id === 'MomentumBot');
    expect(momentum?.variables).toBe(MOMENTUM.replace('4', '5'));
  });

  it('rejects an edit the bot cannot load', async () => {
    await exportAll();
    const before = await tableRows(db);
    writeFileSync(backup, readFileSync(backup, 'utf8').replace('\\"iteration_count\\": 4', '\\"iteration_count\\": 4,'));

    const result = await varsctl(db, ['restore', backup, '--yes', '--accept-edits']);

    expect(result.exitCode).toBe(5);
    expect(result.stderr).toMatch(/strategy "MomentumBot"\) was edited and its variables is not a text the bot can load/);
    expect(await tableRows(db)).toEqual(before);
  });

  it('needs --table for another table', async () => {
    await exportAll();
    await seedBotTable(db, [], 'other_backup');

    const rejected = await varsctl(db, ['restore', backup, '--yes', '--table', 'vars_backup']);
    expect(rejected.exitCode).toBe(0);

    const lines = readFileSync(backup, 'utf8');
    writeFileSync(backup, lines);
    const target = await createTestDatabase(dialect);
    try {
      const moved = await varsctl(target, ['--table', 'other_backup', 'restore', backup]);
      expect(moved.exitCode, moved.stderr).toBe(0);
      expect((await tableRows(target, 'other_backup')).length).toBe(6);

      const exported = path.join(folder, 'other.jsonl');
      expect((await varsctl(target, ['--table', 'other_backup', 'export', '-o', exported])).exitCode).toBe(0);
      const wrongTable = await varsctl(target, ['restore', exported, '--yes']);
      expect(wrongTable.exitCode).toBe(2);
      expect(wrongTable.stderr).toMatch(/the export is of table other_backup, but the restore would write into vars_backup/);
      expect(wrongTable.stderr).toMatch(/hint: add --table other_backup/);
      expect(await tableExists(target)).toBe(false);
    } finally {
      await target.close();
    }
  });

  it('needs --force for a live strategy', async () => {
    await exportAll();
    await botUpdate(db, 'MomentumBot', '{"iteration_count": 9}', 10);
    const before = await tableRows(db);

    const rejected = await varsctl(db, ['restore', backup, '--yes']);
    expect(rejected.exitCode).toBe(4);
    expect(rejected.stderr).toMatch(/strategy 'MomentumBot' looks live/);
    expect(rejected.stderr).toMatch(/--force/);
    expect(await tableRows(db)).toEqual(before);

    const forced = await varsctl(db, ['restore', backup, '--yes', '--force']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect((await tableRows(db)).find((row) => row.strategy_id === 'MomentumBot')?.variables).toBe(MOMENTUM);
  });

  it('asks on a terminal and restores on y', async (context) => {
    if (!terminalAvailable()) {
      context.skip('util-linux script is not installed');
    }
    await exportAll();
    await botUpdate(db, 'MomentumBot', '{"iteration_count": 9}', 3600);

    const result = await runInTerminal(['--db', db.url, 'restore', backup, 'MomentumBot'], 'y\n');

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toContain('Restore 1 strategy into ');
    expect(result.stdout).toContain(', replacing 1? [y/N]');
    expect((await tableRows(db)).find((row) => row.strategy_id === 'MomentumBot')?.variables).toBe(MOMENTUM);
  });

  it('writes nothing when the answer is no', async (context) => {
    if (!terminalAvailable()) {
      context.skip('util-linux script is not installed');
    }
    await exportAll();
    await botUpdate(db, 'MomentumBot', '{"iteration_count": 9}', 3600);
    const before = await tableRows(db);

    const result = await runInTerminal(['--db', db.url, 'restore', backup], 'n\n');

    expect(result.exitCode).toBe(2);
    expect(result.stdout).toContain('restore cancelled: nothing was changed');
    expect(await tableRows(db)).toEqual(before);
  });

  it('rolls back on SIGINT while writing', async (context) => {
    if (dialect === 'postgresql') {
      requireRealPostgres(context);
    }
    await seedBotTable(db, []);
    await insertLargeRows(db, 600, 100_000);
    expect((await varsctl(db, ['export', '-o', backup])).exitCode).toBe(0);
    await db.exec(`UPDATE vars_backup SET variables = '{"changed": true}' WHERE strategy_id LIKE 'large-%'`);
    const before = await tableRows(db);

    const running = startVarsctl(['--db', db.url, 'restore', backup, '--yes'], { timeoutMs: 60_000 });
    if (dialect === 'sqlite') {
      await waitForRestoreJournal(db.file, { stopWhen: () => running.child.exitCode !== null });
    } else {
      await waitFor(async () => running.child.exitCode !== null || (await writing(db)));
    }
    running.child.kill('SIGINT');
    const result = await running.result;

    expect(result.exitCode).toBe(130);
    expect(result.stderr).toMatch(/^error: restore interrupted by SIGINT: the transaction was rolled back, so nothing was written$/m);
    expect(await tableRows(db)).toEqual(before);
  });

  it('restores the bot-written fixture texts', async (context) => {
    const fixture = path.resolve(import.meta.dirname, '../../../shared/lumibot/fixtures/lumibot.sqlite');
    if (!existsSync(fixture)) {
      context.skip('the bot-written fixtures are not beside the repository');
    }
    const source = await createTestDatabase('sqlite');
    const fixtureUrl = `sqlite:///${fixture}`;

    try {
      const exported = await runVarsctl(['--db', fixtureUrl, 'export', '-o', backup]);
      expect(exported.exitCode, exported.stderr).toBe(0);

      const restored = await varsctl(db, ['restore', backup]);
      expect(restored.exitCode, restored.stderr).toBe(0);

      const expected = (await source.query(`ATTACH DATABASE '${fixture}' AS fixture`), await source.query('SELECT strategy_id, id, variables FROM fixture.vars_backup ORDER BY strategy_id, id'));
      const actual = (await tableRows(db)).map((row) => ({ strategy_id: row.strategy_id, id: row.id, variables: row.variables }));
      expect(actual).toEqual(expected);
    } finally {
      await source.close();
    }
  });

  it('prints a JSON summary', async () => {
    await exportAll();
    await deleteAll(db);

    const result = await varsctl(db, ['--json', 'restore', backup]);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ strategies: 6, rows: 6, new: 6, replaced: 0, table_created: false });
  });
});

async function columnTypes(db: TestDatabase): Promise<string[][]> {
  if (db.dialect === 'sqlite') {
    const rows = await db.query('PRAGMA table_info(vars_backup)');
    return rows.map((row) => [String(row['name']), String(row['type'])]);
  }
  const rows = await db.query(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'vars_backup' ORDER BY ordinal_position`,
  );
  return rows.map((row) => [String(row['column_name']), String(row['data_type'])]);
}

async function indexNames(db: TestDatabase): Promise<string[]> {
  const rows =
    db.dialect === 'sqlite'
      ? await db.query(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'vars_backup'`)
      : await db.query(`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'vars_backup'`);
  return rows.map((row) => String(row['name']));
}

/** True while a restore has an open write transaction on the PostgreSQL database `db`. */
async function writing(db: TestDatabase): Promise<boolean> {
  // A transaction gets a transaction id once it writes its first row.
  const rows = await db.query(
    `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL`,
  );
  return rows.length > 0;
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) {
      throw new Error('timed out waiting for the restore to start writing');
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
