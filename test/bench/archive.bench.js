// `varsctl export` and `varsctl restore` of 2,000 and 20,000 strategies of
// about 20 KB each (about 40 MB and 400 MB), against psql's \copy to and
// from a file, and the sqlite3 shell; with peak memory, which must stay
// under 150 MB whatever the table size.
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import Database from 'better-sqlite3';

import { onCleanup } from './lib/cleanup.js';
import { backupRows, createSqliteDatabase, createSqliteTable, writePostgresCsv } from './lib/dataset.js';
import { writeMachineSection } from './lib/machine.js';
import { compare } from './lib/measure.js';
import { copyCsvIn, createBotTable, createDatabase, databaseUrl, psql, psqlArgs } from './lib/postgres.js';
import {
  CLI,
  FLOOR_HEADER,
  GROWTH_HEADER,
  RATIO_HEADER,
  formatCount,
  floorRow,
  formatMb,
  growthRow,
  provenance,
  ratioRow,
  table,
  writeSection,
} from './lib/report.js';
import { rounds, scaled } from './lib/scale.js';

const EXPORT_TARGET = 1.5;
const RESTORE_TARGET = 2;
const MEMORY_LIMIT_MB = 150;
const STATE_BYTES = 20_000;
const SIZES = [scaled(2_000), scaled(20_000)];
const RUNS = rounds(5);
const TIMEOUT_MS = 900_000;
const COLUMNS = 'id, last_updated, variables, strategy_id';
const EXPORT_FLOOR = fileURLToPath(new URL('./lib/export-floor.js', import.meta.url));

const folder = mkdtempSync(path.join(os.tmpdir(), 'varsctl-bench-archive-'));
onCleanup(() => rmSync(folder, { recursive: true, force: true }));

function prepare(strategies) {
  const rows = () => backupRows({ strategies, stateBytes: STATE_BYTES, seed: 31 });
  const name = `archive_${strategies}`;

  const source = createDatabase(name);
  createBotTable(source);
  const csv = path.join(folder, `${name}.csv`);
  const { rows: rowCount, variablesBytes } = writePostgresCsv(csv, rows());
  copyCsvIn(source, csv);
  rmSync(csv);

  const target = createDatabase(`${name}_target`);
  createBotTable(target);

  const sqliteSource = path.join(folder, `${name}.db`);
  createSqliteDatabase(sqliteSource, rows());
  const sqliteEmpty = path.join(folder, `${name}_empty.db`);
  const empty = new Database(sqliteEmpty);
  createSqliteTable(empty);
  empty.close();

  return {
    name,
    strategies,
    rowCount,
    variablesBytes,
    source,
    target,
    sqliteSource,
    sqliteEmpty,
    sqliteTarget: path.join(folder, `${name}_target.db`),
  };
}

function varsctl(url, ...args) {
  return { command: process.execPath, args: [CLI, '--db', url, ...args] };
}

function removing(file) {
  return () => rmSync(file, { force: true });
}

function requireRows(count, expected, where) {
  if (count !== expected) {
    throw new Error(`${where} holds ${count} rows after the restore, expected ${expected}`);
  }
}

function measureExport(data) {
  const files = {
    postgres: path.join(folder, `${data.name}.jsonl`),
    psql: path.join(folder, `${data.name}.copy`),
    sqlite: path.join(folder, `${data.name}.sqlite.jsonl`),
    sqlite3: path.join(folder, `${data.name}.sqlite.csv`),
    floorPostgres: path.join(folder, `${data.name}.floor.copy`),
    floorSqlite: path.join(folder, `${data.name}.floor.csv`),
    escapedPostgres: path.join(folder, `${data.name}.escaped.copy`),
    escapedSqlite: path.join(folder, `${data.name}.escaped.csv`),
  };
  const cases = [
    {
      key: 'postgres',
      label: 'varsctl export, PostgreSQL',
      ...varsctl(databaseUrl(data.source), 'export', '-o', files.postgres),
      before: removing(files.postgres),
    },
    {
      key: 'psql',
      label: '`psql \\copy ... to`',
      command: 'psql',
      args: [...psqlArgs(data.source), '-c', `\\copy (SELECT ${COLUMNS} FROM vars_backup) TO '${files.psql}'`],
      before: removing(files.psql),
    },
    {
      key: 'sqlite',
      label: 'varsctl export, SQLite',
      ...varsctl(`sqlite:///${data.sqliteSource}`, 'export', '-o', files.sqlite),
      before: removing(files.sqlite),
    },
    {
      key: 'sqlite3',
      label: '`sqlite3 -csv`',
      command: 'sqlite3',
      args: ['-csv', data.sqliteSource, `SELECT ${COLUMNS} FROM vars_backup`],
      stdout: files.sqlite3,
    },
    {
      key: 'floorPostgres',
      label: 'Node.js floor, PostgreSQL',
      command: process.execPath,
      args: [EXPORT_FLOOR, 'postgresql', databaseUrl(data.source), files.floorPostgres],
      before: removing(files.floorPostgres),
    },
    {
      key: 'floorSqlite',
      label: 'Node.js floor, SQLite',
      command: process.execPath,
      args: [EXPORT_FLOOR, 'sqlite', data.sqliteSource, files.floorSqlite],
      before: removing(files.floorSqlite),
    },
    {
      key: 'escapedPostgres',
      label: 'Node.js escaped floor, PostgreSQL',
      command: process.execPath,
      args: [EXPORT_FLOOR, 'postgresql', databaseUrl(data.source), files.escapedPostgres, 'escaped'],
      before: removing(files.escapedPostgres),
    },
    {
      key: 'escapedSqlite',
      label: 'Node.js escaped floor, SQLite',
      command: process.execPath,
      args: [EXPORT_FLOOR, 'sqlite', data.sqliteSource, files.escapedSqlite, 'escaped'],
      before: removing(files.escapedSqlite),
    },
  ];
  return { files, timings: compare(withDefaults(cases), { runs: RUNS }) };
}

function measureRestore(data, files) {
  const truncateTarget = () => psql(data.target, 'TRUNCATE vars_backup');
  const countTarget = () => Number(psql(data.target, 'SELECT count(*) FROM vars_backup'));
  const emptySqliteTarget = () => copyFileSync(data.sqliteEmpty, data.sqliteTarget);
  const countSqliteTarget = () => {
    const db = new Database(data.sqliteTarget, { readonly: true });
    try {
      return db.prepare('SELECT count(*) AS count FROM vars_backup').get().count;
    } finally {
      db.close();
    }
  };

  const cases = [
    {
      key: 'postgres',
      label: 'varsctl restore, PostgreSQL',
      ...varsctl(databaseUrl(data.target), 'restore', files.postgres, '--yes'),
      before: truncateTarget,
      check: () => requireRows(countTarget(), data.rowCount, data.target),
    },
    {
      key: 'psql',
      label: '`psql \\copy ... from`',
      command: 'psql',
      args: [...psqlArgs(data.target), '-c', `\\copy vars_backup (${COLUMNS}) FROM '${files.psql}'`],
      before: truncateTarget,
      check: () => requireRows(countTarget(), data.rowCount, data.target),
    },
    {
      key: 'sqlite',
      label: 'varsctl restore, SQLite',
      ...varsctl(`sqlite:///${data.sqliteTarget}`, 'restore', files.sqlite, '--yes'),
      before: emptySqliteTarget,
      check: () => requireRows(countSqliteTarget(), data.rowCount, data.sqliteTarget),
    },
    {
      key: 'sqlite3',
      label: '`sqlite3 .import --csv`',
      command: 'sqlite3',
      args: [data.sqliteTarget, `.import --csv ${files.sqlite3} vars_backup`],
      before: emptySqliteTarget,
      check: () => requireRows(countSqliteTarget(), data.rowCount, data.sqliteTarget),
    },
  ];
  return compare(withDefaults(cases), { runs: RUNS });
}

function withDefaults(cases) {
  return cases.map((entry) => ({ cwd: folder, memory: true, timeoutMs: TIMEOUT_MS, ...entry }));
}

function main() {
  const results = [];
  for (const strategies of SIZES) {
    const data = prepare(strategies);
    const exported = measureExport(data);
    const restored = measureRestore(data, exported.files);
    results.push({ data, exportSize: statSync(exported.files.postgres).size, exported: exported.timings, restored });
    rmSync(data.sqliteSource);
    rmSync(data.sqliteTarget, { force: true });
    psql('postgres', `DROP DATABASE ${data.source} WITH (FORCE)`);
    psql('postgres', `DROP DATABASE ${data.target} WITH (FORCE)`);
    for (const file of Object.values(exported.files)) {
      rmSync(file, { force: true });
    }
  }

  const label = ({ data }) => `${formatCount(data.strategies)} strategies (${(data.variablesBytes / 1e6).toFixed(0)} MB)`;
  const timeRows = results.flatMap((result) => [
    ratioRow(`export, PostgreSQL, ${label(result)}`, result.exported.postgres, result.exported.psql, EXPORT_TARGET),
    ratioRow(`restore, PostgreSQL, ${label(result)}`, result.restored.postgres, result.restored.psql, RESTORE_TARGET),
    ratioRow(`export, SQLite, ${label(result)}`, result.exported.sqlite, result.exported.sqlite3, EXPORT_TARGET),
    ratioRow(`restore, SQLite, ${label(result)}`, result.restored.sqlite, result.restored.sqlite3, RESTORE_TARGET),
  ]);

  const floorRows = results.flatMap((result) => [
    floorRow(`export, PostgreSQL, ${label(result)}`, result.exported.floorPostgres, result.exported.psql, EXPORT_TARGET),
    floorRow(`export, SQLite, ${label(result)}`, result.exported.floorSqlite, result.exported.sqlite3, EXPORT_TARGET),
  ]);

  const escapedRows = results.flatMap((result) => [
    floorRow(`export, PostgreSQL, ${label(result)}`, result.exported.escapedPostgres, result.exported.psql, EXPORT_TARGET),
    floorRow(`export, SQLite, ${label(result)}`, result.exported.escapedSqlite, result.exported.sqlite3, EXPORT_TARGET),
  ]);

  const memoryRow = (measure, pick) => {
    const peaks = results.map((result) => pick(result).peakKb);
    const worst = Math.max(...peaks.map((peak) => peak ?? Infinity));
    const met = worst / 1024 < MEMORY_LIMIT_MB;
    return [measure, ...peaks.map(formatMb), `under ${MEMORY_LIMIT_MB} MB`, met ? 'met' : '**missed**'];
  };
  const memoryRows = [
    memoryRow('export, PostgreSQL', (result) => result.exported.postgres),
    memoryRow('restore, PostgreSQL', (result) => result.restored.postgres),
    memoryRow('export, SQLite', (result) => result.exported.sqlite),
    memoryRow('restore, SQLite', (result) => result.restored.sqlite),
  ];

  const [small, large] = results;
  const growth = [
    growthRow('export, PostgreSQL', small.exported.postgres, large.exported.postgres, 10),
    growthRow('restore, PostgreSQL', small.restored.postgres, large.restored.postgres, 10),
    growthRow('export, SQLite', small.exported.sqlite, large.exported.sqlite, 10),
    growthRow('restore, SQLite', small.restored.sqlite, large.restored.sqlite, 10),
  ];

  writeMachineSection();
  writeSection(
    'export and restore',
    [
      provenance('archive.bench.js'),
      '',
      `Tables of ${SIZES.map(formatCount).join(' and ')} strategies with states of about ${formatCount(STATE_BYTES)} bytes,`,
      'plus the placeholder row and a duplicate row for one strategy in a hundred.',
      `The export file of the larger table is ${(large.exportSize / 1e6).toFixed(0)} MB.`,
      '`export -o FILE` writes a temporary file, fsyncs it and renames it into place; the anchors write their file without fsync.',
      '`restore FILE --yes` reads and verifies the whole file, then writes every row in one transaction,',
      'into an empty table (truncated, or a fresh SQLite file, before each run).',
      `The anchors copy the same rows: \`psql -c "\\copy (SELECT ${COLUMNS} FROM vars_backup) TO FILE"\` and \`\\copy ... FROM FILE\`,`,
      `\`sqlite3 -csv\` and \`sqlite3 .import --csv\`. Each restore is checked to leave every row in the table. ${RUNS} runs each.`,
      '',
      table(RATIO_HEADER, timeRows),
      '',
      'The export floor copies the same rows into a file with the same driver, as the anchors do: the server\'s COPY output streamed as it comes, or CSV lines written as `sqlite3 -csv` writes them:',
      '',
      table(FLOOR_HEADER, floorRows),
      '',
      'The escaped floor does the same and also passes every byte it copies through `JSON.stringify` once. That is the least a file must do whose lines hold each text as a JSON string. It writes no lines of the format and no digests:',
      '',
      table(FLOOR_HEADER, escapedRows),
      '',
      'Peak memory of varsctl (maximum resident set size):',
      '',
      table(['measure', ...results.map(label), 'target', 'result'], memoryRows),
      '',
      'Growth with the table:',
      '',
      table(GROWTH_HEADER, growth),
    ].join('\n'),
  );
}

main();
