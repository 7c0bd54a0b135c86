import { createHash, type Hash } from 'node:crypto';

import { RuntimeFailure } from '../errors.js';
import { FORMAT_NAME, FORMAT_VERSION, MAX_LINE_BYTES, type ArchiveRow, type ArchiveSource } from './format.js';
import { jsonLine } from './json-line.js';
import { encodeRowLine } from './row-line.js';

export interface ArchiveMetadata {
  readonly createdAt: Date;
  readonly source: ArchiveSource;
  /** Program and version, such as `varsctl 0.1.0`. */
  readonly tool: string;
}

/**
 * Encodes an export one line at a time, so a caller can stream any number of
 * rows with memory bounded by the longest row. Call `header()` once, `row()`
 * for each row, then `trailer()` once; each returns the bytes to write.
 *
 * Memory beyond the current line: one entry per distinct strategy_id, to
 * count strategies for the trailer.
 */
export class ArchiveWriter {
  private readonly hash: Hash = createHash('sha256');
  private readonly strategyIds = new Set<string>();
  private state: 'new' | 'rows' | 'done' = 'new';
  private rowCount = 0;
  private byteCount = 0;

  constructor(private readonly metadata: ArchiveMetadata) {}

  get rows(): number {
    return this.rowCount;
  }

  get strategies(): number {
    return this.strategyIds.size;
  }

  /** Bytes returned so far, trailer included once written. */
  get bytes(): number {
    return this.byteCount;
  }

  header(): Buffer {
    this.expectState('new', 'header');
    this.state = 'rows';

    const line = jsonLine({
      format: FORMAT_NAME,
      version: FORMAT_VERSION,
      created_at: this.metadata.createdAt.toISOString(),
      source: {
        dialect: this.metadata.source.dialect,
        table: this.metadata.source.table,
        database: this.metadata.source.database,
      },
      tool: this.metadata.tool,
    });
    return this.emit(line, true);
  }

  /** Throws RuntimeFailure when the row's line would exceed MAX_LINE_BYTES, which no reader accepts. */
  row(row: ArchiveRow): Buffer {
    this.expectState('rows', 'row');
    this.rowCount += 1;
    this.strategyIds.add(row.strategyId);

    const line = encodeRowLine(row);
    if (line.length > MAX_LINE_BYTES) {
      throw new RuntimeFailure(
        `the row of strategy ${JSON.stringify(row.strategyId)} (id ${row.id ?? 'NULL'}) is too long to export: ` +
          `its line would exceed ${MAX_LINE_BYTES / 1024 / 1024} MiB`,
        { hint: 'export the other strategies by name, and copy this one with the database tools' },
      );
    }
    return this.emitBytes(line, true);
  }

  trailer(): Buffer {
    this.expectState('rows', 'trailer');
    this.state = 'done';

    const line = jsonLine({
      end: true,
      rows: this.rowCount,
      strategies: this.strategyIds.size,
      sha256: this.hash.digest('hex'),
    });
    return this.emit(line, false);
  }

  private emit(line: string, hashed: boolean): Buffer {
    return this.emitBytes(Buffer.from(line, 'utf8'), hashed);
  }

  private emitBytes(bytes: Buffer, hashed: boolean): Buffer {
    if (hashed) {
      this.hash.update(bytes);
    }
    this.byteCount += bytes.length;
    return bytes;
  }

  private expectState(expected: 'new' | 'rows', call: string): void {
    if (this.state !== expected) {
      throw new Error(`ArchiveWriter.${call}() called out of order (state ${this.state})`);
    }
  }
}

/**
 * Encodes a whole export from a stream of rows, yielding chunks of about
 * `chunkBytes` so the caller writes a few large buffers instead of one per row.
 */
export async function* encodeArchive(
  rows: AsyncIterable<ArchiveRow>,
  writer: ArchiveWriter,
  chunkBytes = 256 * 1024,
): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [writer.header()];
  let pendingBytes = pending[0]?.length ?? 0;

  for await (const row of rows) {
    const line = writer.row(row);
    pending.push(line);
    pendingBytes += line.length;

    if (pendingBytes >= chunkBytes) {
      yield Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
    }
  }

  pending.push(writer.trailer());
  yield Buffer.concat(pending);
}
