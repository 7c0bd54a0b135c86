import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { tableRows, terminalAvailable } from './export-support.js';
import { runVarsctl, shellQuote, varsctlCommand } from './run.js';
import { DAY_SECONDS, seedBotTable } from './seed.js';

const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

interface TerminalResult {
  /** stdout and stderr, merged by the terminal. */
  readonly output: string;
  readonly exitCode: number | null;
}

/**
 * Runs varsctl in a pseudo-terminal (util-linux `script`) and, once the
 * y/N question is on screen, either types Ctrl-C or sends SIGTERM to the
 * varsctl process.
 */
function interruptAtPrompt(args: readonly string[], signal: 'SIGINT' | 'SIGTERM', env: Record<string, string>): Promise<TerminalResult> {
  const command = [varsctlCommand(), ...args.map(shellQuote)].join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    env: { ...process.env, ...env, NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });

  return new Promise((resolve, reject) => {
    let output = '';
    let sent = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);

    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (sent || !output.includes('[y/N]')) {
        return;
      }
      sent = true;
      if (signal === 'SIGINT') {
        child.stdin.write('\x03');
      } else {
        process.kill(varsctlPid(child.pid ?? 0), 'SIGTERM');
      }
    });
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ output, exitCode });
    });
  });
}

/** Finds the node process below `script`, which may start it through a shell. */
function varsctlPid(scriptPid: number): number {
  let pid = scriptPid;
  for (let depth = 0; depth < 3; depth++) {
    const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).trim().split(/\s+/);
    pid = Number(children[0]);
    const name = execFileSync('ps', ['-o', 'comm=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    if (name === 'node') {
      return pid;
    }
  }
  throw new Error(`no node process found below script (pid ${scriptPid})`);
}

describe('interrupt at a confirmation prompt', () => {
  let db: TestDatabase;
  let folder: string;

  beforeEach(async () => {
    db = await createTestDatabase('sqlite');
    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-prompt-'));
    await seedBotTable(db, [
      { strategyId: 'MomentumBot', variables: '{"qty": 10}', ageSeconds: 40 * DAY_SECONDS },
      { strategyId: 'OldWheel', variables: '{"phase": 2}', ageSeconds: 100 * DAY_SECONDS },
    ]);
  });

  afterEach(async () => {
    await db.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it.for(['SIGINT', 'SIGTERM'] as const)('purge deletes nothing on %s', async (signal, context) => {
    if (!terminalAvailable()) {
      context.skip('util-linux script is not installed');
    }
    const before = await tableRows(db);

    const result = await interruptAtPrompt(['--db', db.url, 'purge', '--older-than', '30d'], signal, { XDG_STATE_HOME: folder });

    expect(result.exitCode, result.output).toBe(EXIT_CODES[signal]);
    expect(result.output).toContain(`error: purge interrupted by ${signal}: nothing was deleted`);
    expect(result.output).not.toContain('cancelled');
    expect(await tableRows(db)).toEqual(before);
    expect(existsSync(path.join(folder, 'varsctl', 'purged'))).toBe(false);
  });

  it.for(['SIGINT', 'SIGTERM'] as const)('restore writes nothing on %s', async (signal, context) => {
    if (!terminalAvailable()) {
      context.skip('util-linux script is not installed');
    }
    const file = path.join(folder, 'backup.jsonl');
    const exported = await runVarsctl(['--db', db.url, 'export', '-o', file]);
    expect(exported.exitCode, exported.stderr).toBe(0);
    await db.exec(`UPDATE vars_backup SET variables = '{"qty": 11}'`);
    const before = await tableRows(db);

    const result = await interruptAtPrompt(['--db', db.url, 'restore', file, 'MomentumBot', 'OldWheel'], signal, {});

    expect(result.exitCode, result.output).toBe(EXIT_CODES[signal]);
    expect(result.output).toContain(`error: restore interrupted by ${signal}: nothing was written`);
    expect(await tableRows(db)).toEqual(before);
    expect(readdirSync(folder)).toEqual(['backup.jsonl']);
  });

  it('restore from stdin names stdin', async () => {
    const file = path.join(folder, 'backup.jsonl');
    const exported = await runVarsctl(['--db', db.url, 'export', '-o', file]);
    expect(exported.exitCode, exported.stderr).toBe(0);
    await db.exec(`UPDATE vars_backup SET variables = '{"qty": 11}'`);

    const result = await runVarsctl(['--db', db.url, 'restore', '-', 'MomentumBot'], { input: readFileSync(file) });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('standard input carries the export file');
    expect(result.stderr).toContain('add --yes');
  });
});
