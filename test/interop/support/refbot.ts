/**
 * Runs the reference bot (`test/interop/refbot.py`) on Debian's Python, the
 * interpreter that has the bot's stack: SQLAlchemy, pandas, psycopg2, pytz.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';
export const REFBOT = fileURLToPath(new URL('../refbot.py', import.meta.url));

/** A loaded variable as Python reports it: `type(value).__name__` and `repr(value)`. */
export interface LoadedVar {
  readonly type: string;
  readonly repr: string;
}

export interface LoadResult {
  readonly loaded: boolean;
  readonly status: 'loaded' | 'no_table' | 'no_row' | 'error';
  readonly error: string | null;
  readonly vars: Record<string, LoadedVar>;
}

export type BackupStatus = 'inserted' | 'updated' | 'unchanged' | 'empty' | 'failed';

/** One status per backup, or the TypeError the bot's backup raised for a value it cannot write. */
export type BackupResult =
  | { readonly steps: BackupStatus[] }
  | { readonly raised: 'TypeError'; readonly error: string };

export interface LoopResult {
  readonly iterations: number;
  readonly counter: number;
}

export interface RefbotOptions {
  readonly table?: string;
}

let stackProblem: string | null | undefined;

/** Returns why the reference bot cannot run here, or null when it can. */
export function refbotMissingReason(): string | null {
  if (stackProblem !== undefined) {
    return stackProblem;
  }

  const probe = spawnSync(PYTHON, ['-c', 'import sqlalchemy, pandas, psycopg2, pytz'], { encoding: 'utf8' });
  if (probe.error !== undefined) {
    stackProblem = `${PYTHON} cannot run (${probe.error.message})`;
  } else if (probe.status !== 0) {
    const lastLine = probe.stderr.trim().split('\n').at(-1) ?? '';
    stackProblem = `${PYTHON} lacks the bot's stack: sqlalchemy, pandas, psycopg2 and pytz (${lastLine})`;
  } else {
    stackProblem = null;
  }
  return stackProblem;
}

/** Runs `refbot.py load` and returns what the bot's loader produced. */
export function refbotLoad(url: string, strategyId: string, options: RefbotOptions = {}): Promise<LoadResult> {
  return runRefbot<LoadResult>(url, options, ['load', strategyId]);
}

/** Runs `refbot.py load-each`: each strategy loaded by a fresh bot, in one Python process. */
export function refbotLoadEach(
  url: string,
  strategyIds: readonly string[],
  options: RefbotOptions = {},
): Promise<Record<string, LoadResult>> {
  return runRefbot<Record<string, LoadResult>>(url, options, ['load-each', ...strategyIds]);
}

/** Assigns the values of a vars file onto a fresh bot's vars and backs them up. */
export function refbotBackupFile(
  url: string,
  strategyId: string,
  varsFile: string,
  options: RefbotOptions = {},
): Promise<BackupResult> {
  return runRefbot<BackupResult>(url, options, ['backup', strategyId, '--vars-file', varsFile]);
}

/** Backs up the dict that a Python expression evaluates to, e.g. `{"qty": 10}`. */
export async function refbotBackup(
  url: string,
  strategyId: string,
  pythonDict: string,
  options: RefbotOptions = {},
): Promise<BackupResult> {
  const folder = mkdtempSync(join(tmpdir(), 'varsctl-refbot-'));
  const varsFile = join(folder, 'vars.py');
  writeFileSync(varsFile, pythonDict);

  try {
    return await refbotBackupFile(url, strategyId, varsFile, options);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Runs trading iterations that each load, increment `counter`, sleep and back up. */
export function refbotLoop(
  url: string,
  strategyId: string,
  iterations: number,
  intervalMs: number,
  options: RefbotOptions = {},
): Promise<LoopResult> {
  const args = ['loop', strategyId, '--iterations', String(iterations), '--interval-ms', String(intervalMs)];
  return runRefbot<LoopResult>(url, options, args);
}

export interface RunningLoop {
  /** Resolves when the bot's log on stderr has a line matching `pattern`. */
  waitForLog(pattern: RegExp): Promise<void>;
  readonly result: Promise<LoopResult>;
}

/** Starts `refbot.py loop` and returns at once, for tests that act while the bot runs. */
export function startRefbotLoop(
  url: string,
  strategyId: string,
  iterations: number,
  intervalMs: number,
  options: RefbotOptions = {},
): RunningLoop {
  const args = ['loop', strategyId, '--iterations', String(iterations), '--interval-ms', String(intervalMs)];
  const child = spawn(PYTHON, refbotArguments(url, options, args), { env: refbotEnvironment(), stdio: ['ignore', 'pipe', 'pipe'] });

  let stdout = '';
  let stderr = '';
  let closed = false;
  const waiters: { pattern: RegExp; resolve: () => void; reject: (error: Error) => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    for (const waiter of waiters.filter((candidate) => candidate.pattern.test(stderr))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });

  const result = new Promise<LoopResult>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      closed = true;
      for (const waiter of waiters.splice(0)) {
        waiter.reject(new Error(`refbot loop ended before logging ${waiter.pattern}\nstderr: ${stderr}`));
      }
      if (code !== 0) {
        reject(new Error(`refbot loop exited with ${code}\nstderr: ${stderr}`));
        return;
      }
      resolvePromise(JSON.parse(stdout) as LoopResult);
    });
  });

  return {
    result,
    waitForLog(pattern) {
      if (pattern.test(stderr)) {
        return Promise.resolve();
      }
      if (closed) {
        return Promise.reject(new Error(`refbot loop ended before logging ${pattern}\nstderr: ${stderr}`));
      }
      return new Promise((resolvePromise, rejectPromise) => waiters.push({ pattern, resolve: resolvePromise, reject: rejectPromise }));
    },
  };
}

function refbotArguments(url: string, options: RefbotOptions, commandArgs: string[]): string[] {
  return [REFBOT, '--db', url, ...(options.table === undefined ? [] : ['--table', options.table]), ...commandArgs];
}

// A fixed hash seed makes a set of str serialize in the same order on every
// run, as it did when the fixtures were written.
function refbotEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONHASHSEED: '0', PYTHONIOENCODING: 'utf-8' };
}

function runRefbot<T>(url: string, options: RefbotOptions, commandArgs: string[]): Promise<T> {
  const args = refbotArguments(url, options, commandArgs);
  const env = refbotEnvironment();

  return new Promise((resolvePromise, reject) => {
    execFile(PYTHON, args, { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      // Exit status 1 with a document on stdout is a backup that raised.
      const raised = error !== null && error.code === 1 && stdout.startsWith('{"raised"');
      if (error !== null && !raised) {
        reject(new Error(`refbot ${commandArgs.join(' ')} failed: ${error.message}\nstdout: ${stdout}\nstderr: ${stderr}`));
        return;
      }
      resolvePromise(JSON.parse(stdout) as T);
    });
  });
}
