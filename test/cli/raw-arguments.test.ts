import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { rawArguments } from '../../src/cli/raw-arguments.js';
import { UsageError } from '../../src/errors.js';
import { runShell, shellQuote, varsctlCommand } from '../e2e/run.js';
import { createBotTable, createTestDatabase, type TestDatabase } from '../support/db.js';
import { insertLookAlikes, remainingLookAlikes } from '../support/look-alike-names.js';

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

  it('rejects U+FFFD when the file holds other arguments', () => {
    // A --title in NODE_OPTIONS leaves such a file: the title in place of every argument.
    const file = cmdline(Buffer.from('foo'));

    expect(() => rawArguments(['node', '/bin/varsctl.js', 'show', 'Other\ufffd'], file)).toThrow(UsageError);
    expect(() => rawArguments(['node', '/bin/varsctl.js', 'show', 'Other\ufffd'], file)).toThrow(/the argument "Other\ufffd" contains U\+FFFD/);
  });

  it('rejects U+FFFD when the file cannot be read', () => {
    expect(() => rawArguments(['node', '/bin/varsctl.js', 'Bad\ufffdId'], path.join(folder, 'missing'))).toThrow(UsageError);
  });

  it('keeps argv without U+FFFD whatever the file holds', () => {
    expect(rawArguments(['node', '/bin/varsctl.js', 'show', 'Good'], path.join(folder, 'missing'))).toEqual(['node', '/bin/varsctl.js', 'show', 'Good']);
  });
});

describe('a strategy name typed with bytes that are not UTF-8', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase('sqlite');
    await createBotTable(db);
    // Node.js would make Bad<U+FFFD>Id of the typed bytes of Bad<FF>Id.
    await insertLookAlikes(db, "'2020-01-01 10:00:00.000000-05:00'", "'2020-01-01 10:00:00.000000-05:00'");
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

  it('rejects those bytes when a process title hides them', async () => {
    const result = await runShell(varsctlLine('set', `"$(printf 'Bad\\377Id')"`, 'x', '9'), { env: { NODE_OPTIONS: '--title=varsctl-test' } });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('contains U+FFFD');
    expect(await db.query(`SELECT variables FROM vars_backup WHERE id IN ('n1', 'n2') ORDER BY id`)).toEqual([{ variables: '{"x": 1}' }, { variables: '{"x": 2}' }]);
  });

  it('rejects a path typed with those bytes', async () => {
    const result = await runShell(varsctlLine('export', '-o', `"$(printf '/tmp/varsctl-\\377.jsonl')"`));

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('the output file "/tmp/varsctl-\\udcff.jsonl" is not valid UTF-8 at byte 13');
  });

  it('purges the strategy of those bytes only', async () => {
    const result = await runShell(varsctlLine('purge', `"$(printf 'Bad\\377Id')"`, '--yes', '--no-backup'));

    expect(result.exitCode, result.stderr).toBe(0);
    expect(await remainingLookAlikes(db)).toEqual([{ id: 'n2' }]);
  });
});

describe('a new strategy named with bytes that are not UTF-8', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase('postgresql');
    await createBotTable(db);
  });

  afterEach(async () => {
    await db.close();
  });

  it('is rejected by a UTF-8 PostgreSQL database', async () => {
    const result = await runShell(`${varsctlCommand()} --db ${shellQuote(db.url)} set "$(printf 'New\\377')" k 1 --create`);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('strategy name "New\\udcff" is not valid UTF-8 at byte 3, and this database stores only valid text');
    expect(await db.query(`SELECT strategy_id FROM vars_backup WHERE strategy_id LIKE 'New%'`)).toEqual([]);
  });
});
