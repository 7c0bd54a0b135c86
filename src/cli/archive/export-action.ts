import { setImmediate as nextTurn } from 'node:timers/promises';

import {
  ArchiveWriter,
  encodeArchive,
  expandDatePattern,
  openFileSink,
  type ArchiveRow,
  type ExportSink,
} from '../../archive/index.js';
import type { BackupRow, Dialect, Store } from '../../store/types.js';
import { requireExactPath } from '../../store/utf8.js';
import type { Context } from '../context.js';
import { abortable, watchInterrupts } from '../interrupt.js';
import { createProgress, type Progress } from '../progress.js';
import { formatBytes } from '../render/size.js';
import { strategyNotFound } from '../strategy.js';
import { stdoutSink } from './stdout-sink.js';

export interface ExportOptions {
  /** A file name, possibly with strftime conversions, or `-` for stdout. */
  readonly output: string;
  readonly force: boolean;
  /** `varsctl 0.1.0`, recorded in the header. */
  readonly tool: string;
}

export interface ExportResult {
  readonly destination: string;
  readonly rows: number;
  readonly strategies: number;
  readonly bytes: number;
}

/**
 * Writes an export of every strategy, or of the named ones, to a file
 * (atomically) or to stdout. Ctrl-C, SIGTERM or any failure leaves no file
 * at the destination.
 */
export async function exportStrategies(context: Context, strategyIds: readonly string[], options: ExportOptions): Promise<ExportResult> {
  const store = await context.store();
  await checkTableExists(store);
  for (const strategyId of strategyIds) {
    if ((await store.readStrategy(strategyId)) === null) {
      throw await strategyNotFound(store, strategyId);
    }
  }

  const createdAt = new Date();
  const fileSink = await openSink(options, createdAt);
  const interrupts = watchInterrupts('export', fileSink === undefined ? 'the output is incomplete' : 'no file was written');
  const progress = createProgress('exported', { quiet: context.output.quiet });

  try {
    return await writeExport(store, strategyIds, fileSink ?? stdoutSink(), {
      createdAt,
      tool: options.tool,
      signal: interrupts.signal,
      progress,
    });
  } finally {
    interrupts.dispose();
  }
}

export interface WriteExportOptions {
  readonly createdAt: Date;
  readonly tool: string;
  /** Aborts the export, which then discards the sink and throws the reason. */
  readonly signal: AbortSignal;
  readonly progress: Progress;
  /** Gets each row as the store read it, before it is written. */
  readonly onRow?: (row: BackupRow) => void;
}

/**
 * Streams rows (of `strategyIds`, or all when empty) from the store into
 * `sink` as an export, with memory bounded by the longest row. Finishes the
 * sink on success and discards it on any failure.
 */
export async function writeExport(store: Store, strategyIds: readonly string[], sink: ExportSink, options: WriteExportOptions): Promise<ExportResult> {
  const writer = new ArchiveWriter({
    createdAt: options.createdAt,
    source: { dialect: store.dialect, table: store.tableName, database: store.displayUrl },
    tool: options.tool,
  });

  // One write is in flight while the next chunk is encoded, so reading and
  // encoding overlap with the file system instead of waiting for it.
  let writing: Promise<void> | undefined;
  try {
    const rows = abortable(archiveRows(store, strategyIds, options.onRow), options.signal);
    // Reusing chunks is safe because each write completes before the chunk after the next one is requested.
    for await (const chunk of encodeArchive(rows, writer, { reuseChunks: true })) {
      await writing;
      writing = sink.write(chunk);
      // The rejection is handled by the next await; this keeps Node from reporting it as unhandled meanwhile.
      writing.catch(() => undefined);
      options.progress.update(writer.rows, writer.bytes);
      // Lets a pending SIGINT or SIGTERM run even when every step above completed synchronously.
      await nextTurn();
      options.signal.throwIfAborted();
    }
    await writing;
    await sink.finish();
  } catch (error) {
    await writing?.catch(() => undefined);
    await sink.discard();
    throw error;
  } finally {
    options.progress.done();
  }

  return { destination: sink.name, rows: writer.rows, strategies: writer.strategies, bytes: writer.bytes };
}

/** Formats the summary line: `exported 12 strategies (14 rows, 1.2 MB) to FILE`. */
export function describeExport(result: ExportResult): string {
  const strategies = result.strategies === 1 ? '1 strategy' : `${result.strategies} strategies`;
  const rows = result.rows === 1 ? '1 row' : `${result.rows} rows`;
  return `exported ${strategies} (${rows}, ${formatBytes(result.bytes)}) to ${result.destination}`;
}

export async function checkTableExists(store: Store): Promise<void> {
  if ((await store.describeTable()) === null) {
    throw await store.missingTableError();
  }
}

/** Opens the file sink, or returns undefined for stdout. */
async function openSink(options: ExportOptions, createdAt: Date): Promise<ExportSink | undefined> {
  if (options.output === '-') {
    return undefined;
  }
  const path = options.output.includes('%') ? expandDatePattern(options.output, createdAt) : options.output;
  requireExactPath(path, 'output file');
  return openFileSink({ path, replace: options.force });
}

async function* archiveRows(store: Store, strategyIds: readonly string[], onRow?: (row: BackupRow) => void): AsyncGenerator<ArchiveRow> {
  const rows = store.streamRows(strategyIds.length > 0 ? strategyIds : undefined);
  for await (const row of rows) {
    onRow?.(row);
    yield toArchiveRow(row, store.dialect);
  }
}

function toArchiveRow(row: BackupRow, dialect: Dialect): ArchiveRow {
  const lastUpdated =
    row.lastUpdated === null
      ? null
      : { text: row.lastUpdated.text, dialect: row.lastUpdated.dialect ?? dialect, epochMicros: row.lastUpdated.epochMicros };

  return { strategyId: row.strategyId, id: row.id, lastUpdated, variables: row.variables };
}
