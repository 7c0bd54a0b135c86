// Backup tables full of generated strategies, loaded the fast way: PostgreSQL
// through `psql \copy` from a CSV file, SQLite inside one transaction.
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';

import Database from 'better-sqlite3';

import { botState, createRandom } from './states.js';

const NEW_YORK_PARTS = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: 'longOffset',
});

const NAMES = ['MomentumBot', 'MeanReversion', 'OptionsWheel', 'PairsTrader', 'Stratégie-Élan', 'CryptoGrid'];

/**
 * The rows of a backup table: the bot's placeholder row first, then one row
 * per strategy with a state of about `stateBytes`, and a duplicate row for
 * one strategy in a hundred (the bot writes duplicates the same text and
 * time). Each row: `{ id, epochMicros, variables, strategyId }`; the
 * placeholder's `epochMicros` is written naive, as pandas writes it.
 */
export function* backupRows({ strategies, stateBytes, seed, bigStates = new Map() }) {
  const random = createRandom(seed);
  const start = Date.UTC(2025, 9, 1) * 1000;

  yield { id: randomUUID(), epochMicros: start, variables: 'INITIAL VALUE', strategyId: 'INITIAL VALUE', placeholder: true };

  for (let index = 0; index < strategies; index += 1) {
    const strategyId = strategyName(index);
    const bytes = bigStates.get(strategyId) ?? stateBytes;
    const row = {
      id: randomUUID(),
      epochMicros: start + Math.floor(random() * 30 * 86_400) * 1_000_000 + Math.floor(random() * 1_000_000),
      variables: botState(random, bytes),
      strategyId,
    };
    yield row;
    if (index % 100 === 99) {
      yield { ...row, id: randomUUID() };
    }
  }
}

/** The name of the strategy at `index`, such as `MomentumBot-00042`. */
export function strategyName(index) {
  return `${NAMES[index % NAMES.length]}-${String(index).padStart(5, '0')}`;
}

/** `last_updated` of a timestamptz column: the instant in UTC. */
export function postgresTimestamp(epochMicros) {
  const seconds = new Date(Math.floor(epochMicros / 1000)).toISOString().slice(0, 19).replace('T', ' ');
  return `${seconds}.${String(epochMicros % 1_000_000).padStart(6, '0')}+00`;
}

/**
 * `last_updated` as the bot writes it into SQLite: New York time with its
 * offset (`2025-10-03 11:20:05.123456-04:00`), or naive for the placeholder row.
 */
export function sqliteTimestamp(epochMicros, naive = false) {
  const parts = Object.fromEntries(
    NEW_YORK_PARTS.formatToParts(new Date(Math.floor(epochMicros / 1000))).map((part) => [part.type, part.value]),
  );
  const micros = String(epochMicros % 1_000_000).padStart(6, '0');
  const wall = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}.${micros}`;
  return naive ? wall : `${wall}${parts.timeZoneName.replace('GMT', '')}`;
}

/** Writes rows as CSV for `\copy ... (format csv)`; returns the number of rows and bytes of variables. */
export function writePostgresCsv(file, rows) {
  const descriptor = openSync(file, 'w');
  let pending = [];
  let pendingBytes = 0;
  let count = 0;
  let variablesBytes = 0;

  const flush = () => {
    writeSync(descriptor, pending.join(''));
    pending = [];
    pendingBytes = 0;
  };

  try {
    for (const row of rows) {
      const line = `${row.id},${postgresTimestamp(row.epochMicros)},${csvField(row.variables)},${csvField(row.strategyId)}\n`;
      pending.push(line);
      pendingBytes += line.length;
      count += 1;
      variablesBytes += Buffer.byteLength(row.variables);
      if (pendingBytes > 4 * 1024 * 1024) {
        flush();
      }
    }
    flush();
  } finally {
    closeSync(descriptor);
  }
  return { rows: count, variablesBytes };
}

function csvField(text) {
  return `"${text.replaceAll('"', '""')}"`;
}

/** Creates an SQLite file with the bot's table and rows, in one transaction. */
export function createSqliteDatabase(file, rows, table = 'vars_backup') {
  const db = new Database(file);
  try {
    createSqliteTable(db, table);
    const insert = db.prepare(`INSERT INTO "${table}" (id, last_updated, variables, strategy_id) VALUES (?, ?, ?, ?)`);
    let count = 0;
    let variablesBytes = 0;
    db.transaction(() => {
      for (const row of rows) {
        insert.run(row.id, sqliteTimestamp(row.epochMicros, row.placeholder === true), row.variables, row.strategyId);
        count += 1;
        variablesBytes += Buffer.byteLength(row.variables);
      }
    })();
    return { rows: count, variablesBytes };
  } finally {
    db.close();
  }
}

/** The table as pandas `to_sql` creates it for the bot: four nullable columns and an index on id. */
export function createSqliteTable(db, table = 'vars_backup') {
  db.exec(`CREATE TABLE "${table}" (id TEXT, last_updated TIMESTAMP, variables TEXT, strategy_id TEXT)`);
  db.exec(`CREATE INDEX "ix_${table}_id" ON "${table}" (id)`);
}
