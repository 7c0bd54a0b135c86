import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Runs the built binary as its launcher line does: `node -- bin/varsctl.js ARGS`, with a
 * clean environment (no inherited database URL, no colour forcing), and
 * returns stdout, stderr and the exit code separately.
 */

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(REPO_ROOT, 'bin', 'varsctl.js');

export interface RunResult {
  readonly stdout: string;
  /** stdout byte for byte, for checks of raw output. */
  readonly stdoutBytes: Buffer;
  readonly stderr: string;
  /** Null when the process was ended by a signal. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface RunOptions {
  /** Added to the clean environment; undefined removes a variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Written to stdin, which is then closed. Without it stdin is empty. */
  readonly input?: string | Buffer;
  readonly cwd?: string;
  /** Kills the process after this many milliseconds (default 30 s). */
  readonly timeoutMs?: number;
}

export interface RunningVarsctl {
  readonly child: ChildProcess;
  readonly result: Promise<RunResult>;
}

/** Runs varsctl to completion. */
export function runVarsctl(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return startVarsctl(args, options).result;
}

/** Starts varsctl and returns at once, for tests that act while it runs. */
export function startVarsctl(args: readonly string[], options: RunOptions = {}): RunningVarsctl {
  return startProcess(process.execPath, ['--', BIN, ...args], options);
}

/** Runs a shell command line (for pipelines such as `varsctl list | head -1`) with the same environment. */
export function runShell(commandLine: string, options: RunOptions = {}): Promise<RunResult> {
  return startProcess('/bin/sh', ['-c', commandLine], options).result;
}

/** The shell words that run the built binary, for `runShell` command lines. */
export function varsctlCommand(): string {
  return `${shellQuote(process.execPath)} -- ${shellQuote(BIN)}`;
}

export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

function startProcess(file: string, args: readonly string[], options: RunOptions): RunningVarsctl {
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'cli', 'main.js'))) {
    throw new Error('dist/ is missing: run npm run build before the end-to-end tests (npm test does)');
  }

  const child = spawn(file, [...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: cleanEnvironment(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });

  const result = new Promise<RunResult>((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);

    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(stdout);
      resolve({
        stdout: stdoutBytes.toString('utf8'),
        stdoutBytes,
        stderr: Buffer.concat(stderr).toString('utf8'),
        exitCode,
        signal,
      });
    });
  });

  child.stdin?.on('error', () => undefined);
  child.stdin?.end(options.input ?? '');

  return { child, result };
}

const REMOVED_VARIABLES = [
  'DB_CONNECTION_STR',
  'ACCOUNT_HISTORY_DB_CONNECTION_STR',
  'NO_COLOR',
  'FORCE_COLOR',
  'COLUMNS',
  'NODE_OPTIONS',
];

function cleanEnvironment(extra: Readonly<Record<string, string | undefined>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of REMOVED_VARIABLES) {
    delete env[name];
  }

  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) {
      delete env[name];
    } else {
      env[name] = value;
    }
  }
  return env;
}
