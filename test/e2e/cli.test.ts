import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BIN, REPO_ROOT, runShell, runVarsctl, shellQuote, varsctlCommand } from './run.js';

const ESC = '\u001b[';

function strategyIds(listJson: string): string[] {
  return (JSON.parse(listJson) as { strategy_id: string }[]).map((listing) => listing.strategy_id);
}

describe('varsctl command line', () => {
  let folder: string;
  let url: string;

  beforeAll(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-cli-test-'));
    const file = path.join(folder, 'demo.db');
    const created = await runVarsctl(['demo', file]);
    expect(created.exitCode).toBe(0);
    url = `sqlite:///${file}`;
  });

  afterAll(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('takes global options before or after the command', async () => {
    const before = await runVarsctl(['--db', url, '--json', '-q', 'list']);
    const after = await runVarsctl(['list', '--db', url, '--json', '-q']);
    const mixed = await runVarsctl(['--json', 'show', 'MomentumBot', 'position_qty', '--db', url]);

    expect(before.exitCode).toBe(0);
    expect(after.exitCode).toBe(0);
    expect(strategyIds(after.stdout)).toEqual(strategyIds(before.stdout));
    expect(strategyIds(before.stdout)).toHaveLength(8);
    expect(mixed.stdout).toBe('150\n');
  });

  it('takes --table before or after the command', async () => {
    const before = await runVarsctl(['--db', url, '--table', 'other_table', 'list']);
    const after = await runVarsctl(['list', '--db', url, '--table', 'other_table']);

    expect(before.exitCode).toBe(3);
    expect(after.exitCode).toBe(3);
    expect(after.stderr).toContain('other_table');
  });

  it('reads the URL from DB_CONNECTION_STR', async () => {
    const result = await runVarsctl(['list', '--json'], { env: { DB_CONNECTION_STR: url } });

    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveLength(8);
  });

  it('lists every command in --help', async () => {
    const result = await runVarsctl(['--help']);

    expect(result.exitCode).toBe(0);
    for (const command of ['list', 'show', 'set', 'demo']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });

  it.each(['list', 'show', 'set', 'demo'])('documents %s with examples', async (command) => {
    const result = await runVarsctl([command, '--help']);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`Usage: varsctl ${command}`);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain(`  varsctl ${command}`);
  });

  it('documents how --json spells NaN and big integers', async () => {
    const result = await runVarsctl(['show', '--help']);

    expect(result.stdout).toContain('"NaN", "Infinity" and "-Infinity"');
    expect(result.stdout).toContain('integers are exact digit literals');
  });

  it('loads no database driver or table library for --help', () => {
    const script = `
      const { buildProgram } = await import(${JSON.stringify(path.join(REPO_ROOT, 'dist', 'cli', 'main.js'))});
      buildProgram();
      const { createRequire } = await import('node:module');
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify(loaded.filter((file) => /node_modules\\/(pg|better-sqlite3|cli-table3)\\//.test(file))));
    `;

    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });

    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  it('prints an error as one line and a hint, without a stack', async () => {
    const result = await runVarsctl(['--db', url, 'show', 'NoSuchBot']);

    expect(result.exitCode).toBe(3);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe("error: strategy 'NoSuchBot' not found in vars_backup");
    expect(lines[1]).toMatch(/^hint: /);
  });

  it('adds the stack with --verbose', async () => {
    const after = await runVarsctl(['--db', url, 'show', 'NoSuchBot', '--verbose']);
    const before = await runVarsctl(['-v', '--db', url, 'show', 'NoSuchBot']);

    expect(after.exitCode).toBe(3);
    expect(after.stderr).toMatch(/^\s+at /m);
    expect(before.stderr).toMatch(/^\s+at /m);
  });

  it('shows the global options in command help', async () => {
    const result = await runVarsctl(['list', '--help']);

    expect(result.stdout).toMatch(/^Global Options:$/m);
    expect(result.stdout).toMatch(/^ {2}--db <url>/m);
  });

  it('rejects an unknown command with exit 2', async () => {
    const result = await runVarsctl(['lst']);

    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("unknown command 'lst'");
  });

  it('never shows the password of the URL', async () => {
    const result = await runVarsctl(['--db', 'postgresql://trader:s3cret-pw@127.0.0.1:1/bots', 'list']);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).not.toContain('s3cret-pw');
  });

  it('writes no colour codes when output is not a terminal', async () => {
    const list = await runVarsctl(['--db', url, 'list']);
    const error = await runVarsctl(['--db', url, 'show', 'NoSuchBot']);

    expect(list.stdout).not.toContain(ESC);
    expect(error.stderr).not.toContain(ESC);
  });

  it('exits 0 with no error text when the reader closes the pipe', async () => {
    const command = `set -o pipefail; ${varsctlCommand()} --db ${shellQuote(url)} list | head -1`;

    const result = await runShell(`bash -c ${shellQuote(command)}`);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^STRATEGY\s+ROWS/);
    expect(result.stderr).toBe('');
  });

  describe.skipIf(!existsSync('/usr/bin/script'))('on a terminal', () => {
    // `script` runs the command on a pseudo-terminal and copies what it wrote.
    function onTerminal(args: string, env: Record<string, string | undefined> = {}) {
      const commandLine = `${shellQuote(process.execPath)} ${shellQuote(BIN)} --db ${shellQuote(url)} ${args}`;
      return runShell(`/usr/bin/script -qec ${shellQuote(commandLine)} /dev/null`, { env: { TERM: 'xterm', ...env } });
    }

    it('colours the table header', async () => {
      const result = await onTerminal('list');

      expect(result.stdout).toContain(`${ESC}1mSTRATEGY`);
    });

    it('turns colour off with NO_COLOR', async () => {
      const result = await onTerminal('list', { NO_COLOR: '1' });

      expect(result.stdout).toContain('STRATEGY');
      expect(result.stdout).not.toContain(ESC);
    });

    it('turns colour off with --no-color', async () => {
      const table = await onTerminal('list --no-color');
      const error = await onTerminal('show NoSuchBot --no-color');

      expect(table.stdout).not.toContain(ESC);
      expect(error.stdout).toContain('error: strategy');
      expect(error.stdout).not.toContain(ESC);
    });

    it('ends --raw with a newline on a terminal', async () => {
      const result = await onTerminal("show 'PairsTrader' --raw");

      expect(result.stdout).toMatch(/"trades_closed": 19}\r?\n$/);
    });
  });
});
