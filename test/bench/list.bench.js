// `varsctl list` on 1,000 and 10,000 strategies, PostgreSQL and SQLite,
// against psql and the sqlite3 shell running the same summary query.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { onCleanup } from './lib/cleanup.js';
import { backupRows, createSqliteDatabase, writePostgresCsv } from './lib/dataset.js';
import { writeMachineSection } from './lib/machine.js';
import { compare, runCommand } from './lib/measure.js';
import { copyCsvIn, createBotTable, createDatabase, databaseUrl, psqlArgs } from './lib/postgres.js';
import {
  CLI,
  FLOOR_HEADER,
  GROWTH_HEADER,
  RATIO_HEADER,
  floorCase,
  floorRow,
  formatCount,
  growthRow,
  provenance,
  ratioRow,
  table,
  writeSection,
} from './lib/report.js';
import { rounds, scaled } from './lib/scale.js';

const TARGET = 2;
const STATE_BYTES = 2_000;
const SIZES = [scaled(1_000), scaled(10_000)];
const RUNS = rounds(7);

// What list shows, computed by the database: for each strategy its row
// count and the row the bot loads (newest last_updated), with that row's
// time, size and text (list reads the text to count keys and check it parses).
const SUMMARY_QUERY = (byteLength) => `
  SELECT strategy_id, row_count, last_updated, ${byteLength}, variables
  FROM (SELECT strategy_id, last_updated, variables,
               count(*) OVER (PARTITION BY strategy_id) AS row_count,
               row_number() OVER (PARTITION BY strategy_id ORDER BY last_updated DESC) AS position
        FROM vars_backup WHERE strategy_id IS NOT NULL) AS ranked
  WHERE position = 1 ORDER BY strategy_id`;

/** Columns of SUMMARY_QUERY before the text. */
const SUMMARY_COLUMNS = 4;

const folder = mkdtempSync(path.join(os.tmpdir(), 'varsctl-bench-list-'));
onCleanup(() => rmSync(folder, { recursive: true, force: true }));

function prepare(strategies) {
  const rows = () => backupRows({ strategies, stateBytes: STATE_BYTES, seed: 11 });

  const database = createDatabase(`list_${strategies}`);
  createBotTable(database);
  const csv = path.join(folder, `list_${strategies}.csv`);
  writePostgresCsv(csv, rows());
  copyCsvIn(database, csv);
  rmSync(csv);

  const sqliteFile = path.join(folder, `list_${strategies}.db`);
  createSqliteDatabase(sqliteFile, rows());

  return { strategies, postgresUrl: databaseUrl(database), database, sqliteFile, sqliteUrl: `sqlite:///${sqliteFile}` };
}

/** Fails the benchmark unless list reports every strategy (and the placeholder row). */
function checkListCount(url, expected) {
  const output = path.join(folder, 'list.json');
  runCommand({ command: process.execPath, args: [CLI, '--db', url, '--json', 'list'], stdout: output, cwd: folder });
  const listed = JSON.parse(readText(output));
  const count = Array.isArray(listed) ? listed.length : listed.strategies?.length;
  if (count !== expected) {
    throw new Error(`list --json on ${url} returned ${count} strategies, expected ${expected}`);
  }
}

function measure(data) {
  const cases = [
    {
      key: 'postgres',
      label: 'varsctl list, PostgreSQL',
      command: process.execPath,
      args: [CLI, '--db', data.postgresUrl, 'list'],
    },
    {
      key: 'psql',
      label: '`psql -Atc`',
      command: 'psql',
      args: [...psqlArgs(data.database), '-Atc', SUMMARY_QUERY('octet_length(variables)')],
    },
    {
      key: 'floorPostgres',
      label: 'Node.js floor, PostgreSQL',
      // list reads every text to check it and prints a summary line, so the
      // floor reads the texts too but prints only the other columns.
      ...floorCase('postgresql', data.postgresUrl, SUMMARY_QUERY('octet_length(variables)'), SUMMARY_COLUMNS),
    },
    {
      key: 'keysPostgres',
      label: 'Node.js floor with key count, PostgreSQL',
      ...floorCase('postgresql', data.postgresUrl, SUMMARY_QUERY('octet_length(variables)'), SUMMARY_COLUMNS, 'count-keys'),
    },
    {
      key: 'sqlite',
      label: 'varsctl list, SQLite',
      command: process.execPath,
      args: [CLI, '--db', data.sqliteUrl, 'list'],
    },
    {
      key: 'sqlite3',
      label: '`sqlite3`',
      command: 'sqlite3',
      args: [data.sqliteFile, SUMMARY_QUERY('length(CAST(variables AS BLOB))')],
    },
    {
      key: 'floorSqlite',
      label: 'Node.js floor, SQLite',
      ...floorCase('sqlite', data.sqliteFile, SUMMARY_QUERY('length(CAST(variables AS BLOB))'), SUMMARY_COLUMNS),
    },
    {
      key: 'keysSqlite',
      label: 'Node.js floor with key count, SQLite',
      ...floorCase('sqlite', data.sqliteFile, SUMMARY_QUERY('length(CAST(variables AS BLOB))'), SUMMARY_COLUMNS, 'count-keys'),
    },
  ];
  for (const entry of cases) {
    entry.cwd = folder;
    entry.memory = true;
  }
  return compare(cases, { runs: RUNS });
}

function main() {
  const results = [];
  for (const strategies of SIZES) {
    const data = prepare(strategies);
    checkListCount(data.postgresUrl, strategies + 1);
    checkListCount(data.sqliteUrl, strategies + 1);
    results.push({ strategies, timings: measure(data) });
  }

  const [small, large] = results;
  const rows = results.flatMap(({ strategies, timings }) => [
    ratioRow(`list, PostgreSQL, ${formatCount(strategies)} strategies`, timings.postgres, timings.psql, TARGET),
    ratioRow(`list, SQLite, ${formatCount(strategies)} strategies`, timings.sqlite, timings.sqlite3, TARGET),
  ]);
  const floors = results.flatMap(({ strategies, timings }) => [
    floorRow(`list, PostgreSQL, ${formatCount(strategies)} strategies`, timings.floorPostgres, timings.psql, TARGET),
    floorRow(`list, SQLite, ${formatCount(strategies)} strategies`, timings.floorSqlite, timings.sqlite3, TARGET),
  ]);
  const keyFloors = results.flatMap(({ strategies, timings }) => [
    floorRow(`list, PostgreSQL, ${formatCount(strategies)} strategies`, timings.keysPostgres, timings.psql, TARGET),
    floorRow(`list, SQLite, ${formatCount(strategies)} strategies`, timings.keysSqlite, timings.sqlite3, TARGET),
  ]);
  const growth = [
    growthRow('list, PostgreSQL', small.timings.postgres, large.timings.postgres, 10),
    growthRow('list, SQLite', small.timings.sqlite, large.timings.sqlite, 10),
    growthRow('anchor `psql`', small.timings.psql, large.timings.psql, 10),
    growthRow('anchor `sqlite3`', small.timings.sqlite3, large.timings.sqlite3, 10),
  ];

  writeMachineSection();
  writeSection(
    'list',
    [
      provenance('list.bench.js'),
      '',
      `Tables of ${SIZES.map(formatCount).join(' and ')} strategies with states of about ${formatCount(STATE_BYTES)} bytes each,`,
      'plus the placeholder row and a duplicate row for one strategy in a hundred; stdout goes to /dev/null.',
      `The anchor runs one query that returns what list shows: per strategy its row count, and the time, size and text of the row the bot loads. ${RUNS} runs each.`,
      '',
      table(RATIO_HEADER, rows),
      '',
      'The floor reads the same rows with the same driver and prints each summary line without the text:',
      '',
      table(FLOOR_HEADER, floors),
      '',
      'The floor with the key count also counts the top-level keys of each text with varsctl\'s own quick counter, the least list must do with a text to show its keys:',
      '',
      table(FLOOR_HEADER, keyFloors),
      '',
      'Growth with the table:',
      '',
      table(GROWTH_HEADER, growth),
    ].join('\n'),
  );
}

function readText(file) {
  return readFileSync(file, 'utf8');
}

main();
