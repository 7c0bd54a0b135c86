// The machine and tool versions behind the figures, written into the
// "Machine and versions" section by every benchmark script.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

import Database from 'better-sqlite3';

import { serverVersion } from './postgres.js';
import { table, writeSection } from './report.js';

function firstLine(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`.trim().split('\n')[0];
}

function cpuModel() {
  const line = readFileSync('/proc/cpuinfo', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('model name'));
  return line === undefined ? os.cpus()[0]?.model ?? 'unknown' : line.split(':')[1].trim();
}

function bundledSqliteVersion() {
  const db = new Database(':memory:');
  try {
    return db.prepare('SELECT sqlite_version() AS version').get().version;
  } finally {
    db.close();
  }
}

export function writeMachineSection() {
  const rows = [
    ['CPU', `${cpuModel()}, \`nproc\` = ${firstLine('nproc', [])}`],
    ['memory', `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`],
    ['OS', `${os.type()} ${os.release()} (${os.arch()})`],
    ['Node.js', process.version],
    ['PostgreSQL server', serverVersion()],
    ['psql', firstLine('psql', ['--version'])],
    ['SQLite (better-sqlite3, used by varsctl)', bundledSqliteVersion()],
    ['SQLite (sqlite3 shell, the anchor)', firstLine('sqlite3', ['--version']).split(' ')[0]],
    ['Python (anchor for set)', firstLine('/usr/bin/python3', ['--version'])],
    ['GNU time (peak memory)', firstLine('dpkg-query', ['-W', '-f', '${Version}', 'time'])],
  ];
  writeSection('Machine and versions', table(['', ''], rows));
}
