// `varsctl show` of one strategy whose state is 1 MB and 10 MB, against
// psql and the sqlite3 shell selecting the loaded row's variables.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { onCleanup } from './lib/cleanup.js';
import { LARGE_STRATEGY, prepareLargeState } from './lib/large-state.js';
import { writeMachineSection } from './lib/machine.js';
import { compare } from './lib/measure.js';
import { psqlArgs } from './lib/postgres.js';
import {
  CLI,
  FLOOR_HEADER,
  GROWTH_HEADER,
  RATIO_HEADER,
  floorCase,
  floorRow,
  growthRow,
  provenance,
  ratioRow,
  table,
  writeSection,
} from './lib/report.js';
import { rounds, scaled } from './lib/scale.js';

const TARGET = 2;
const MEGABYTE = 1_000_000;
const SIZES = [scaled(MEGABYTE), scaled(10 * MEGABYTE)];
const RUNS = rounds(7);

// The bot's own loader query.
const LOADED_VARIABLES = `SELECT variables FROM vars_backup WHERE strategy_id = '${LARGE_STRATEGY}' ORDER BY last_updated DESC LIMIT 1`;

const folder = mkdtempSync(path.join(os.tmpdir(), 'varsctl-bench-show-'));
onCleanup(() => rmSync(folder, { recursive: true, force: true }));

function measure(data) {
  const varsctl = (url, ...args) => ({ command: process.execPath, args: [CLI, '--db', url, 'show', LARGE_STRATEGY, ...args] });
  const cases = [
    { key: 'postgres', label: 'varsctl show, PostgreSQL', ...varsctl(data.postgresUrl) },
    { key: 'postgresRaw', label: 'varsctl show --raw, PostgreSQL', ...varsctl(data.postgresUrl, '--raw') },
    { key: 'psql', label: '`psql -Atc`', command: 'psql', args: [...psqlArgs(data.database), '-Atc', LOADED_VARIABLES] },
    { key: 'sqlite', label: 'varsctl show, SQLite', ...varsctl(data.sqliteUrl) },
    { key: 'sqliteRaw', label: 'varsctl show --raw, SQLite', ...varsctl(data.sqliteUrl, '--raw') },
    { key: 'sqlite3', label: '`sqlite3`', command: 'sqlite3', args: [data.sqliteFile, LOADED_VARIABLES] },
    { key: 'floorPostgres', label: 'Node.js floor, PostgreSQL', ...floorCase('postgresql', data.postgresUrl, LOADED_VARIABLES) },
    { key: 'floorSqlite', label: 'Node.js floor, SQLite', ...floorCase('sqlite', data.sqliteFile, LOADED_VARIABLES) },
  ];
  for (const entry of cases) {
    entry.cwd = folder;
    entry.memory = true;
  }
  return compare(cases, { runs: RUNS });
}

function main() {
  const results = SIZES.map((bytes, index) => {
    const data = prepareLargeState(folder, `show_${index}`, bytes);
    return { bytes: data.variables.length, timings: measure(data) };
  });

  const size = (bytes) => `${(bytes / MEGABYTE).toFixed(1)} MB`;
  const rows = results.flatMap(({ bytes, timings }) => [
    ratioRow(`show, PostgreSQL, ${size(bytes)} state`, timings.postgres, timings.psql, TARGET),
    ratioRow(`show --raw, PostgreSQL, ${size(bytes)} state`, timings.postgresRaw, timings.psql, TARGET),
    ratioRow(`show, SQLite, ${size(bytes)} state`, timings.sqlite, timings.sqlite3, TARGET),
    ratioRow(`show --raw, SQLite, ${size(bytes)} state`, timings.sqliteRaw, timings.sqlite3, TARGET),
  ]);
  const floors = results.flatMap(({ bytes, timings }) => [
    floorRow(`show, PostgreSQL, ${size(bytes)} state`, timings.floorPostgres, timings.psql, TARGET),
    floorRow(`show, SQLite, ${size(bytes)} state`, timings.floorSqlite, timings.sqlite3, TARGET),
  ]);
  const [small, large] = results;
  const growth = ['postgres', 'postgresRaw', 'psql', 'sqlite', 'sqliteRaw', 'sqlite3'].map((key) =>
    growthRow(small.timings[key].label, small.timings[key], large.timings[key], 10),
  );

  writeMachineSection();
  writeSection(
    'show',
    [
      provenance('show.bench.js'),
      '',
      `One strategy whose state is ${results.map(({ bytes }) => size(bytes)).join(' or ')} (a long daily history of nested dicts), among 20 small ones.`,
      '`show` parses the text and prints a table of every variable shortened to 80 columns; `show --raw` prints the stored text.',
      `The anchor selects the loaded row's variables with the bot's loader query. stdout goes to /dev/null; ${RUNS} runs each.`,
      '',
      table(RATIO_HEADER, rows),
      '',
      'The floor selects and prints the same text with the same driver, as `show --raw` does without its checks:',
      '',
      table(FLOOR_HEADER, floors),
      '',
      'Growth with the state:',
      '',
      table(GROWTH_HEADER, growth),
    ].join('\n'),
  );
}

main();
