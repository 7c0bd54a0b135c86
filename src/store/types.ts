/**
 * The repository contract over the backup table. One adapter per database
 * (PostgreSQL through `pg`, SQLite through better-sqlite3) implements `Store`
 * with the same behaviour, so commands never branch on the dialect.
 */

export type Dialect = 'postgresql' | 'sqlite';

/**
 * `last_updated` exactly as stored, never a JS `Date`.
 * - `text`: full precision, independent of any session or process time zone.
 *   SQLite: the stored text byte for byte. PostgreSQL timestamptz: the instant
 *   in UTC as `YYYY-MM-DD HH:MM:SS.ffffff+00:00`; timestamp without time zone:
 *   `YYYY-MM-DD HH:MM:SS.ffffff`.
 * - `epochMicros`: the instant, when the text can be read as one (naive values
 *   are New York wall time, as the bot's placeholder row writes them).
 * - `dialect`: the database the text comes from, because its form depends on
 *   it. Stores always set it; a restore treats a missing one as its own dialect.
 */
export interface Timestamp {
  readonly text: string;
  readonly epochMicros: bigint | null;
  readonly dialect?: Dialect;
}

export interface BackupRow {
  readonly id: string | null;
  readonly lastUpdated: Timestamp | null;
  /** The `variables` text byte for byte; null for SQL NULL. */
  readonly variables: string | null;
  readonly strategyId: string;
}

/** One strategy for `list`: its rows counted, the row the bot loads summarised. */
export interface StrategySummary {
  readonly strategyId: string;
  readonly rowCount: number;
  /** `last_updated` of the row the bot loads. */
  readonly lastUpdated: Timestamp | null;
  /** Size in bytes (UTF-8) of the loaded row's `variables`, null for SQL NULL. */
  readonly variablesBytes: number | null;
  /** The loaded row's `variables` text, to count keys and check it parses. */
  readonly variables: string | null;
}

/** All rows of one strategy, and which of them the bot's loader picks. */
export interface StrategyRows {
  readonly strategyId: string;
  readonly rows: readonly BackupRow[];
  /** Index into `rows` of the row `ORDER BY last_updated DESC LIMIT 1` returns. */
  readonly loadedIndex: number;
}

/** Row a compare-and-swap expects to find: the loaded row as the caller read it. */
export interface ExpectedRow {
  readonly lastUpdated: Timestamp | null;
  readonly variables: string | null;
}

export type SwapResult =
  | { readonly status: 'updated'; readonly rowsUpdated: number; readonly lastUpdated: Timestamp }
  | { readonly status: 'conflict'; readonly current: BackupRow | null };

export type ColumnKind = 'text' | 'varchar' | 'jsonb' | 'json' | 'timestamptz' | 'timestamp' | 'other';

export interface TableInfo {
  /** As the user named it, for messages. */
  readonly displayName: string;
  readonly columns: ReadonlyMap<string, { readonly declaredType: string; readonly kind: ColumnKind }>;
  readonly hasPrimaryKey: boolean;
  /** Problems that do not stop varsctl but matter to the bot (a jsonb `variables` column). */
  readonly warnings: readonly string[];
}

/**
 * A row to write back from an export. `lastUpdated` converts across dialects:
 * SQLite to SQLite keeps the exact text, and every other pair writes the
 * instant (`epochMicros`) in the target's own form.
 */
export interface RestoreRow {
  readonly id: string | null;
  readonly lastUpdated: Timestamp | null;
  readonly variables: string | null;
  readonly strategyId: string;
}

/**
 * A check of the rows a write is about to delete, run inside the write's
 * transaction once those rows are locked, so that no other writer can
 * change them before the commit. `row` gets each row of the strategies,
 * and `end`, called after the last, throws to roll the write back.
 */
export interface RowsCheck {
  row(row: BackupRow): void;
  end(): void;
}

export interface DeleteOptions {
  readonly check?: RowsCheck;
}

export interface ReplaceOptions extends DeleteOptions {
  /**
   * Checked once more before COMMIT, because an abort (Ctrl-C) that arrives
   * while the last batch is written is not seen by the loop over `rows`.
   */
  readonly signal?: AbortSignal;
}

/** See Store.textCheck. */
export type TextCheck = (text: string) => Promise<string | null>;

export interface Store {
  readonly dialect: Dialect;
  /** The connection URL with its password masked, for messages. */
  readonly displayUrl: string;
  readonly tableName: string;
  /** The path of an SQLite file that does not exist, which the store reads as an empty database. */
  readonly missingFile?: string;

  /** Null when the table does not exist. Never creates or alters anything. */
  describeTable(): Promise<TableInfo | null>;

  /** Builds the error for a missing table, with a hint that names a table of another case when there is one. */
  missingTableError(): Promise<Error>;

  /**
   * Whether a text that is not valid UTF-8 is written with its exact bytes:
   * always in SQLite, and in PostgreSQL only in a SQL_ASCII database, which
   * stores bytes unchecked. Other databases would reject or replace them.
   */
  storesAnyBytes(): Promise<boolean>;

  /**
   * Returns a check of one text against the database's encoding, or null
   * when the database stores every valid text: SQLite, and PostgreSQL
   * databases in UTF8 or SQL_ASCII. The check resolves to null for a text
   * the database can store, and otherwise to the server's reason, such as
   * a character that LATIN1 lacks.
   */
  textCheck(): Promise<TextCheck | null>;

  /**
   * Summarises every strategy. With `summarize`, each summary goes to it as
   * its row arrives and only what it returns is kept, so a caller that
   * drops the variables text does not hold every text of the table at once.
   * Throws NotFoundError when the table is missing.
   */
  listSummaries(): Promise<StrategySummary[]>;
  listSummaries<T>(summarize: (summary: StrategySummary) => T): Promise<T[]>;

  /**
   * Every distinct non-NULL strategy_id, sorted, without reading any
   * variables text. Throws NotFoundError when the table is missing.
   */
  listStrategyIds(): Promise<string[]>;

  /** Null when no row has this exact strategy_id. */
  readStrategy(strategyId: string): Promise<StrategyRows | null>;

  /**
   * In one transaction: lock the strategy's rows, check the loaded row still
   * matches `expected`, then update `variables` and `last_updated` of every
   * row of the strategy as the bot does.
   */
  compareAndSwap(strategyId: string, expected: ExpectedRow, variables: string): Promise<SwapResult>;

  /** Insert one new row as the bot would: uuid4 id, last_updated now in New York. */
  insertStrategy(strategyId: string, variables: string): Promise<BackupRow>;

  /** Delete every row of these strategies in one transaction; returns rows deleted. */
  deleteStrategies(strategyIds: readonly string[], options?: DeleteOptions): Promise<number>;

  /** Stream rows (all, or of the named strategies) with bounded memory. */
  streamRows(strategyIds?: readonly string[]): AsyncIterable<BackupRow>;

  /**
   * In one transaction: create the table as the bot would if it is missing
   * (with its placeholder row, unless `strategyIds` names the placeholder),
   * delete the existing rows of every strategy in `strategyIds`, then insert
   * `rows`. Returns the rows inserted from `rows`. Rolls back entirely on any failure, and when
   * `options.signal` has aborted by the time the last row is written.
   */
  replaceStrategies(strategyIds: readonly string[], rows: AsyncIterable<RestoreRow>, options?: ReplaceOptions): Promise<number>;

  /**
   * Fails as replaceStrategies would fail before it writes a row, and leaves
   * nothing behind. It rejects a table in a temporary schema, which would
   * vanish when the store closes. It fails where a missing table cannot be
   * created (no such schema or attached database, no privilege, a name
   * taken), where rows may not be deleted or inserted, and where this user
   * may not write the file or its folder. restore checks this before it
   * plans, so that a dry run reports what the real run would hit.
   */
  checkRestore(): Promise<void>;

  close(): Promise<void>;
}
