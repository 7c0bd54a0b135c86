import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { runVarsctl } from '../e2e/run.js';
import { tableExists, tableRows } from '../e2e/export-support.js';
import { createBotTable, createEncodedDatabase, createTestDatabase, requireRealPostgres, type TestDatabase } from '../support/db.js';

const TIME = '2026-12-04 10:00:00.000000-05:00';

// A LATIN1 database can store é but not €. The server fails a write of a text
// it cannot convert, so restore must find such a text before it writes,
// and its dry run must fail as the real run would.
describe('restore into a LATIN1 PostgreSQL database', () => {
  let target: TestDatabase | undefined;
  let folder: string;
  let backup: string;

  beforeEach(async (context) => {
    requireRealPostgres(context);
    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-latin1-'));
    backup = path.join(folder, 'backup.jsonl');

    const source = await createTestDatabase('sqlite');
    try {
      await createBotTable(source);
      await source.exec(`INSERT INTO vars_backup VALUES ('e1', '${TIME}', '{"note": "costs 5 €"}', 'Euro')`);
      await source.exec(`INSERT INTO vars_backup VALUES ('c1', '${TIME}', '{"note": "café"}', 'Café')`);
      const exported = await runVarsctl(['--db', source.url, 'export', '-o', backup]);
      expect(exported.exitCode, exported.stderr).toBe(0);
    } finally {
      await source.close();
    }

    target = await createEncodedDatabase('LATIN1');
  });

  afterEach(async () => {
    await target?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  function database(): TestDatabase {
    if (target === undefined) {
      throw new Error('the LATIN1 database was not created');
    }
    return target;
  }

  it.for([
    ['the dry run', ['--dry-run']],
    ['the real run', ['--yes']],
  ] as const)('rejects a character LATIN1 lacks in %s', async ([, flags]) => {
    const result = await runVarsctl(['--db', database().url, 'restore', backup, ...flags]);

    expect(result.exitCode).toBe(5);
    expect(result.stderr).toContain(`the variables of strategy 'Euro' on line 3 of ${backup} cannot be stored in this database's encoding`);
    expect(result.stderr).toContain('has no equivalent in encoding "LATIN1"');
    expect(result.stderr).toContain('hint: nothing was written; restore into a UTF8 database');
    expect(await tableExists(database())).toBe(false);
  });

  it('restores the texts LATIN1 can store', async () => {
    const result = await runVarsctl(['--db', database().url, 'restore', backup, 'Café', '--yes']);

    expect(result.exitCode, result.stderr).toBe(0);
    const rows = await tableRows(database());
    expect(rows.map((row) => [row.strategy_id, row.variables])).toEqual([
      ['Café', '{"note": "café"}'],
      ['INITIAL VALUE', 'INITIAL VALUE'],
    ]);
  });

  it('rejects a name LATIN1 lacks', async () => {
    const source = await createTestDatabase('sqlite');
    const named = path.join(folder, 'named.jsonl');
    try {
      await createBotTable(source);
      await source.exec(`INSERT INTO vars_backup VALUES ('n1', '${TIME}', '{"a": 1}', 'Bot €')`);
      const exported = await runVarsctl(['--db', source.url, 'export', '-o', named]);
      expect(exported.exitCode, exported.stderr).toBe(0);
    } finally {
      await source.close();
    }

    const result = await runVarsctl(['--db', database().url, 'restore', named, '--dry-run']);

    expect(result.exitCode).toBe(5);
    expect(result.stderr).toContain(`the strategy_id of strategy 'Bot €' on line 3 of ${named}`);
  });

  it('rejects a new name LATIN1 lacks', async () => {
    await createBotTable(database());

    const result = await runVarsctl(['--db', database().url, 'set', 'Bot €', 'k', '1', '--create']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('has no equivalent in encoding "LATIN1"');
    expect(result.stderr).toContain("hint: the database's encoding cannot store a character of this text");
    expect(await database().query(`SELECT strategy_id FROM vars_backup WHERE strategy_id LIKE 'Bot%'`)).toEqual([]);
  });
});
