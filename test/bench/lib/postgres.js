// The local PostgreSQL server, reached the way an operator reaches it: psql
// over TCP on 127.0.0.1. Benchmarks create and drop only databases named
// varsctl_bench_*.
import { spawnSync } from 'node:child_process';

import { onCleanup } from './cleanup.js';

const HOST = '127.0.0.1';
const PORT = '5432';
const USER = 'postgres';
const PREFIX = 'varsctl_bench_';

export function databaseUrl(database) {
  return `postgresql://${USER}@${HOST}:${PORT}/${database}`;
}

/** psql's connection arguments, without a .psqlrc, stopping at the first error. */
export function psqlArgs(database) {
  return ['-X', '-q', '-h', HOST, '-p', PORT, '-U', USER, '-d', database, '-v', 'ON_ERROR_STOP=1'];
}

/** Runs SQL or a psql meta-command and returns its unaligned output. */
export function psql(database, command) {
  const result = spawnSync('psql', [...psqlArgs(database), '-At', '-c', command], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (result.status !== 0) {
    throw new Error(`psql on ${database} failed (exit ${result.status}): ${result.stderr.trim()}\n  command: ${command.slice(0, 200)}`);
  }
  return result.stdout.trim();
}

/** Creates an empty database `varsctl_bench_<suffix>`, dropped again when the benchmark exits. */
export function createDatabase(suffix) {
  const name = `${PREFIX}${suffix}`;
  dropDatabase(name);
  psql('postgres', `CREATE DATABASE ${name}`);
  onCleanup(() => dropDatabase(name));
  return name;
}

export function dropDatabase(name) {
  if (!name.startsWith(PREFIX) || !/^[a-z0-9_]+$/.test(name)) {
    throw new Error(`refusing to drop ${name}: benchmarks drop only their own ${PREFIX}* databases`);
  }
  psql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** The table as pandas `to_sql` creates it for the bot on PostgreSQL. */
export function createBotTable(database, table = 'vars_backup') {
  psql(
    database,
    `CREATE TABLE ${table} (id text, last_updated timestamp with time zone, variables text, strategy_id text);
     CREATE INDEX ix_${table}_id ON ${table} (id);`,
  );
}

/** Loads a CSV file written by `writePostgresCsv`, then refreshes the planner's statistics. */
export function copyCsvIn(database, file, table = 'vars_backup') {
  psql(database, `\\copy ${table} (id, last_updated, variables, strategy_id) from '${file}' with (format csv)`);
  psql(database, `VACUUM ANALYZE ${table}`);
}

export function serverVersion() {
  return psql('postgres', 'SHOW server_version');
}
