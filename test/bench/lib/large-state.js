// Databases holding one strategy with a large state among a few small ones,
// for `show` and `set`, in PostgreSQL and in SQLite.
import path from 'node:path';

import { backupRows, createSqliteDatabase, strategyName, writePostgresCsv } from './dataset.js';
import { copyCsvIn, createBotTable, createDatabase, databaseUrl } from './postgres.js';

const OTHER_STRATEGIES = 20;
const OTHER_STATE_BYTES = 2_000;

/** The strategy whose state is large. */
export const LARGE_STRATEGY = strategyName(7);

/**
 * Creates `varsctl_bench_<name>` and `<folder>/<name>.db`, each holding the
 * same rows; returns their URLs and the large state's exact text.
 */
export function prepareLargeState(folder, name, stateBytes) {
  const rows = () =>
    backupRows({
      strategies: OTHER_STRATEGIES,
      stateBytes: OTHER_STATE_BYTES,
      seed: 23,
      bigStates: new Map([[LARGE_STRATEGY, stateBytes]]),
    });

  const database = createDatabase(name);
  createBotTable(database);
  const csv = path.join(folder, `${name}.csv`);
  writePostgresCsv(csv, rows());
  copyCsvIn(database, csv);

  const sqliteFile = path.join(folder, `${name}.db`);
  createSqliteDatabase(sqliteFile, rows());

  const variables = [...rows()].find((row) => row.strategyId === LARGE_STRATEGY).variables;
  return { database, postgresUrl: databaseUrl(database), sqliteFile, sqliteUrl: `sqlite:///${sqliteFile}`, variables };
}
