// Whole-command timing: wall time from spawn to exit, and the child's peak
// resident memory from GNU time's %M (maximum RSS in KiB).
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const GNU_TIME = '/usr/bin/time';
const DEFAULT_TIMEOUT_MS = 300_000;

/** A run that took longer than its case's `timeoutMs` and was killed. */
export class TimeoutError extends Error {}
const scratch = mkdtempSync(path.join(os.tmpdir(), 'varsctl-bench-time-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

/**
 * Runs one command to completion and returns `{ ms, peakKb }`; `peakKb` is
 * null unless `memory` is set, because the GNU time and timeout wrappers add
 * forks and execs that matter for commands of a few milliseconds. stdout goes
 * to `stdout` (a file path) or is discarded. A non-zero exit throws with
 * stderr, and a run longer than `timeoutMs` is killed and throws TimeoutError.
 */
export function runCommand({ command, args = [], stdout, cwd, env, memory = false, timeoutMs = DEFAULT_TIMEOUT_MS }) {
  args = typeof args === 'function' ? args() : args;
  const memoryFile = path.join(scratch, 'peak');
  // timeout(1) kills the command itself; GNU time's %M covers it because
  // wait4 reports the largest resident set of the waited-for descendants.
  const seconds = String(Math.ceil(timeoutMs / 1000));
  const argv = memory
    ? [GNU_TIME, '-f', '%M', '-o', memoryFile, 'timeout', '-k', '5', seconds, command, ...args]
    : [command, ...args];
  const output = stdout === undefined ? 'ignore' : openSync(stdout, 'w');

  try {
    const started = process.hrtime.bigint();
    const result = spawnSync(argv[0], argv.slice(1), {
      cwd,
      env: env ?? process.env,
      stdio: ['ignore', output, 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
      timeout: memory ? undefined : timeoutMs,
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;

    if ((memory && result.status === 124) || result.error?.code === 'ETIMEDOUT') {
      throw new TimeoutError(`${command} ${String(args[1] ?? args[0] ?? '')} timed out after ${seconds} s`);
    }
    if (result.error !== undefined) {
      throw result.error;
    }
    if (result.status !== 0) {
      throw new Error(`${[command, ...args].join(' ').slice(0, 300)}\nexited with ${result.status ?? result.signal}: ${String(result.stderr).trim().slice(0, 2000)}`);
    }
    const peakKb = memory ? Number(readFileSync(memoryFile, 'utf8').trim().split('\n').pop()) : null;
    return { ms, peakKb };
  } finally {
    if (typeof output === 'number') {
      closeSync(output);
    }
  }
}

/**
 * Runs every case `runs` times, interleaved and in a rotating order so that
 * drift (caches, other load) hits each case alike, after `warmups` untimed
 * rounds. A case's `args` may be a function, called for each run (to write a
 * new value each time). Its `before` runs untimed ahead of each run and its
 * `check` after each (to prove the run did its work). Returns, per case key,
 * `{ label, medianMs, minMs, maxMs, peakKb }` with the highest peak seen. A
 * case that times out once is not run again and reports `timedOut: true`
 * with its time limit as every time.
 */
export function compare(cases, { runs, warmups = 1 }) {
  const samples = new Map(cases.map((entry) => [entry.key, { ms: [], peaks: [], timedOut: false }]));

  const runCase = (entry, record) => {
    const sample = samples.get(entry.key);
    if (sample.timedOut) {
      return;
    }
    entry.before?.();
    let result;
    try {
      result = runCommand(entry);
    } catch (error) {
      if (!(error instanceof TimeoutError)) {
        throw error;
      }
      console.error(error.message);
      sample.timedOut = true;
      return;
    }
    entry.check?.(result);
    if (record) {
      samples.get(entry.key).ms.push(result.ms);
      if (result.peakKb !== null) {
        samples.get(entry.key).peaks.push(result.peakKb);
      }
    }
  };

  for (let round = 0; round < warmups + runs; round += 1) {
    const offset = round % cases.length;
    const ordered = [...cases.slice(offset), ...cases.slice(0, offset)];
    for (const entry of ordered) {
      runCase(entry, round >= warmups);
    }
  }

  const results = {};
  for (const entry of cases) {
    const { ms, peaks, timedOut } = samples.get(entry.key);
    if (timedOut) {
      const limitMs = entry.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      results[entry.key] = { label: entry.label, timedOut: true, medianMs: limitMs, minMs: limitMs, maxMs: limitMs, peakKb: null };
      continue;
    }
    results[entry.key] = {
      label: entry.label,
      medianMs: median(ms),
      minMs: Math.min(...ms),
      maxMs: Math.max(...ms),
      peakKb: peaks.length === 0 ? null : Math.max(...peaks),
    };
  }
  return results;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
