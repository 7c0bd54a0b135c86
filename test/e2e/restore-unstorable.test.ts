import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createBotTable, createTestDatabase, insertRow, type TestDatabase } from '../support/db.js';
import { tableExists, tableRows } from './export-support.js';
import { runVarsctl } from './run.js';

// `{"a": "x` + byte 0xFF + `"}`: an SQLite TEXT column keeps bytes that are not UTF-8.
const INVALID_UTF8_HEX = '7B2261223A202278FF227D';
const TIME = '2026-12-04 10:00:00.000000-05:00';

describe('restore of texts a database cannot store', () => {
  let source: TestDatabase;
  let folder: string;
  let backup: string;
  const opened: TestDatabase[] = [];

  beforeEach(async () => {
    source = await createTestDatabase('sqlite');
    await createBotTable(source);
    await source.exec(`INSERT INTO vars_backup VALUES ('bad-id', '${TIME}', CAST(X'${INVALID_UTF8_HEX}' AS TEXT), 'Bad')`);
    await insertRow(source, { id: 'good-id', last_updated: TIME, variables: '{"a": 1}', strategy_id: 'Good' });

    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-unstorable-'));
    backup = path.join(folder, 'backup.jsonl');
    const exported = await runVarsctl(['--db', source.url, 'export', '-o', backup]);
    expect(exported.exitCode, exported.stderr).toBe(0);
  });

  afterEach(async () => {
    for (const db of [source, ...opened.splice(0)]) {
      await db.close();
    }
    rmSync(folder, { recursive: true, force: true });
  });

  async function target(dialect: 'postgresql' | 'sqlite'): Promise<TestDatabase> {
    const db = await createTestDatabase(dialect);
    opened.push(db);
    return db;
  }

  it('rejects bytes PostgreSQL would replace', async () => {
    const postgres = await target('postgresql');

    const result = await runVarsctl(['--db', postgres.url, 'restore', backup, '--yes']);

    expect(result.exitCode).toBe(5);
    expect(result.stderr).toContain(
      `the variables of strategy 'Bad' on line 3 of ${backup} is not valid UTF-8 at byte 8, and this database cannot store such bytes as they are`,
    );
    expect(result.stderr).toMatch(/hint: nothing was written; restore it into an SQLite database or a SQL_ASCII PostgreSQL database/);
    expect(await tableExists(postgres)).toBe(false);
  });

  it('restores the other strategies into PostgreSQL', async () => {
    const postgres = await target('postgresql');

    const result = await runVarsctl(['--db', postgres.url, 'restore', backup, 'Good', '--yes']);

    expect(result.exitCode, result.stderr).toBe(0);
    const rows = await tableRows(postgres);
    expect(rows.map((row) => [row.strategy_id, row.variables])).toEqual([
      ['Good', '{"a": 1}'],
      ['INITIAL VALUE', 'INITIAL VALUE'],
    ]);
  });

  it('keeps the bytes in SQLite', async () => {
    const sqlite = await target('sqlite');

    const result = await runVarsctl(['--db', sqlite.url, 'restore', backup, '--yes']);

    expect(result.exitCode, result.stderr).toBe(0);
    const stored = await sqlite.query(`SELECT hex(variables) AS bytes FROM vars_backup WHERE strategy_id = 'Bad'`);
    expect(stored).toEqual([{ bytes: INVALID_UTF8_HEX }]);
  });

  it('sees a changed byte that is not UTF-8', async () => {
    const sqlite = await target('sqlite');
    await createBotTable(sqlite);
    // The same text as the export's but for its last byte before the quote: FE for FF.
    await sqlite.exec(`INSERT INTO vars_backup VALUES ('bad-id', '${TIME}', CAST(X'7B2261223A202278FE227D' AS TEXT), 'Bad')`);

    const planned = await runVarsctl(['--db', sqlite.url, '--json', 'restore', backup, 'Bad', '--dry-run']);

    expect(planned.exitCode, planned.stderr).toBe(0);
    const plan = JSON.parse(planned.stdout) as { strategy_id: string; status: string }[];
    expect(plan.map((entry) => [entry.strategy_id, entry.status])).toEqual([['Bad', 'changed']]);
  });

  const nameSpellsUtf8 = /the strategy_id of strategy .+ on line \d of .+ spells valid UTF-8 as escaped bytes from byte 0, which varsctl never writes/;
  const editedByte = /was edited and its variables is not valid UTF-8 at byte 7, so the bot cannot load it/;

  it.for([
    ['alone', '"variables":"{\\"a\\": 1}"', nameSpellsUtf8],
    // SQLite would keep that byte, but the bot could not load the edited text.
    ['beside an edited byte', '"variables":"{\\"a\\": \\"\\udcff\\"}"', editedByte],
  ] as const)('rejects a name whose escaped bytes spell UTF-8 %s', async ([, variables, message]) => {
    const sqlite = await target('sqlite');
    // The bytes C3 A9 spell é: restored, the row would replace the live strategy é unasked.
    await createBotTable(sqlite);
    await insertRow(sqlite, { id: 'live-id', last_updated: TIME, variables: '{"mine": 1}', strategy_id: 'é' });
    const before = await tableRows(sqlite);
    const original = readFileSync(backup, 'utf8');
    const edited = original.replace('"strategy_id":"Good"', '"strategy_id":"\\udcc3\\udca9"').replace('"variables":"{\\"a\\": 1}"', variables);
    expect(edited).not.toBe(original);
    writeFileSync(backup, edited);

    const result = await runVarsctl(['--db', sqlite.url, 'restore', backup, '--yes', '--accept-edits']);

    expect(result.exitCode).toBe(5);
    expect(result.stderr).toMatch(message);
    expect(await tableRows(sqlite)).toEqual(before);
  });

  it.for([
    [
      'a lone surrogate',
      '\\ud800',
      /the variables of strategy 'Good' on line \d of .* contains a lone UTF-16 surrogate at byte 7, which no database stores as written/,
    ],
    ['an escaped byte', '\\udcfe', /\(strategy "Good"\) was edited and its variables is not valid UTF-8 at byte 7, so the bot cannot load it/],
  ] as const)('rejects %s from an edit', async ([, escape, message]) => {
    const sqlite = await target('sqlite');
    const edited = readFileSync(backup, 'utf8').replace('"variables":"{\\"a\\": 1}"', `"variables":"{\\"a\\": \\"${escape}\\"}"`);
    expect(edited).not.toBe(readFileSync(backup, 'utf8'));
    writeFileSync(backup, edited);

    const result = await runVarsctl(['--db', sqlite.url, 'restore', backup, 'Good', '--yes', '--accept-edits']);

    expect(result.exitCode).toBe(5);
    expect(result.stderr).toMatch(message);
    expect(await tableExists(sqlite)).toBe(false);
  });

  it.for([
    ['the dry run', ['--dry-run']],
    ['the real run', ['--yes']],
  ] as const)('rejects a NUL character for PostgreSQL in %s', async ([, flags]) => {
    await source.exec(`INSERT INTO vars_backup VALUES ('nul-id', '${TIME}', CAST(X'7B2261223A2022610062227D' AS TEXT), 'Nul')`);
    const withNul = path.join(folder, 'nul.jsonl');
    const exported = await runVarsctl(['--db', source.url, 'export', 'Nul', '-o', withNul]);
    expect(exported.exitCode, exported.stderr).toBe(0);
    const postgres = await target('postgresql');

    const result = await runVarsctl(['--db', postgres.url, 'restore', withNul, ...flags]);

    expect(result.exitCode).toBe(5);
    expect(result.stderr).toContain(`the variables of strategy 'Nul' on line 2 of ${withNul} contains the character NUL (\\u0000), which PostgreSQL text cannot store`);
    expect(await tableExists(postgres)).toBe(false);
  });

  it('keeps a NUL character in SQLite', async () => {
    await source.exec(`INSERT INTO vars_backup VALUES ('nul-id', '${TIME}', CAST(X'7B2261223A2022610062227D' AS TEXT), 'Nul')`);
    const withNul = path.join(folder, 'nul.jsonl');
    expect((await runVarsctl(['--db', source.url, 'export', 'Nul', '-o', withNul])).exitCode).toBe(0);
    const sqlite = await target('sqlite');

    const result = await runVarsctl(['--db', sqlite.url, 'restore', withNul, '--yes']);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(await sqlite.query(`SELECT hex(variables) AS bytes FROM vars_backup WHERE strategy_id = 'Nul'`)).toEqual([{ bytes: '7B2261223A2022610062227D' }]);
  });

  it.for([
    ['the dry run', ['--dry-run']],
    ['the real run', ['--yes']],
  ] as const)('rejects a last_updated that is not a time in %s', async ([, flags]) => {
    await insertRow(source, { id: 'odd-id', last_updated: 'after lunch', variables: '{"a": 1}', strategy_id: 'OddTime' });
    const oddTime = path.join(folder, 'odd-time.jsonl');
    expect((await runVarsctl(['--db', source.url, 'export', 'OddTime', '-o', oddTime])).exitCode).toBe(0);
    const postgres = await target('postgresql');

    const result = await runVarsctl(['--db', postgres.url, 'restore', oddTime, ...flags]);

    expect(result.exitCode).toBe(5);
    expect(result.stderr).toContain(`the last_updated of strategy 'OddTime' on line 2 of ${oddTime} is 'after lunch', which is not a time, so its timestamptz column cannot store it`);
    expect(await tableExists(postgres)).toBe(false);
  });
});
