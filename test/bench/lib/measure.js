// Whole-command timing: wall time from spawn to exit, and the child's peak
// resident memory from GNU time's %M (maximum RSS in KiB).
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const GNU_TIME = '/usr/bin/time';
const scratch = mkdtempSync(path.join(os.tmpdir(), 'varsctl-bench-time-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

/**
 * Runs one command to completion and returns `{ ms, peakKb }`; `peakKb` is
 * null unless `memory` is set, because the GNU time wrapper adds a fork and
 * an exec that matter for commands of a few milliseconds. stdout goes to
 * `stdout` (a file path) or is discarded; a non-zero exit throws with stderr.
 */
export function runCommand({ command, args = [], stdout, cwd, env, memory = false }) {
  const memoryFile = path.join(scratch, 'peak');
  const argv = memory ? [GNU_TIME, '-f', '%M', '-o', memoryFile, command, ...args] : [command, ...args];
  const output = stdout === undefined ? 'ignore' : openSync(stdout, 'w');

  try {
    const started = process.hrtime.bigint();
    const result = spawnSync(argv[0], argv.slice(1), {
      cwd,
      env: env ?? process.env,
      stdio: ['ignore', output, 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;

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
 * rounds. A case's `before` runs untimed ahead of each of its runs and its
 * `check` after each (to prove the run did its work). Returns, per case key,
 * `{ label, medianMs, minMs, maxMs, peakKb }` with the highest peak seen.
 */
export function compare(cases, { runs, warmups = 1 }) {
  const samples = new Map(cases.map((entry) => [entry.key, { ms: [], peaks: [] }]));

  const runCase = (entry, record) => {
    entry.before?.();
    const result = runCommand(entry);
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
    const { ms, peaks } = samples.get(entry.key);
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
