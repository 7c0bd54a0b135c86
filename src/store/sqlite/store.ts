import { randomUUID } from 'node:crypto';
import { accessSync, closeSync, constants, existsSync, openSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

import Database from 'better-sqlite3';

import { NotFoundError, RuntimeFailure } from '../../errors.js';
import { quoteIdentifier, quoteTableName, rejectTemporaryTable, type TableName } from '../identifiers.js';
import { lastReadOf, versionOfRead, type LastRead } from '../last-read.js';
import { PLACEHOLDER } from '../placeholder.js';
import { restoreTextForSqlite } from '../restore.js';
import { buildTableInfo, requireBotColumns } from '../table.js';
import { formatBotSqliteText, formatNewYorkWallText, nowEpochMicros } from '../timestamp.js';
import type {
  BackupRow,
  ExpectedRow,
  ReplaceOptions,
  RestoreRow,
  Store,
  StrategyRows,
  StrategySummary,
  SwapResult,
  TableInfo,
  TextCheck,
  DeleteOptions,
  RowsCheck,
} from '../types.js';
import type { SqliteTarget } from '../url.js';
import { encodeEscaped } from '../utf8.js';
import { sqliteError } from './errors.js';
import {
  LAST_UPDATED_COLUMNS,
  SELECT_ROW_COLUMNS,
  STRATEGY_ID_IN_LIST,
  columnText,
  storedLastUpdated,
  strategyIdsParameter,
  textAsBytes,
  toBackupRow,
  toSqliteText,
  toTimestamp,
  type SqliteRow,
} from './rows.js';

export interface SqliteStoreOptions {
  readonly target: SqliteTarget;
  readonly table: TableName;
  readonly lockTimeoutMs: number;
  /**
   * Create a missing file, as the bot's first backup would, but readable by
   * its owner only since it contains the bots' state; only restore asks for this.
   */
  readonly createFile?: boolean;
  /** Whether a missing file is read as an empty in-memory database instead of failing. */
  readonly assumeEmpty?: boolean;
}

const ROW_COLUMNS = 'id, last_updated, variables, strategy_id';

// Page cache size of a restore in PRAGMA cache_size units (negative means
// KiB): SQLite's own default of about 2 MB. better-sqlite3 12 builds SQLite
// with 16 MB (SQLITE_DEFAULT_CACHE_SIZE=-16000). A restore writes each page
// once and never reads it again, so a larger cache only adds to its memory.
// NOTE: in rollback-journal mode, a transaction whose changes outgrow the
// cache spills pages and holds the exclusive lock until COMMIT, so readers
// such as the bot wait from then on. The smaller cache reaches that point
// after about 2 MB of rows instead of 16 MB.
const RESTORE_CACHE_SIZE = -2000;

/** The backup table in an SQLite file, through better-sqlite3. */
export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  readonly displayUrl: string;
  readonly tableName: string;

  private readonly db: Database.Database;
  private readonly table: TableName;
  private readonly quotedTable: string;
  private readonly lockTimeoutMs: number;
  /** The file this store created, removed again on close if nothing was written to it. */
  private readonly createdFile: string | undefined;
  readonly missingFile: string | undefined;
  private encodingChecked = false;
  /** The loaded row of the last readStrategy, with writeMark() in the transaction that read it. */
  private lastRead: LastRead | undefined;

  private constructor(db: Database.Database, options: SqliteStoreOptions, file: { createdFile?: string; missingFile?: string }) {
    this.db = db;
    this.table = options.table;
    this.quotedTable = quoteTableName(options.table);
    this.displayUrl = options.target.displayUrl;
    this.tableName = options.table.displayName;
    this.lockTimeoutMs = options.lockTimeoutMs;
    this.createdFile = file.createdFile;
    this.missingFile = file.missingFile;
  }

  /**
   * Opens an existing file. A missing one is created with `createFile`, or
   * read as an empty database with `assumeEmpty`, and is an error otherwise.
   */
  static open(options: SqliteStoreOptions): SqliteStore {
    const { file, displayUrl } = options.target;
    if (options.assumeEmpty === true && !existsSync(file)) {
      requireWritableFolder(file, displayUrl);
      const db = new Database(':memory:');
      db.defaultSafeIntegers(true);
      return new SqliteStore(db, options, { missingFile: file });
    }

    const created = !existsSync(file) && options.createFile === true && createEmptyFile(file, displayUrl);
    if (!existsSync(file)) {
      throw new NotFoundError(`SQLite database file not found: ${file} (from ${displayUrl})`, {
        hint: 'check the path: sqlite:///name.db is relative to the current directory, sqlite:////abs/name.db is absolute',
      });
    }
    if (statSync(file).isDirectory()) {
      throw new NotFoundError(`${file} is a directory, not an SQLite database file (from ${displayUrl})`, {
        hint: 'give the path of the database file itself',
      });
    }

    try {
      const db = new Database(file, { fileMustExist: true, timeout: options.lockTimeoutMs });
      db.defaultSafeIntegers(true);
      return new SqliteStore(db, options, { createdFile: created ? file : undefined });
    } catch (error) {
      throw sqliteError(error, { action: `open ${file}`, displayUrl, lockTimeoutMs: options.lockTimeoutMs });
    }
  }

  async describeTable(): Promise<TableInfo | null> {
    return this.run('read the table schema', () => this.describe());
  }

  async storesAnyBytes(): Promise<boolean> {
    return true;
  }

  async missingTableError(): Promise<Error> {
    return new NotFoundError(`table ${this.table.displayName} not found in ${this.displayUrl}`, { hint: this.missingTableHint() });
  }

  async textCheck(): Promise<TextCheck | null> {
    return null;
  }

  listSummaries(): Promise<StrategySummary[]>;
  listSummaries<T>(summarize: (summary: StrategySummary) => T): Promise<T[]>;
  async listSummaries<T>(summarize?: (summary: StrategySummary) => T): Promise<(T | StrategySummary)[]> {
    return this.run('list strategies', () => {
      this.requireTable();

      // The row each strategy's loader picks: `ORDER BY last_updated DESC`, so
      // SQLite's own text comparison, numbers below text, NULL last.
      // NOTE: among rows with equal last_updated, or all NULL, the window and
      // the bot's loader may each pick any one. Tests found them to agree,
      // but SQLite does not promise it.
      type SummaryRow = SqliteRow & { row_count: bigint; row_key: bigint; list_position: bigint; variables_bytes: bigint | null };
      const toSummary = (row: SummaryRow, variables: string | null): StrategySummary => ({
        strategyId: columnText(row.strategy_id) ?? '',
        rowCount: Number(row.row_count),
        lastUpdated: toTimestamp(row.last_updated),
        variablesBytes: row.variables_bytes === null ? null : Number(row.variables_bytes),
        variables,
      });

      // Each summary is made as its row arrives, and put at the place that
      // `ORDER BY strategy_id` gives it. The order is numbered over the names
      // alone, because sorting the joined rows would copy every text through
      // SQLite's sorter once more (about 15 ms for 10,000 strategies).
      const summaries: (T | StrategySummary)[] = [];
      const rows = this.db
        .prepare(
          `WITH ranked AS (
             SELECT rowid AS row_key, strategy_id,
                    count(*) OVER (PARTITION BY strategy_id) AS row_count,
                    row_number() OVER (PARTITION BY strategy_id ORDER BY last_updated DESC) AS position
             FROM ${this.quotedTable}
             WHERE strategy_id IS NOT NULL
           ),
           loaded AS (
             SELECT row_key, strategy_id, row_count, row_number() OVER (ORDER BY strategy_id) AS list_position
             FROM ranked WHERE position = 1
           )
           SELECT ${textAsBytes('loaded.strategy_id', 'strategy_id')}, loaded.row_count, loaded.row_key, loaded.list_position,
                  backup.last_updated,
                  length(CAST(backup.variables AS BLOB)) AS variables_bytes,
                  backup.variables AS variables
           FROM loaded JOIN ${this.quotedTable} AS backup ON backup.rowid = loaded.row_key`,
        )
        .iterate() as IterableIterator<SummaryRow>;

      for (const row of rows) {
        const summary = toSummary(row, this.summaryVariables(row));
        summaries[Number(row.list_position) - 1] = summarize === undefined ? summary : summarize(summary);
      }
      return summaries;
    });
  }

  /**
   * Returns a summary's variables. better-sqlite3 12 builds each string with
   * V8's UTF-8 decoder, which turns every invalid sequence into U+FFFD. So a
   * text without U+FFFD was valid UTF-8 and is used as is, and only a text
   * with U+FFFD is read again as bytes.
   */
  private summaryVariables(row: SqliteRow & { row_key: bigint }): string | null {
    if (typeof row.variables === 'string') {
      return row.variables.includes('\ufffd') ? toBackupRow(this.readVariablesBytes(row.row_key)).variables : row.variables;
    }
    return toBackupRow(row).variables;
  }

  /** Reads the variables of the row with this rowid as bytes, as `SELECT_ROW_COLUMNS` does. */
  private readVariablesBytes(rowKey: bigint): SqliteRow {
    const row = this.db
      .prepare(`SELECT ${textAsBytes('variables', 'variables')} FROM ${this.quotedTable} WHERE rowid = ?`)
      .get(rowKey) as { variables: unknown };
    return { id: null, last_updated: null, variables: row.variables, strategy_id: null };
  }

  async listStrategyIds(): Promise<string[]> {
    return this.run('list strategy names', () => {
      this.requireTable();
      const names = this.db
        .prepare(`SELECT DISTINCT ${textAsBytes('strategy_id', 'name')} FROM ${this.quotedTable} WHERE strategy_id IS NOT NULL ORDER BY name`)
        .pluck()
        .all() as unknown[];
      // Decoded as listSummaries decodes them, so both return the same names, bytes that are not UTF-8 included.
      return names.map((name) => columnText(name) ?? '');
    });
  }

  async readStrategy(strategyId: string): Promise<StrategyRows | null> {
    return this.run(`read strategy "${strategyId}"`, () => {
      this.requireTable();

      // The subquery is the bot's own loader query, so ties and mixed types
      // resolve exactly as the bot resolves them. Only the rowids are sorted,
      // and the rows are read one by one after that, in the same transaction
      // so that no write comes in between. Sorting whole rows copied every
      // variables text through SQLite's sorter, which made reading a 10 MB
      // state about ten times slower.
      // NOTE: this needs rowid, so a WITHOUT ROWID table cannot be read; the
      // bot's own table always has one.
      const readRows = this.db.transaction(() => {
        const order = this.db
          .prepare(
            `SELECT rowid AS row_key,
                    rowid = (SELECT rowid FROM ${this.quotedTable} WHERE strategy_id = CAST(@strategy AS TEXT)
                             ORDER BY last_updated DESC LIMIT 1) AS loaded
             FROM ${this.quotedTable}
             WHERE strategy_id = CAST(@strategy AS TEXT)
             ORDER BY last_updated DESC`,
          )
          .all({ strategy: toSqliteText(strategyId) }) as { row_key: bigint; loaded: bigint }[];

        const readRow = this.db.prepare(`SELECT ${SELECT_ROW_COLUMNS} FROM ${this.quotedTable} WHERE rowid = ?`);
        const found = order.map(({ row_key, loaded }) => ({ ...(readRow.get(row_key) as SqliteRow), loaded }));
        return { found, writes: this.writeMark() };
      });
      const { found, writes } = readRows();

      if (found.length === 0) {
        this.lastRead = undefined;
        return null;
      }
      const loadedIndex = Math.max(
        found.findIndex((row) => row.loaded === 1n),
        0,
      );
      const rows = found.map(toBackupRow);
      const loaded = rows[loadedIndex] as BackupRow;
      this.lastRead = lastReadOf(strategyId, loaded, writes);
      return { strategyId, rows, loadedIndex };
    });
  }

  async compareAndSwap(strategyId: string, expected: ExpectedRow, variables: string): Promise<SwapResult> {
    return this.run(`update strategy "${strategyId}"`, () => {
      this.requireTable();

      const swap = this.db.transaction((): SwapResult => {
        if (!this.unchangedSinceRead(strategyId, expected) && !this.loadedRowMatches(strategyId, expected)) {
          return { status: 'conflict', current: this.loadedRow(strategyId) };
        }

        const lastUpdated = formatBotSqliteText(nowEpochMicros());
        const result = this.db
          .prepare(`UPDATE ${this.quotedTable} SET last_updated = ?, variables = CAST(? AS TEXT) WHERE strategy_id = CAST(? AS TEXT)`)
          .run(lastUpdated, toSqliteText(variables), toSqliteText(strategyId));

        return { status: 'updated', rowsUpdated: result.changes, lastUpdated: toTimestamp(lastUpdated) };
      });

      // BEGIN IMMEDIATE takes the write lock before the read, so no other
      // writer can change the row between the check and the update.
      return swap.immediate();
    });
  }

  async insertStrategy(strategyId: string, variables: string): Promise<BackupRow> {
    return this.run(`insert strategy "${strategyId}"`, () => {
      this.requireTable();

      const id = randomUUID();
      const lastUpdated = formatBotSqliteText(nowEpochMicros());
      this.db
        .prepare(`INSERT INTO ${this.quotedTable} (${ROW_COLUMNS}) VALUES (?, ?, CAST(? AS TEXT), CAST(? AS TEXT))`)
        .run(id, lastUpdated, toSqliteText(variables), toSqliteText(strategyId));

      return { id, lastUpdated: toTimestamp(lastUpdated), variables, strategyId };
    });
  }

  async deleteStrategies(strategyIds: readonly string[], options: DeleteOptions = {}): Promise<number> {
    return this.run('delete strategies', () => {
      this.requireTable();

      // BEGIN IMMEDIATE takes the write lock before the check reads the rows.
      const remove = this.db.transaction((): number => {
        this.checkRows(strategyIds, options.check);
        return this.deleteRows(strategyIds);
      });
      return remove.immediate();
    });
  }

  async *streamRows(strategyIds?: readonly string[]): AsyncIterable<BackupRow> {
    const rows = this.run('read rows', () => {
      this.requireTable();
      return this.iterateRows(strategyIds);
    });

    // NOTE: the connection is busy until the iteration ends, so calling
    // another method of this store from inside the loop throws.
    try {
      while (true) {
        const next = this.run('read rows', () => rows.next());
        if (next.done === true) {
          return;
        }
        yield toBackupRow(next.value as SqliteRow);
      }
    } finally {
      rows.return?.();
    }
  }

  async replaceStrategies(strategyIds: readonly string[], rows: AsyncIterable<RestoreRow>, options: ReplaceOptions = {}): Promise<number> {
    const cacheSize: unknown = this.run('read the page cache size', () => this.db.pragma('cache_size', { simple: true }));
    this.run('set the page cache size', () => this.db.pragma(`cache_size = ${RESTORE_CACHE_SIZE}`));
    try {
      return await this.replaceInTransaction(strategyIds, rows, options);
    } finally {
      if (this.db.open) {
        this.db.pragma(`cache_size = ${String(cacheSize)}`);
      }
    }
  }

  async checkRestore(): Promise<void> {
    rejectTemporaryTable(this.table, this.dialect);

    // The restore's first steps run in a transaction that is rolled back, so
    // a failure reads as in the restore and the file keeps its contents. A
    // table that exists gets a scratch table instead, because a write to the
    // file is what finds a read-only file or a folder where SQLite cannot
    // create its journal. BEGIN IMMEDIATE waits for the write lock as the
    // restore does: a read transaction that then wants to write gets
    // SQLITE_BUSY at once, without waiting.
    this.run('start the restore transaction', () => this.db.exec('BEGIN IMMEDIATE'));
    this.run('prepare the table', () => {
      try {
        if (this.describe() === null) {
          this.createBotTable();
        } else {
          this.db.exec(`CREATE TABLE ${quoteIdentifier(this.table.schema ?? 'main')}.${quoteIdentifier(`varsctl_check_${randomUUID()}`)} (x)`);
        }
        requireBotColumns(this.requireTable());
      } finally {
        // SQLite has already rolled back after some errors, such as a full disk.
        if (this.db.inTransaction) {
          this.db.exec('ROLLBACK');
        }
      }
    });
  }

  private async replaceInTransaction(strategyIds: readonly string[], rows: AsyncIterable<RestoreRow>, options: ReplaceOptions): Promise<number> {
    this.run('start the restore transaction', () => this.db.exec('BEGIN IMMEDIATE'));

    try {
      this.run('prepare the table', () => {
        if (this.describe() === null) {
          this.createBotTable();
          if (!strategyIds.includes(PLACEHOLDER)) {
            // pandas writes the placeholder's time as New York wall time without an offset.
            this.db
              .prepare(`INSERT INTO ${this.quotedTable} (${ROW_COLUMNS}) VALUES (?, ?, ?, ?)`)
              .run(randomUUID(), formatNewYorkWallText(nowEpochMicros()), PLACEHOLDER, PLACEHOLDER);
          }
        }
        requireBotColumns(this.requireTable());

        this.checkRows(strategyIds, options.check);
        this.deleteRows(strategyIds);
      });

      // One prepared statement, run once per row: a row is written as soon
      // as it is read, so memory and the time to notice an interrupt do not
      // grow with the size of a batch. CAST(? AS TEXT) stores escaped bytes
      // (see utf8.ts) as the original TEXT bytes.
      const insert = this.run('prepare the insert', () =>
        this.db.prepare(
          `INSERT INTO ${this.quotedTable} (${ROW_COLUMNS}) VALUES (CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT))`,
        ),
      );
      let inserted = 0;
      for await (const row of rows) {
        const values = [row.id, restoreTextForSqlite(row), row.variables, row.strategyId].map(toSqliteText);
        inserted += this.run('insert rows', () => insert.run(...values).changes);
      }
      options.signal?.throwIfAborted();

      this.run('commit the restore', () => this.db.exec('COMMIT'));
      return inserted;
    } catch (error) {
      if (this.db.inTransaction) {
        this.db.exec('ROLLBACK');
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.db.open) {
      this.db.close();
    }

    // A restore that failed before writing leaves the file it created empty:
    // remove it, so the next command reports a missing file, not a missing table.
    if (this.createdFile !== undefined && existsSync(this.createdFile) && statSync(this.createdFile).size === 0) {
      rmSync(this.createdFile, { force: true });
    }
  }

  private describe(): TableInfo | null {
    this.requireUtf8();

    const schema = this.table.schema ?? 'main';
    if (!this.hasDatabase(schema)) {
      return null;
    }

    const columns = this.db
      .prepare('SELECT name, type, pk FROM pragma_table_info(?, ?) ORDER BY cid')
      .all(this.table.name, schema) as { name: string; type: string; pk: bigint }[];

    if (columns.length === 0) {
      return null;
    }

    const described = columns.map((column) => ({ name: column.name, declaredType: column.type }));
    const hasPrimaryKey = columns.some((column) => column.pk > 0n);
    return buildTableInfo('sqlite', this.table.displayName, described, hasPrimaryKey);
  }

  private requireTable(): TableInfo {
    const info = this.describe();
    if (info === null) {
      throw new NotFoundError(`table ${this.table.displayName} not found in ${this.displayUrl}`, { hint: this.missingTableHint() });
    }
    requireBotColumns(info);
    return info;
  }

  /**
   * Explains a missing table. In SQLite the part of --table before the dot
   * names an attached database, not a schema such as PostgreSQL's `public`.
   */
  private missingTableHint(): string {
    const schema = this.table.schema;
    if (schema !== undefined && !this.hasDatabase(schema)) {
      return (
        `an SQLite file has no schema ${JSON.stringify(schema)}: the part before the dot names an attached database ` +
        `(main, the file itself, or temp), so give the table alone: --table ${/^\w+$/.test(this.table.name) ? this.table.name : JSON.stringify(this.table.name)}`
      );
    }
    return 'check --table and the database URL; the bot creates vars_backup on its first backup';
  }

  /**
   * Tells whether `name` is a database of this connection: main, temp or an
   * attached one. temp is always there, though pragma_database_list lists it
   * only once it contains a table.
   */
  private hasDatabase(name: string): boolean {
    return name.toLowerCase() === 'temp' || this.db.prepare('SELECT 1 FROM pragma_database_list WHERE name = ? COLLATE NOCASE').get(name) !== undefined;
  }

  /**
   * Tells whether the expected row is the loaded row of the last
   * readStrategy and no write reached the table's database since, by this
   * connection or any other. Then the row is known to match without
   * comparing its 10 MB of text again.
   */
  private unchangedSinceRead(strategyId: string, expected: ExpectedRow): boolean {
    const readMark = versionOfRead(this.lastRead, strategyId, expected);
    return readMark !== undefined && readMark === this.writeMark();
  }

  /**
   * Returns a mark that changes whenever a write is committed to the table's
   * database. SQLite's data_version changes with every commit by another
   * connection, and total_changes() with every row this connection changes.
   */
  private writeMark(): string {
    const schema = quoteIdentifier(this.table.schema ?? 'main');
    const version = this.db.pragma(`${schema}.data_version`, { simple: true }) as bigint;
    const ownChanges = this.db.prepare('SELECT total_changes()').pluck().get() as bigint;
    return `${version}:${ownChanges}`;
  }

  /**
   * Checks that the row the loader picks still has the expected
   * `last_updated` and `variables`. SQLite compares the stored bytes with
   * the bytes the text was read from, bound as a BLOB, so a 10 MB text is
   * not decoded into a string once more. A bound string would be converted
   * to the file's encoding, which differs from a BLOB's bytes in a UTF-16 file.
   */
  private loadedRowMatches(strategyId: string, expected: ExpectedRow): boolean {
    const row = this.db
      .prepare(
        `SELECT ${LAST_UPDATED_COLUMNS}, CAST(variables AS BLOB) IS CAST(? AS BLOB) AS same_variables
         FROM ${this.quotedTable} WHERE strategy_id = CAST(? AS TEXT) ORDER BY last_updated DESC LIMIT 1`,
      )
      .get(expected.variables === null ? null : encodeEscaped(expected.variables), toSqliteText(strategyId)) as
      | { last_updated: unknown; last_updated_bytes: unknown; same_variables: bigint | number }
      | undefined;
    if (row === undefined || Number(row.same_variables) !== 1) {
      return false;
    }

    // Compared as stored text, never through a Date, so microseconds and offsets count.
    return storedLastUpdated(row)?.text === expected.lastUpdated?.text;
  }

  private loadedRow(strategyId: string): BackupRow | null {
    const row = this.db
      .prepare(`SELECT ${SELECT_ROW_COLUMNS} FROM ${this.quotedTable} WHERE strategy_id = CAST(? AS TEXT) ORDER BY last_updated DESC LIMIT 1`)
      .get(toSqliteText(strategyId)) as SqliteRow | undefined;
    return row === undefined ? null : toBackupRow(row);
  }

  /**
   * Rejects a file that stores text as UTF-16. varsctl reads every text as
   * UTF-8 bytes, so it would misread every row there. Python's sqlite3,
   * which the bot's pandas and SQLAlchemy use, creates UTF-8 files.
   */
  private requireUtf8(): void {
    if (this.encodingChecked) {
      return;
    }
    const encoding: unknown = this.db.pragma('encoding', { simple: true });
    if (encoding !== 'UTF-8') {
      throw new RuntimeFailure(`${this.displayUrl} stores text as ${String(encoding)}, and varsctl reads only UTF-8 SQLite files`, {
        hint: 'copy it into a UTF-8 file first: sqlite3 OLD.db .dump | sqlite3 NEW.db (a new file is UTF-8), and use NEW.db',
      });
    }
    this.encodingChecked = true;
  }

  /** Creates the table as pandas `to_sql` creates it for the bot: no key, an index on id. */
  private createBotTable(): void {
    const index = quoteIdentifier(`ix_${this.table.name}_id`);
    const qualifiedIndex = this.table.schema === undefined ? index : `${quoteIdentifier(this.table.schema)}.${index}`;

    this.db.exec(
      `CREATE TABLE ${this.quotedTable} (\n\tid TEXT, \n\tlast_updated TIMESTAMP, \n\tvariables TEXT, \n\tstrategy_id TEXT\n)`,
    );
    this.db.exec(`CREATE INDEX ${qualifiedIndex} ON ${quoteIdentifier(this.table.name)} (id)`);
  }

  /** Passes the strategies' rows to `check`, inside the caller's transaction. */
  private checkRows(strategyIds: readonly string[], check: RowsCheck | undefined): void {
    if (check === undefined) {
      return;
    }
    for (const row of this.iterateRows(strategyIds)) {
      check.row(toBackupRow(row as SqliteRow));
    }
    check.end();
  }

  /**
   * Iterates the rows of these strategies, or of every strategy, in storage
   * order, which needs no sort, so memory stays bounded for any table size.
   */
  private iterateRows(strategyIds?: readonly string[]): IterableIterator<unknown> {
    // NOTE: rows whose strategy_id is NULL are left out; the bot never loads them.
    const filter = strategyIds === undefined ? 'strategy_id IS NOT NULL' : STRATEGY_ID_IN_LIST;
    const statement = this.db.prepare(`SELECT ${SELECT_ROW_COLUMNS} FROM ${this.quotedTable} WHERE ${filter} ORDER BY rowid`);
    return strategyIds === undefined ? statement.iterate() : statement.iterate(strategyIdsParameter(strategyIds));
  }

  /**
   * Deletes every row of these strategies in one statement: the bot's table
   * has no index on strategy_id, so each statement scans the whole table.
   */

  private deleteRows(strategyIds: readonly string[]): number {
    const statement = this.db.prepare(`DELETE FROM ${this.quotedTable} WHERE ${STRATEGY_ID_IN_LIST}`);
    return statement.run(strategyIdsParameter(strategyIds)).changes;
  }

  /** Runs a database step and turns driver errors into varsctl errors. */
  private run<T>(action: string, step: () => T): T {
    try {
      return step();
    } catch (error) {
      throw sqliteError(error, { action, displayUrl: this.displayUrl, lockTimeoutMs: this.lockTimeoutMs });
    }
  }
}

/**
 * Throws what creating the file would throw when its folder is missing or
 * this user may not write to it, for a dry run that creates nothing.
 */
function requireWritableFolder(file: string, displayUrl: string): void {
  requireFolder(file, displayUrl);
  try {
    accessSync(path.dirname(file), constants.W_OK);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw cannotCreate(file, displayUrl, code === 'EROFS' ? 'EROFS' : 'EACCES', error);
  }
}

/** Builds the error for a database file that this user may not create. */
function cannotCreate(file: string, displayUrl: string, code: string, error: unknown): RuntimeFailure {
  const reason = code === 'EROFS' ? 'its file system is mounted read-only' : `this user may not write to folder ${path.dirname(file)}`;
  return new RuntimeFailure(`cannot create SQLite database file ${file}: ${reason} (from ${displayUrl})`, {
    hint: 'run varsctl as a user who may write there, or name a file in a writable folder in the URL',
    cause: error,
  });
}

/** Throws NotFoundError when the folder that would hold a new database file does not exist. */
function requireFolder(file: string, displayUrl: string): void {
  const folder = path.dirname(file);
  if (!existsSync(folder)) {
    throw new NotFoundError(`cannot create SQLite database file ${file}: folder ${folder} does not exist (from ${displayUrl})`, {
      hint: `create the folder first (mkdir -p ${folder}), or check the path in the URL`,
    });
  }
}

/** Creates an empty file; returns false when another process created it first. */
function createEmptyFile(file: string, displayUrl: string): boolean {
  requireFolder(file, displayUrl);

  // 'wx' never truncates a file that appeared in between.
  try {
    closeSync(openSync(file, 'wx', 0o600));
    return true;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'EEXIST') {
      return false;
    }
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw cannotCreate(file, displayUrl, code, error);
    }
    throw sqliteError(error, { action: `create ${file}`, displayUrl, lockTimeoutMs: 0 });
  }
}

