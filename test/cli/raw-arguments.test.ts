import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { rawArguments } from '../../src/cli/raw-arguments.js';
import { runShell, shellQuote, varsctlCommand } from '../e2e/run.js';
import { createBotTable, createTestDatabase, type TestDatabase } from '../support/db.js';

describe('rawArguments', () => {
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-raw-arguments-'));
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  /** Writes a cmdline file of NUL-terminated arguments, as Linux spells /proc/self/cmdline. */
  function cmdline(...args: Buffer[]): string {
    const file = path.join(folder, 'cmdline');
    writeFileSync(file, Buffer.concat(args.flatMap((arg) => [arg, Buffer.of(0)])));
    return file;
  }

  it('escapes the bytes of an argument that is not UTF-8', () => {
    const file = cmdline(Buffer.from('node'), Buffer.from('--'), Buffer.from('/bin/varsctl.js'), Buffer.from('show'), Buffer.from('426164FF4964', 'hex'));

    expect(rawArguments(['/usr/bin/node', '/bin/varsctl.js', 'show', 'Bad\ufffdId'], file)).toEqual(['/usr/bin/node', '/bin/varsctl.js', 'show', 'Bad\udcffId']);
  });

  it('keeps a real U+FFFD and an empty argument', () => {
    const file = cmdline(Buffer.from('node'), Buffer.from('/bin/varsctl.js'), Buffer.from(''), Buffer.from('Bad\ufffdId'));

    expect(rawArguments(['node', '/bin/varsctl.js', '', 'Bad\ufffdId'], file)).toEqual(['node', '/bin/varsctl.js', '', 'Bad\ufffdId']);
  });

  it('keeps argv when the file holds other arguments', () => {
    const file = cmdline(Buffer.from('node'), Buffer.from('/bin/varsctl.js'), Buffer.from('426164FE4964', 'hex'));

    expect(rawArguments(['node', '/bin/varsctl.js', 'Other\ufffd'], file)).toEqual(['node', '/bin/varsctl.js', 'Other\ufffd']);
  });

  it('keeps argv when the file cannot be read', () => {
    expect(rawArguments(['node', '/bin/varsctl.js', 'Bad\ufffdId'], path.join(folder, 'missing'))).toEqual(['node', '/bin/varsctl.js', 'Bad\ufffdId']);
  });
});

describe('a strategy name typed with bytes that are not UTF-8', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase('sqlite');
    await createBotTable(db);
    // Bad<FF>Id and its look-alike Bad<U+FFFD>Id, which Node.js would make of the typed bytes.
    await db.exec(`INSERT INTO vars_backup VALUES ('n1', '2020-01-01 10:00:00.000000-05:00', '{"x": 1}', CAST(X'426164FF4964' AS TEXT))`);
    await db.exec(`INSERT INTO vars_backup VALUES ('n2', '2020-01-01 10:00:00.000000-05:00', '{"x": 2}', CAST(X'426164EFBFBD4964' AS TEXT))`);
  });

  afterEach(async () => {
    await db.close();
  });

  function varsctlLine(...words: string[]): string {
    return `${varsctlCommand()} --db ${shellQuote(db.url)} ${words.join(' ')}`;
  }

  it('shows the strategy of those bytes', async () => {
    const result = await runShell(varsctlLine('show', `"$(printf 'Bad\\377Id')"`, 'x'));

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe('1\n');
  });

  it('purges the strategy of those bytes only', async () => {
    const result = await runShell(varsctlLine('purge', `"$(printf 'Bad\\377Id')"`, '--yes', '--no-backup'));

    expect(result.exitCode, result.stderr).toBe(0);
    expect(await db.query(`SELECT id FROM vars_backup WHERE id IN ('n1', 'n2')`)).toEqual([{ id: 'n2' }]);
  });
});
