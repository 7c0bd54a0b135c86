/**
 * Strategy and table names made of quotes, semicolons, SQL fragments,
 * unicode, control characters and leading dashes are data, never SQL. Every
 * command must work on exactly the named strategy or table, and a `victim`
 * table next to them must survive. No raw control character may reach the
 * terminal.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { exportedRows, readExport, tableRows } from '../e2e/export-support.js';
import { runVarsctl, type RunResult } from '../e2e/run.js';
import { seedBotTable } from '../e2e/seed.js';
import { createTestDatabase, DIALECTS, quoteIdentifier, requireRealPostgres, type TestDatabase } from '../support/db.js';

const STRATEGY_NAMES = [
  "Robert'); DROP TABLE victim;--",
  '"; DELETE FROM vars_backup; --',
  "x' OR '1'='1",
  '$1 %s {0} \\N',
  'Стратегия 名前 🚀',
  '-rf --force',
  ' INITIAL VALUE ',
  'red \u001b[31mALERT\u001b[0m\ttab',
];

/** Control characters that must never reach a terminal raw (tab and newline are layout). */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f\u009b]/;

describe.each(DIALECTS)('hostile names on %s', (dialect) => {
  let db: TestDatabase;
  let folder: string;

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-names-'));
    await db.exec('CREATE TABLE victim (note TEXT)');
    await db.exec("INSERT INTO victim VALUES ('still here')");
  });

  afterEach(async () => {
    await db.close();
    rmSync(folder, { recursive: true, force: true });
  });

  function varsctl(...args: string[]): Promise<RunResult> {
    return runVarsctl(['--db', db.url, ...args]);
  }

  function expectClean(result: RunResult): void {
    expect(result.stdout).not.toMatch(RAW_CONTROL);
    expect(result.stderr).not.toMatch(RAW_CONTROL);
  }

  async function expectVictimIntact(): Promise<void> {
    expect(await db.query('SELECT note FROM victim')).toEqual([{ note: 'still here' }]);
  }

  it('treats strategy names as data in every command', async () => {
    await seedBotTable(db, STRATEGY_NAMES.map((strategyId, index) => ({ strategyId, variables: `{"qty": ${index}}` })));

    const listed = await varsctl('--json', 'list');
    expect(listed.exitCode).toBe(0);
    expect((JSON.parse(listed.stdout) as { strategy_id: string }[]).map((entry) => entry.strategy_id).sort()).toEqual(
      ['INITIAL VALUE', ...STRATEGY_NAMES].sort(),
    );
    expectClean(await varsctl('list'));

    for (const [index, strategyId] of STRATEGY_NAMES.entries()) {
      const shown = await varsctl('show', '--', strategyId, 'qty');
      expect(shown.exitCode).toBe(0);
      expect(shown.stdout).toBe(`${index}\n`);

      const set = await varsctl('set', '--', strategyId, 'qty', String(index + 100));
      expect(set.exitCode).toBe(0);
      expectClean(set);
    }

    const rows = await tableRows(db);
    for (const [index, strategyId] of STRATEGY_NAMES.entries()) {
      expect(rows.filter((row) => row.strategy_id === strategyId).map((row) => row.variables)).toEqual([`{"qty": ${index + 100}}`]);
    }
    expect(rows.find((row) => row.strategy_id === 'INITIAL VALUE')?.variables).toBe('INITIAL VALUE');

    const file = path.join(folder, 'named.jsonl');
    const exported = await varsctl('export', '-o', file, '--', ...STRATEGY_NAMES);
    expect(exported.exitCode).toBe(0);
    expectClean(exported);

    const target = path.join(folder, 'restored.db');
    new Database(target).close();
    const restored = await runVarsctl(['--db', `sqlite:///${target}`, 'restore', file, '--yes', '--', ...STRATEGY_NAMES.slice(0, 4)]);
    expect(restored.exitCode).toBe(0);
    expectClean(restored);

    // The sets above made every strategy look live.
    const purged = await varsctl('purge', '--yes', '--force', '--no-backup', '--', ...STRATEGY_NAMES.slice(0, 4));
    expect(purged.exitCode).toBe(0);
    expectClean(purged);
    expect((await tableRows(db)).map((row) => row.strategy_id).sort()).toEqual(['INITIAL VALUE', ...STRATEGY_NAMES.slice(4)].sort());

    await expectVictimIntact();
  });

  it('matches names exactly, not as patterns', async () => {
    await seedBotTable(db, [
      { strategyId: 'Bot%', variables: '{"qty": 1}' },
      { strategyId: 'Bot_1', variables: '{"qty": 2}' },
      { strategyId: 'BotX1', variables: '{"qty": 3}' },
    ]);

    expect((await varsctl('show', 'Bot_', 'qty')).exitCode).toBe(3);
    expect((await varsctl('show', 'Bot%', 'qty')).stdout).toBe('1\n');
    expect((await varsctl('set', 'Bot_1', 'qty', '20')).exitCode).toBe(0);
    expect((await varsctl('purge', 'Bot%', '--yes', '--no-backup')).exitCode).toBe(0);

    const rows = await tableRows(db);
    expect(rows.map((row) => [row.strategy_id, row.variables])).toEqual([
      ['BotX1', '{"qty": 3}'],
      ['Bot_1', '{"qty": 20}'],
      ['INITIAL VALUE', 'INITIAL VALUE'],
    ]);
  });

  it.for([
    ['a quote and a semicolon', 'vars"; DROP TABLE victim; --', 'vars"; DROP TABLE victim; --'],
    ['unicode and spaces', 'таблица переменных 🚀', 'таблица переменных 🚀'],
    ['a quoted dotted name', '"vars.backup"', 'vars.backup'],
  ] as const)('treats a table name with %s as data', async ([, option, storedName], context) => {
    // PGlite serves every connection from one session, and a restore after
    // the test's own queries loses its transaction there.
    if (dialect === 'postgresql') {
      requireRealPostgres(context);
    }
    await createNamedBotTable(db, storedName);
    await db.exec(`INSERT INTO ${quoteIdentifier(storedName)} VALUES ('id-1', '2025-01-02 09:30:00-05:00', '{"qty": 1}', 'Alpha')`);
    const table = ['--table', option];

    const listed = await varsctl(...table, '--json', 'list');
    expect(listed.exitCode).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ strategy_id: 'Alpha', keys: 1 }]);
    expect((await varsctl(...table, 'show', 'Alpha', 'qty')).stdout).toBe('1\n');
    expect((await varsctl(...table, 'set', 'Alpha', 'qty', '2')).exitCode).toBe(0);

    const file = path.join(folder, 'table.jsonl');
    expect((await varsctl(...table, 'export', '-o', file)).exitCode).toBe(0);
    const header = (await readExport(readFileSync(file)))[0];
    expect(header).toMatchObject({ kind: 'header', header: { source: { table: option } } });
    expect(exportedRows(await readExport(readFileSync(file))).map((row) => row.variables)).toEqual(['{"qty": 2}']);

    expect((await varsctl(...table, 'purge', 'Alpha', '--yes', '--force', '--no-backup')).exitCode).toBe(0);
    expect(await db.query(`SELECT count(*) AS n FROM ${quoteIdentifier(storedName)}`)).toEqual([{ n: dialect === 'sqlite' ? 0 : '0' }]);

    const restored = await varsctl(...table, 'restore', file, '--yes');
    expect(restored.exitCode).toBe(0);
    expect(await db.query(`SELECT variables FROM ${quoteIdentifier(storedName)}`)).toEqual([{ variables: '{"qty": 2}' }]);

    await expectVictimIntact();
  });
});

/** Creates a table with the bot's columns under a name the test support would split at its dot. */
async function createNamedBotTable(db: TestDatabase, name: string): Promise<void> {
  const timestampType = db.dialect === 'sqlite' ? 'TIMESTAMP' : 'TIMESTAMP WITH TIME ZONE';
  await db.exec(`CREATE TABLE ${quoteIdentifier(name)} (id TEXT, last_updated ${timestampType}, variables TEXT, strategy_id TEXT)`);
}
