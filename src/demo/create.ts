import { randomUUID } from 'node:crypto';
import { existsSync, renameSync, rmSync } from 'node:fs';

import { RuntimeFailure, UsageError } from '../errors.js';
import { PLACEHOLDER } from '../store/placeholder.js';
import { formatBotSqliteText, formatNewYorkWallText } from '../store/timestamp.js';
import { DEMO_STRATEGIES, PLACEHOLDER_AGE_SECONDS } from './strategies.js';

/**
 * Creates the demo SQLite database: the bot's own table (same DDL as
 * pandas `to_sql` creates it), its placeholder row and the demo strategies.
 */

// The DDL exactly as SQLite stores it for a table Lumibot created, tabs and
// trailing spaces included, so `.schema` shows what a real bot's file shows.
const CREATE_TABLE = 'CREATE TABLE vars_backup (\n\tid TEXT, \n\tlast_updated TIMESTAMP, \n\tvariables TEXT, \n\tstrategy_id TEXT\n)';
const CREATE_INDEX = 'CREATE INDEX ix_vars_backup_id ON vars_backup (id)';

export interface CreateDemoRequest {
  readonly path: string;
  /** Replace an existing file. */
  readonly force: boolean;
  /** The creation time; row ages count back from it. */
  readonly nowMs: number;
}

export interface DemoSummary {
  readonly path: string;
  readonly strategies: number;
  /** Strategy rows, without the placeholder row. */
  readonly rows: number;
}

interface InsertRow {
  readonly id: string;
  readonly lastUpdated: string;
  readonly variables: string;
  readonly strategyId: string;
  readonly ageSeconds: number;
}

/**
 * Writes the database to a temporary file beside `path` and renames it into
 * place, so an interrupted run never leaves a half-written demo file.
 */
export async function createDemoDatabase(request: CreateDemoRequest): Promise<DemoSummary> {
  if (existsSync(request.path) && !request.force) {
    throw new UsageError(`${request.path} already exists; the demo does not overwrite files`, {
      hint: 'add --force to replace it, or give another path: varsctl demo other.db',
    });
  }

  const temporaryPath = `${request.path}.${process.pid}.tmp`;
  const rows = demoRows(request.nowMs);

  try {
    await writeDatabase(temporaryPath, rows);
    removeSqliteFiles(request.path);
    renameSync(temporaryPath, request.path);
  } catch (error) {
    rmSync(temporaryPath, { force: true });
    throw new RuntimeFailure(`could not create the demo database ${request.path}: ${(error as Error).message}`, {
      hint: 'check that the folder exists and is writable',
      cause: error,
    });
  }

  return { path: request.path, strategies: DEMO_STRATEGIES.length, rows: rows.length - 1 };
}

async function writeDatabase(path: string, rows: readonly InsertRow[]): Promise<void> {
  const { default: Database } = await import('better-sqlite3');
  const database = new Database(path);

  try {
    database.exec(`${CREATE_TABLE};\n${CREATE_INDEX};`);
    const insert = database.prepare(
      'INSERT INTO vars_backup (id, last_updated, variables, strategy_id) VALUES (@id, @lastUpdated, @variables, @strategyId)',
    );
    const insertAll = database.transaction((all: readonly InsertRow[]) => {
      for (const row of all) {
        insert.run({ id: row.id, lastUpdated: row.lastUpdated, variables: row.variables, strategyId: row.strategyId });
      }
    });
    insertAll(rows);
  } finally {
    database.close();
  }
}

/** Builds all rows, oldest first, as the bot inserted them over time, so the placeholder row comes first. */
function demoRows(nowMs: number): InsertRow[] {
  const nowMicros = BigInt(nowMs) * 1000n;
  const placeholder: InsertRow = {
    id: randomUUID(),
    lastUpdated: formatNewYorkWallText(nowMicros - secondsToMicros(PLACEHOLDER_AGE_SECONDS) + 417n),
    variables: PLACEHOLDER,
    strategyId: PLACEHOLDER,
    ageSeconds: PLACEHOLDER_AGE_SECONDS,
  };

  const strategyRows = DEMO_STRATEGIES.flatMap((strategy, strategyIndex) =>
    strategy.rows.map((row, rowIndex): InsertRow => {
      // Sub-millisecond digits vary per row, as real backups' time stamps do.
      const jitterMicros = BigInt((strategyIndex * 7 + rowIndex * 3 + 1) * 131);
      return {
        id: randomUUID(),
        lastUpdated: formatBotSqliteText(nowMicros - secondsToMicros(row.ageSeconds) + jitterMicros),
        variables: row.variables,
        strategyId: strategy.strategyId,
        ageSeconds: row.ageSeconds,
      };
    }),
  );

  strategyRows.sort((a, b) => b.ageSeconds - a.ageSeconds);
  return [placeholder, ...strategyRows];
}

function secondsToMicros(seconds: number): bigint {
  return BigInt(seconds) * 1_000_000n;
}

/** Removes a database file and the journal files SQLite keeps beside it. */
function removeSqliteFiles(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    rmSync(`${path}${suffix}`, { force: true });
  }
}
