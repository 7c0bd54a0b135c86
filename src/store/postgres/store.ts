import { createHash, randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';

import pg from 'pg';

import { ConflictError, NotFoundError, UsageError } from '../../errors.js';
import { displayPart, quoteIdentifier, quoteTableName, rejectTemporaryTable, temporaryTableError, type TableName } from '../identifiers.js';
import { lastReadOf, versionOfRead, type LastRead } from '../last-read.js';
import { PLACEHOLDER } from '../placeholder.js';
import { restoreTextForPostgres } from '../restore.js';
import { buildTableInfo, requireBotColumns } from '../table.js';
import { formatNewYorkWallText, formatUtcText, nowEpochMicros } from '../timestamp.js';
import type {
  BackupRow,
  ColumnKind,
  ExpectedRow,
  ReplaceOptions,
  RestoreRow,
  Store,
  StrategyRows,
  StrategySummary,
  SwapResult,
  DeleteOptions,
  RowsCheck,
  TableInfo,
  TextCheck,
} from '../types.js';
import { secretsOf, type PostgresTarget } from '../url.js';
import { encodeEscaped, invalidUtf8Offset } from '../utf8.js';
import { connect } from './connect.js';
import { binaryCopyTuples } from './copy-binary.js';
import { copyTextChunks } from './copy-text.js';
import { postgresError } from './errors.js';
import { columnText, lastUpdatedText, rowColumns, textColumn, toBackupRow, toTimestamp, type ColumnText, type PostgresRow } from './rows.js';

// A tuple's place (its table or partition, that table's file and its slot
// there) and the transaction that wrote it. A slot contains one tuple at a time
// and a later tuple in it has a later xmin, while VACUUM FULL and CLUSTER
// keep xmin but write a new file. So an equal version means the very tuple
// that was read. ctid and xmin alone are not enough: the rows of one
// transaction share an xmin, and a rewritten file reuses ctids. The number
// of the variables column is part of it too, because renaming columns, or
// dropping and adding one, changes what the tuple reads as variables
// without writing the tuple.
const TUPLE_VERSION = `tableoid::text || '/' || pg_relation_filenode(tableoid)::text || '/' || ctid::text || '/' || xmin::text
  || '/' || (SELECT attnum FROM pg_attribute WHERE attrelid = tableoid AND attname = 'variables')::text`;

interface CurrentLoadedRow {
  readonly last_updated: ColumnText;
  readonly tuple_version: string;
  /** Null when the tuple version is the one the expected row was read from. */
  readonly variables_sha256: string | null;
}

export interface PostgresStoreOptions {
  readonly target: PostgresTarget;
  readonly table: TableName;
  readonly lockTimeoutMs: number;
}

// Rows of the first cursor batch while streaming named strategies, and the
// bytes of variables later batches aim at.
const FIRST_BATCH_ROWS = 16;
const STREAM_BATCH_BYTES = 1024 * 1024;

// SQLSTATEs of a text that the database's encoding cannot hold.
const UNTRANSLATABLE_CHARACTER = '22P05';
const CHARACTER_NOT_IN_REPERTOIRE = '22021';

// Limits of one multi-row INSERT in a restore: rows, and bytes of variables.
const INSERT_BATCH_ROWS = 500;
const INSERT_BATCH_BYTES = 4 * 1024 * 1024;

/**
 * The backup table in PostgreSQL, through node-pg. Every value is bound as a
 * parameter, every name goes through `quoteIdentifier`, and the only session
 * settings are `SET LOCAL` equivalents inside transactions, so PgBouncer in
 * transaction mode works.
 */
export class PostgresStore implements Store {
  readonly dialect = 'postgresql' as const;
  readonly displayUrl: string;
  readonly tableName: string;

  private readonly target: PostgresTarget;
  private readonly table: TableName;
  private readonly quotedTable: string;
  private readonly lockTimeoutMs: number;
  private client: pg.Client | undefined;
  private tableInfo: TableInfo | undefined;
  /** True in a SQL_ASCII database, whose texts are selected as bytes (see textColumn). */
  private textAsBytes = false;
  /** The database's encoding, as describe read it; undefined before the first describe. */
  private serverEncoding: string | undefined;
  /** The loaded row of the last readStrategy, with the tuple version it was read from. */
  private lastRead: LastRead | undefined;

  private constructor(client: pg.Client, options: PostgresStoreOptions) {
    this.client = client;
    this.target = options.target;
    this.table = options.table;
    this.quotedTable = quoteTableName(options.table);
    this.displayUrl = options.target.displayUrl;
    this.tableName = options.table.displayName;
    this.lockTimeoutMs = options.lockTimeoutMs;
  }

  /** Connects once, so a wrong URL fails before any command starts its work. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const client = await connect(options.target, { lockTimeoutMs: options.lockTimeoutMs });
    return new PostgresStore(client, options);
  }

  async describeTable(): Promise<TableInfo | null> {
    return this.run('read the table schema', (client) => this.describe(client));
  }

  async missingTableError(): Promise<Error> {
    const similar = await this.run('look for similar table names', (client) => this.tablesOfOtherCase(client));
    const suggestion =
      similar.length > 0
        ? `did you mean --table ${similar.join(' or --table ')}? Names match exactly, and PostgreSQL keeps the case of a quoted name`
        : 'check --table and the database URL; the bot creates vars_backup on its first backup';
    return new NotFoundError(`table ${this.table.displayName} not found in ${this.displayUrl}`, { hint: suggestion });
  }

  /** Reads the server encoding unless a describe already has: it does so whether or not the table exists. */
  private async readServerEncoding(): Promise<void> {
    if (this.serverEncoding === undefined) {
      await this.describeTable();
    }
  }

  /** Lists visible tables whose schema and name equal the requested ones but for case. */
  private async tablesOfOtherCase(client: pg.Client): Promise<string[]> {
    const result = await client.query<{ schema: string; name: string; visible: boolean }>(
      `SELECT n.nspname AS schema, c.relname AS name, pg_table_is_visible(c.oid) AS visible
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p', 'v', 'f') AND lower(c.relname) = lower($1)
         AND ($2::text IS NULL OR lower(n.nspname) = lower($2))
       ORDER BY n.nspname, c.relname
       LIMIT 3`,
      [this.table.name, this.table.schema ?? null],
    );
    return result.rows
      .filter((row) => this.table.schema !== undefined || row.visible)
      .map((row) => (this.table.schema === undefined ? displayPart(row.name) : `${displayPart(row.schema)}.${displayPart(row.name)}`));
  }

  async storesAnyBytes(): Promise<boolean> {
    await this.readServerEncoding();
    return this.textAsBytes;
  }

  async textCheck(): Promise<TextCheck | null> {
    await this.readServerEncoding();
    if (this.serverEncoding === 'UTF8' || this.textAsBytes) {
      return null;
    }

    // The server converts a bound parameter from the client's UTF-8 into
    // its own encoding when it receives it, so binding the text is the check.
    return (text) =>
      this.run('check a text against the database encoding', async (client) => {
        try {
          await client.query('SELECT $1::text IS NULL AS missing', [text]);
          return null;
        } catch (error) {
          if (error instanceof pg.DatabaseError && (error.code === UNTRANSLATABLE_CHARACTER || error.code === CHARACTER_NOT_IN_REPERTOIRE)) {
            return error.message;
          }
          throw error;
        }
      });
  }

  listSummaries(): Promise<StrategySummary[]>;
  listSummaries<T>(summarize: (summary: StrategySummary) => T): Promise<T[]>;
  async listSummaries<T>(summarize?: (summary: StrategySummary) => T): Promise<(T | StrategySummary)[]> {
    return this.inTransaction('list strategies', async (client) => {
      const info = await this.requireTable(client);

      // The row each strategy's loader picks: ORDER BY last_updated DESC, by
      // instant, with NULL first as PostgreSQL sorts it under DESC. The
      // window sorts only names, times and ctids, and the chosen rows' texts
      // are then fetched by ctid, and by tableoid because every partition of
      // a partitioned table numbers its own ctids. Sorting whole texts
      // spilled to disk beyond work_mem (4 MB by default), so it took about
      // twice as long for 10,000 strategies of 2 KB. The medians were 87 and
      // 48 ms over 11 runs of EXPLAIN ANALYZE on PostgreSQL 15, on a shared
      // 2-core machine.
      // NOTE: among rows with equal last_updated the sort picks any one, as
      // the bot's loader does.
      const asBytes = this.textAsBytes;
      const sql = `SELECT ${textColumn('ranked.strategy_id', asBytes)} AS strategy_id, ranked.row_count,
                ${textColumn(lastUpdatedText(info, 'backup.last_updated'), asBytes)} AS last_updated,
                octet_length(backup.variables::text) AS variables_bytes, ${textColumn('backup.variables::text', asBytes)} AS variables
         FROM (
           SELECT tableoid AS row_table, ctid AS row_ctid, strategy_id::text AS strategy_id,
                  count(*) OVER (PARTITION BY strategy_id) AS row_count,
                  row_number() OVER (PARTITION BY strategy_id ORDER BY last_updated DESC) AS position
           FROM ${this.quotedTable}
           WHERE strategy_id IS NOT NULL
         ) AS ranked
         JOIN ${this.quotedTable} AS backup ON backup.ctid = ranked.row_ctid AND backup.tableoid = ranked.row_table
         WHERE ranked.position = 1
         ORDER BY ranked.strategy_id`;

      const summaries: (T | StrategySummary)[] = [];
      await eachRow<PostgresRow & { row_count: string; variables_bytes: number | null }>(client, sql, (row) => {
        const summary = {
          strategyId: columnText(row.strategy_id) ?? '',
          rowCount: Number(row.row_count),
          lastUpdated: toTimestamp(columnText(row.last_updated)),
          variablesBytes: row.variables_bytes === null ? null : Number(row.variables_bytes),
          variables: columnText(row.variables),
        };
        summaries.push(summarize === undefined ? summary : summarize(summary));
      });
      return summaries;
    });
  }

  async listStrategyIds(): Promise<string[]> {
    return this.inTransaction('list strategy names', async (client) => {
      await this.requireTable(client);
      const result = await client.query<{ strategy_id: string | Buffer }>(
        `SELECT ${textColumn('name', this.textAsBytes)} AS strategy_id
         FROM (SELECT DISTINCT strategy_id::text AS name FROM ${this.quotedTable} WHERE strategy_id IS NOT NULL) AS names
         ORDER BY name`,
      );
      return result.rows.map((row) => columnText(row.strategy_id) ?? '');
    });
  }

  async readStrategy(strategyId: string): Promise<StrategyRows | null> {
    return this.inTransaction(`read strategy "${strategyId}"`, async (client) => {
      const info = await this.requireTable(client);

      // The subquery is the bot's own loader query, so ties resolve as the bot
      // resolves them. A row is named by tableoid and ctid, because every
      // partition of a partitioned table numbers its own ctids.
      const result = await client.query<PostgresRow & { loaded: boolean; tuple_version: string }>(
        `SELECT ${rowColumns(info, this.textAsBytes)}, ${TUPLE_VERSION} AS tuple_version,
                (tableoid, ctid) = (SELECT tableoid, ctid FROM ${this.quotedTable} WHERE ${this.strategyIs('$1')}
                                    ORDER BY last_updated DESC LIMIT 1) AS loaded
         FROM ${this.quotedTable}
         WHERE ${this.strategyIs('$1')}
         ORDER BY last_updated DESC`,
        [this.nameParameter(strategyId)],
      );

      if (result.rows.length === 0) {
        this.lastRead = undefined;
        return null;
      }
      const loadedIndex = Math.max(
        result.rows.findIndex((row) => row.loaded),
        0,
      );
      const rows = result.rows.map(toBackupRow);
      const loaded = rows[loadedIndex] as BackupRow;
      this.lastRead = lastReadOf(strategyId, loaded, result.rows[loadedIndex]?.tuple_version ?? '');
      return { strategyId, rows, loadedIndex };
    });
  }

  async compareAndSwap(strategyId: string, expected: ExpectedRow, variables: string): Promise<SwapResult> {
    return this.transaction<SwapResult>(`update strategy "${strategyId}"`, async (client) => {
      const info = await this.requireTable(client);

      // Lock every row of the strategy, then check the loaded row again.
      // Under READ COMMITTED this second statement reads everything committed
      // before the lock was granted. When the loaded row is still the tuple
      // the expected row was read from, it is unchanged. Otherwise the check
      // compares a digest that the server computes, so a 10 MB text does not
      // cross the connection once more.
      await client.query(`SELECT 1 FROM ${this.quotedTable} WHERE ${this.strategyIs('$1')} FOR UPDATE`, [this.nameParameter(strategyId)]);
      const readVersion = versionOfRead(this.lastRead, strategyId, expected) ?? null;
      // A SQL_ASCII database's bytes are digested as stored, because converting them to UTF-8 fails when they are not valid UTF-8.
      const storedBytes = `convert_to(variables::text, '${this.textAsBytes ? 'SQL_ASCII' : 'UTF8'}')`;
      const current = await client.query<CurrentLoadedRow>(
        `SELECT ${textColumn(lastUpdatedText(info), this.textAsBytes)} AS last_updated, ${TUPLE_VERSION} AS tuple_version,
                CASE WHEN ${TUPLE_VERSION} = $2 THEN NULL
                     ELSE encode(sha256(${storedBytes}), 'hex') END AS variables_sha256
         FROM ${this.quotedTable} WHERE ${this.strategyIs('$1')} ORDER BY last_updated DESC LIMIT 1`,
        [this.nameParameter(strategyId), readVersion],
      );
      const check = current.rows[0];

      if (check === undefined || !matchesExpected(check, expected, readVersion)) {
        const currentRow = check === undefined ? null : await this.loadedRow(client, info, strategyId);
        return { commit: false, result: { status: 'conflict', current: currentRow } };
      }

      const updated = await client.query<{ last_updated: string | null }>(
        `UPDATE ${this.quotedTable} SET last_updated = $2, variables = $3 WHERE ${this.strategyIs('$1')}
         RETURNING ${lastUpdatedText(info)} AS last_updated`,
        [this.nameParameter(strategyId), nowText(info), variables],
      );

      const lastUpdated = toTimestamp(updated.rows[0]?.last_updated ?? '');
      return { commit: true, result: { status: 'updated', rowsUpdated: updated.rowCount ?? 0, lastUpdated } };
    });
  }

  async insertStrategy(strategyId: string, variables: string): Promise<BackupRow> {
    return this.inTransaction(`insert strategy "${strategyId}"`, async (client) => {
      const info = await this.requireTable(client);
      this.requireStorableName(strategyId);

      // In a SQL_ASCII database the name goes as its exact bytes, which
      // convert_from passes through unchanged there.
      const name = this.textAsBytes ? `convert_from($4::bytea, 'SQL_ASCII')` : '$4';
      const result = await client.query<PostgresRow>(
        `INSERT INTO ${this.quotedTable} (id, last_updated, variables, strategy_id) VALUES ($1, $2, $3, ${name})
         RETURNING ${rowColumns(info, this.textAsBytes)}`,
        [randomUUID(), nowText(info), variables, this.nameParameter(strategyId)],
      );
      return toBackupRow(result.rows[0] as PostgresRow);
    });
  }

  async deleteStrategies(strategyIds: readonly string[], options: DeleteOptions = {}): Promise<number> {
    return this.transaction('delete strategies', async (client) => {
      const info = await this.requireTable(client);
      return { commit: true, result: await this.deleteRows(client, info, strategyIds, options.check) };
    });
  }

  async *streamRows(strategyIds?: readonly string[]): AsyncIterable<BackupRow> {
    const info = await this.run('read rows', (client) => this.requireTable(client));

    // A connection of its own, so the store stays usable while rows stream.
    // Its transaction only scopes the lock timeout; closing the connection
    // ends it.
    const client = await connect(this.target, { lockTimeoutMs: this.lockTimeoutMs });
    try {
      await this.guard('read rows', () => beginWithLockTimeout(client, this.lockTimeoutMs));
      if (strategyIds === undefined) {
        yield* this.copyRows(client, info);
      } else {
        yield* this.cursorRows(client, info, strategyIds);
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /**
   * Every row through binary COPY, as psql's \copy reads them: the server
   * streams without waiting for round trips, and the stream's backpressure
   * bounds memory by the largest row.
   */
  private async *copyRows(client: pg.Client, info: TableInfo): AsyncGenerator<BackupRow> {
    // NOTE: rows whose strategy_id is NULL are left out; the bot never loads them.
    const select = `SELECT ${rowColumns(info, this.textAsBytes)} FROM ${this.quotedTable} WHERE strategy_id IS NOT NULL`;
    // The COPY and cursor packages load only here, because list, show and set
    // never stream rows. `default` is the CommonJS exports object, also in the bundle.
    const { default: copyStreams } = await import('pg-copy-streams');
    const stream = client.query(copyStreams.to(`COPY (${select}) TO STDOUT (FORMAT binary)`));
    const tuples = binaryCopyTuples(stream);

    try {
      for (;;) {
        const next = await this.guard('read rows', () => tuples.next());
        if (next.done === true) {
          return;
        }
        const [id = null, lastUpdated = null, variables = null, strategyId = null] = next.value;
        yield toBackupRow({ id, last_updated: lastUpdated, variables, strategy_id: strategyId });
      }
    } finally {
      stream.destroy();
    }
  }

  /**
   * The named strategies' rows through a cursor, because COPY takes no bound
   * parameters. Each batch asks for about STREAM_BATCH_BYTES of variables,
   * judged from the rows before it, so memory stays bounded for large states.
   */
  private async *cursorRows(client: pg.Client, info: TableInfo, strategyIds: readonly string[], lock = false): AsyncGenerator<BackupRow> {
    const { default: Cursor } = await import('pg-cursor');
    const forUpdate = lock ? ' FOR UPDATE' : '';
    const cursor = client.query(
      new Cursor<PostgresRow>(`SELECT ${rowColumns(info, this.textAsBytes)} FROM ${this.quotedTable} WHERE ${this.strategyIn('$1')}${forUpdate}`, [
        this.nameParameters(strategyIds),
      ]),
    );

    try {
      let batchRows = FIRST_BATCH_ROWS;
      for (;;) {
        const batch = await this.guard('read rows', () => cursor.read(batchRows));
        if (batch.length === 0) {
          return;
        }
        batchRows = nextBatchRows(batch);
        for (const row of batch) {
          yield toBackupRow(row);
        }
      }
    } finally {
      await cursor.close().catch(() => undefined);
    }
  }

  async replaceStrategies(strategyIds: readonly string[], rows: AsyncIterable<RestoreRow>, options: ReplaceOptions = {}): Promise<number> {
    return this.transaction('restore strategies', async (client) => {
      const inserted = await this.replaceInTransaction(client, strategyIds, rows, options.check);
      options.signal?.throwIfAborted();
      return { commit: true, result: inserted };
    });
  }

  async checkRestore(): Promise<void> {
    rejectTemporaryTable(this.table, this.dialect);

    // The restore's own steps run with no strategy and no row, in a
    // transaction that is rolled back, so a failure reads as in the restore.
    // They meet a table that cannot be created, a missing privilege to
    // delete or insert, a read-only server and a view that COPY cannot write.
    // NOTE: triggers and event triggers on the table fire for these steps,
    // and what they do outside the transaction, such as nextval, stays.
    await this.transaction('restore strategies', async (client) => {
      await this.replaceInTransaction(client, [], noRows());
      await this.rejectTemporaryRelation(client);
      return { commit: false, result: undefined };
    });
    this.tableInfo = undefined;
  }

  /** Creates the table if it is missing, deletes the strategies' rows and writes `rows`, inside the caller's transaction. */
  private async replaceInTransaction(
    client: pg.Client,
    strategyIds: readonly string[],
    rows: AsyncIterable<RestoreRow>,
    check?: RowsCheck,
  ): Promise<number> {
    let info = await this.describe(client);
    if (info === null) {
      await this.createBotTable(client);
      info = await this.requireTable(client);
      if (!strategyIds.includes(PLACEHOLDER)) {
        await client.query(`INSERT INTO ${this.quotedTable} (id, last_updated, variables, strategy_id) VALUES ($1, $2, $3, $3)`, [
          randomUUID(),
          nowText(info),
          PLACEHOLDER,
        ]);
      }
    }
    requireBotColumns(info);
    const lastUpdatedKind = info.columns.get('last_updated')?.kind ?? 'other';

    await this.deleteRows(client, info, strategyIds, check);

    return (await isPglite(client)) ? this.insertRows(client, rows, lastUpdatedKind) : this.copyRowsIn(client, rows, lastUpdatedKind);
  }

  /**
   * Deletes the strategies' rows inside the caller's transaction and
   * returns how many. With `check`, the rows are first locked (FOR UPDATE)
   * and passed to it, so none of them can change before the commit. Under
   * READ COMMITTED the DELETE, a later statement, also deletes rows committed
   * after the check read them, so a delete of more rows than were checked
   * rolls back as a conflict.
   */
  private async deleteRows(client: pg.Client, info: TableInfo, strategyIds: readonly string[], check: RowsCheck | undefined): Promise<number> {
    let checked: number | undefined;
    if (check !== undefined) {
      checked = 0;
      for await (const row of this.cursorRows(client, info, strategyIds, true)) {
        check.row(row);
        checked += 1;
      }
      check.end();
    }

    const result = await client.query(`DELETE FROM ${this.quotedTable} WHERE ${this.strategyIn('$1')}`, [this.nameParameters(strategyIds)]);
    const deleted = result.rowCount ?? 0;
    if (checked !== undefined && deleted !== checked) {
      const rows = (count: number) => (count === 1 ? '1 row' : `${count} rows`);
      throw new ConflictError(`another writer added rows to these strategies while they were checked: ${rows(checked)} checked, ${rows(deleted)} to delete`, {
        hint: 'nothing was written; run the command again to see the rows as they are now',
      });
    }
    return deleted;
  }

  /**
   * Rejects a table that PostgreSQL keeps for this session only. A name
   * without a schema resolves to one when search_path starts with pg_temp,
   * which --table does not show.
   */
  private async rejectTemporaryRelation(client: pg.Client): Promise<void> {
    const result = await client.query<{ persistence: string | null }>(
      `SELECT relpersistence AS persistence FROM pg_class WHERE oid = to_regclass($1)`,
      [this.quotedTable],
    );
    if (result.rows[0]?.persistence === 't') {
      throw temporaryTableError(this.table);
    }
  }

  /**
   * Returns SQL that compares strategy_id with the name bound at `parameter`
   * by nameParameter. Names are compared as bytes in a SQL_ASCII database,
   * because a name read there may hold escaped bytes (see textColumn), which
   * node-pg would send as U+FFFD and so match another strategy.
   */
  private strategyIs(parameter: string): string {
    return this.textAsBytes ? `convert_to(strategy_id::text, 'SQL_ASCII') = ${parameter}` : `strategy_id = ${parameter}`;
  }

  /** Returns SQL that keeps the rows whose strategy_id is one of the names bound at `parameter` by nameParameters. */
  private strategyIn(parameter: string): string {
    return this.textAsBytes ? `convert_to(strategy_id::text, 'SQL_ASCII') = ANY(${parameter}::bytea[])` : `strategy_id = ANY(${parameter}::text[])`;
  }

  /**
   * Binds a name for strategyIs: its exact bytes in a SQL_ASCII database.
   * Elsewhere a name with escaped bytes names no row, since the database
   * stores only valid text, so it is bound as NULL, which equals nothing.
   */
  private nameParameter(strategyId: string): string | Buffer | null {
    if (this.textAsBytes) {
      return encodeEscaped(strategyId);
    }
    return invalidUtf8Offset(strategyId) === null ? strategyId : null;
  }

  /**
   * Rejects a new name with bytes that are not UTF-8 where the database
   * cannot store them: node-pg would send U+FFFD in their place, and the
   * row would be stored under another name than the one typed.
   */
  private requireStorableName(strategyId: string): void {
    const offset = invalidUtf8Offset(strategyId);
    if (offset === null || this.textAsBytes) {
      return;
    }
    throw new UsageError(`strategy name ${JSON.stringify(strategyId)} is not valid UTF-8 at byte ${offset}, and this database stores only valid text`, {
      hint: 'type the name as UTF-8; only an SQLite or a SQL_ASCII PostgreSQL database keeps such bytes',
    });
  }

  /** Binds names for strategyIn as nameParameter binds one, leaving out a name that can match no row. */
  private nameParameters(strategyIds: readonly string[]): (string | Buffer)[] {
    return strategyIds.map((strategyId) => this.nameParameter(strategyId)).filter((name) => name !== null);
  }

  /** Reads the whole row that the bot's loader picks. */
  private async loadedRow(client: pg.Client, info: TableInfo, strategyId: string): Promise<BackupRow | null> {
    const result = await client.query<PostgresRow>(
      `SELECT ${rowColumns(info, this.textAsBytes)} FROM ${this.quotedTable} WHERE ${this.strategyIs('$1')} ORDER BY last_updated DESC LIMIT 1`,
      [this.nameParameter(strategyId)],
    );
    return result.rows[0] === undefined ? null : toBackupRow(result.rows[0]);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  /**
   * Reads the table's columns and primary key in one query. A found table is
   * cached for the life of the store, because a command describes it before
   * every operation.
   */
  private async describe(client: pg.Client): Promise<TableInfo | null> {
    if (this.tableInfo !== undefined) {
      return this.tableInfo;
    }

    // to_regclass returns NULL for a missing table or schema instead of
    // raising, and resolves an unqualified name through search_path as the
    // bot's queries do.
    const result = await client.query<{
      oid: string | null;
      has_primary_key: boolean;
      columns: { name: string; type: string }[] | null;
      server_encoding: string;
    }>(
      `SELECT target.oid::text AS oid, current_setting('server_encoding') AS server_encoding,
              EXISTS (SELECT 1 FROM pg_index WHERE indrelid = target.oid AND indisprimary) AS has_primary_key,
              (SELECT json_agg(json_build_object('name', attname, 'type', format_type(atttypid, atttypmod)) ORDER BY attnum)
               FROM pg_attribute
               WHERE attrelid = target.oid AND attnum > 0 AND NOT attisdropped) AS columns
       FROM (SELECT to_regclass($1)::oid AS oid) AS target`,
      [quoteTableName(this.table)],
    );

    const found = result.rows[0];
    this.serverEncoding = found?.server_encoding ?? 'UTF8';
    this.textAsBytes = this.serverEncoding === 'SQL_ASCII';
    if (found === undefined || found.oid === null) {
      return null;
    }

    const described = (found.columns ?? []).map((column) => ({ name: column.name, declaredType: column.type }));
    this.tableInfo = buildTableInfo('postgresql', this.table.displayName, described, found.has_primary_key);
    return this.tableInfo;
  }

  private async requireTable(client: pg.Client): Promise<TableInfo> {
    const info = await this.describe(client);
    if (info === null) {
      throw await this.missingTableError();
    }
    requireBotColumns(info);
    return info;
  }

  /** Creates the table as pandas `to_sql` creates it for the bot: no key, an index on id. */
  private async createBotTable(client: pg.Client): Promise<void> {
    const index = quoteIdentifier(`ix_${this.table.name}_id`);
    await client.query(
      `CREATE TABLE ${this.quotedTable} (\n\tid TEXT, \n\tlast_updated TIMESTAMP WITH TIME ZONE, \n\tvariables TEXT, \n\tstrategy_id TEXT\n)`,
    );
    await client.query(`CREATE INDEX ${index} ON ${this.quotedTable} (id)`);
  }

  /**
   * Writes rows with COPY FROM STDIN while the export file is still being
   * read, as psql's \copy does. Each row leaves memory once encoded, and a
   * failure on either side ends the COPY with CopyFail, so the transaction
   * rolls back.
   */
  private async copyRowsIn(client: pg.Client, rows: AsyncIterable<RestoreRow>, lastUpdatedKind: ColumnKind): Promise<number> {
    if (this.textAsBytes) {
      // A SQL_ASCII database checks the bytes a client sends against the
      // client's encoding, so escaped bytes that are not UTF-8 pass only
      // when the client declares SQL_ASCII too. SET LOCAL ends with the
      // transaction.
      await client.query(`SET LOCAL client_encoding = 'SQL_ASCII'`);
    }
    const { default: copyStreams } = await import('pg-copy-streams');
    const copy = client.query(copyStreams.from(`COPY ${this.quotedTable} (id, last_updated, variables, strategy_id) FROM STDIN`));
    await pipeline(copyTextChunks(rows, lastUpdatedKind), copy);
    return copy.rowCount;
  }

  /** Writes rows with multi-row INSERTs, for servers without COPY FROM STDIN. */
  private async insertRows(client: pg.Client, rows: AsyncIterable<RestoreRow>, lastUpdatedKind: ColumnKind): Promise<number> {
    let inserted = 0;
    let batch: RestoreRow[] = [];
    let batchBytes = 0;
    for await (const row of rows) {
      batch.push(row);
      batchBytes += Buffer.byteLength(row.variables ?? '');
      if (batch.length >= INSERT_BATCH_ROWS || batchBytes >= INSERT_BATCH_BYTES) {
        inserted += await this.insertBatch(client, batch, lastUpdatedKind);
        batch = [];
        batchBytes = 0;
      }
    }
    return inserted + (await this.insertBatch(client, batch, lastUpdatedKind));
  }

  private async insertBatch(client: pg.Client, rows: readonly RestoreRow[], lastUpdatedKind: ColumnKind): Promise<number> {
    if (rows.length === 0) {
      return 0;
    }

    const placeholders = rows.map((_, row) => `($${row * 4 + 1}, $${row * 4 + 2}, $${row * 4 + 3}, $${row * 4 + 4})`);
    const values = rows.flatMap((row) => [row.id, restoreTextForPostgres(row, lastUpdatedKind), row.variables, row.strategyId]);
    const result = await client.query(
      `INSERT INTO ${this.quotedTable} (id, last_updated, variables, strategy_id) VALUES ${placeholders.join(', ')}`,
      values,
    );
    return result.rowCount ?? 0;
  }

  /** Runs one step on the store's connection and turns driver errors into varsctl errors. */
  private async run<T>(action: string, step: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = this.client;
    if (client === undefined) {
      throw new Error('the PostgreSQL store is closed');
    }
    return this.guard(action, () => step(client));
  }

  /**
   * Runs a step in a transaction with a bounded wait for row locks. The step
   * returns whether to commit, and anything it throws rolls back.
   */
  /**
   * Runs one step in a transaction of its own, committed when the step
   * succeeds. Only the transaction scopes the lock timeout: a session
   * setting would stay on the server connection that a pooler such as
   * PgBouncer hands to the next client, the bot included.
   */
  private async inTransaction<T>(action: string, step: (client: pg.Client) => Promise<T>): Promise<T> {
    return this.transaction(action, async (client) => ({ commit: true, result: await step(client) }));
  }

  private async transaction<T>(action: string, step: (client: pg.Client) => Promise<{ commit: boolean; result: T }>): Promise<T> {
    return this.run(action, async (client) => {
      try {
        await beginWithLockTimeout(client, this.lockTimeoutMs);
        const outcome = await step(client);
        await client.query(outcome.commit ? 'COMMIT' : 'ROLLBACK');
        return outcome.result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        // A table this transaction created is gone again.
        this.tableInfo = undefined;
        throw error;
      }
    });
  }

  private async guard<T>(action: string, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      throw postgresError(error, {
        action,
        displayUrl: this.displayUrl,
        secrets: secretsOf(this.target),
        lockTimeoutMs: this.lockTimeoutMs,
        user: this.target.user,
        database: this.target.database,
        tableSchema: this.table.schema,
        tableName: this.table.name,
      });
    }
  }
}

/**
 * Starts a transaction whose statements wait at most `lockTimeoutMs` for a
 * lock, reads included, so that a session holding the table (ALTER TABLE,
 * VACUUM FULL, a forgotten transaction) fails a command instead of hanging
 * it. set_config(..., true) is SET LOCAL: it ends with the transaction.
 * PostgreSQL reads 0 as "wait forever", so 0 becomes the shortest wait.
 */
async function beginWithLockTimeout(client: pg.Client, lockTimeoutMs: number): Promise<void> {
  await client.query('BEGIN');
  await client.query("SELECT set_config('lock_timeout', $1, true)", [`${Math.max(lockTimeoutMs, 1)}ms`]);
}

/**
 * Runs a query and passes each row to `visit` as it is parsed, without
 * collecting the rows into a result. Rejects with the query's error, or
 * with the first error `visit` throws, once the query has ended.
 */
async function eachRow<R extends pg.QueryResultRow>(client: pg.Client, sql: string, visit: (row: R) => void): Promise<void> {
  const query = new pg.Query<R>(sql);
  let failure: { error: unknown } | undefined;

  await new Promise<void>((resolve, reject) => {
    query.on('row', (row: R) => {
      if (failure !== undefined) {
        return;
      }
      try {
        visit(row);
      } catch (error) {
        failure = { error };
      }
    });
    query.on('error', reject);
    query.on('end', () => resolve());
    client.query(query);
  });

  if (failure !== undefined) {
    throw failure.error;
  }
}

/** Yields no row, for running the restore's steps without writing any. */
async function* noRows(): AsyncGenerator<RestoreRow> {
  // An empty generator body: the stream ends at once.
}

/** `last_updated` for now, in a form no session TimeZone can shift. */
function nowText(info: TableInfo): string {
  const now = nowEpochMicros();
  return info.columns.get('last_updated')?.kind === 'timestamp' ? formatNewYorkWallText(now) : formatUtcText(now);
}

/**
 * Compares `last_updated` as text at full precision, never through a Date,
 * and `variables` by the SHA-256 of its UTF-8 bytes unless the row is still
 * the tuple the expected row was read from.
 */
function matchesExpected(current: CurrentLoadedRow, expected: ExpectedRow, readVersion: string | null): boolean {
  if (columnText(current.last_updated) !== (expected.lastUpdated?.text ?? null)) {
    return false;
  }
  if (readVersion !== null && current.tuple_version === readVersion) {
    return true;
  }

  // encodeEscaped gives back the stored bytes of a text read from a SQL_ASCII database (see textColumn).
  const expectedDigest = expected.variables === null ? null : createHash('sha256').update(encodeEscaped(expected.variables)).digest('hex');
  return current.variables_sha256 === expectedDigest;
}

/**
 * True for PGlite, the in-process PostgreSQL build the test suite uses: its
 * socket server ends the connection ("protocol synchronization was lost")
 * on COPY FROM STDIN, so restores into it use INSERTs.
 */
async function isPglite(client: pg.Client): Promise<boolean> {
  const result = await client.query<{ pglite: boolean }>("SELECT version() LIKE '%PGlite%' AS pglite");
  return result.rows[0]?.pglite === true;
}

/** Rows for the next cursor batch: about STREAM_BATCH_BYTES at the mean row size of `batch`, 1 to 1,000. */
function nextBatchRows(batch: readonly PostgresRow[]): number {
  let bytes = 0;
  for (const row of batch) {
    bytes += row.variables?.length ?? 0;
  }
  const meanBytes = Math.max(bytes / batch.length, 1);
  return Math.min(Math.max(Math.floor(STREAM_BATCH_BYTES / meanBytes), 1), 1000);
}
