import { createHash, type Hash } from 'node:crypto';

import { RuntimeFailure } from '../errors.js';
import { FORMAT_NAME, FORMAT_VERSION, MAX_LINE_BYTES, type ArchiveRow, type ArchiveSource } from './format.js';
import { jsonLine } from './json-line.js';
import { writeRowLine, type LineTarget } from './row-line.js';

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
    return this.appendRow(row, {
      reserve: (length) => ({ buffer: Buffer.allocUnsafe(length), offset: 0 }),
      release: () => undefined,
    });
  }

  /** Writes the row's line into `target`, as `row` does, and returns the written bytes as a view into the target. */
  appendRow(row: ArchiveRow, target: LineTarget): Buffer {
    this.expectState('rows', 'row');
    this.rowCount += 1;
    this.strategyIds.add(row.strategyId);

    const line = writeRowLine(row, target);
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

export interface EncodeArchiveOptions {
  /** Size of the yielded chunks in bytes. A longer line gets a chunk of its own. */
  readonly chunkBytes?: number;
  /**
   * Reuse the memory of a yielded chunk. The caller must then be done with
   * each chunk (its write completed) before it requests the chunk after the
   * one that follows it. Without reuse, every chunk is a new buffer.
   */
  readonly reuseChunks?: boolean;
}

/**
 * Encodes a whole export from a stream of rows, yielding chunks of about
 * `chunkBytes` (1 MiB by default) so the caller writes a few large buffers
 * instead of one per row. Lines are encoded straight into the chunk.
 */
export async function* encodeArchive(
  rows: AsyncIterable<ArchiveRow>,
  writer: ArchiveWriter,
  options: EncodeArchiveOptions = {},
): AsyncGenerator<Buffer> {
  const chunks = new ChunkBuilder(options.chunkBytes ?? 1024 * 1024, options.reuseChunks ?? false);
  const header = writer.header();
  const start = chunks.reserve(header.length);
  header.copy(start.buffer, start.offset);

  for await (const row of rows) {
    writer.appendRow(row, chunks);
    yield* chunks.takeFull();
  }

  const trailer = writer.trailer();
  const { buffer, offset } = chunks.reserve(trailer.length);
  trailer.copy(buffer, offset);
  yield* chunks.takeFull();
  yield chunks.takeRest();
}

/**
 * Packs lines into buffers of `chunkBytes`. A line longer than that gets a
 * buffer of its own size. With `reuse`, a buffer of `chunkBytes` is filled
 * again once a later chunk has been taken, because by then the caller is
 * done with it (see `EncodeArchiveOptions.reuseChunks`). This keeps a large
 * export from leaving a trail of dead 1 MiB buffers, which the garbage
 * collector frees late, after they have survived a few collections.
 */
class ChunkBuilder implements LineTarget {
  private buffer: Buffer;
  private used = 0;
  private full: Buffer[] = [];
  private readonly spare: Buffer[] = [];
  private lastTaken: Buffer | undefined;

  constructor(
    private readonly chunkBytes: number,
    private readonly reuse: boolean,
  ) {
    this.buffer = Buffer.allocUnsafeSlow(chunkBytes);
  }

  reserve(length: number): { buffer: Buffer; offset: number } {
    if (this.used + length > this.buffer.length) {
      if (this.used > 0) {
        this.full.push(this.buffer.subarray(0, this.used));
      }
      this.buffer = (length <= this.chunkBytes ? this.spare.pop() : undefined) ?? Buffer.allocUnsafeSlow(Math.max(this.chunkBytes, length));
      this.used = 0;
    }

    const offset = this.used;
    this.used += length;
    return { buffer: this.buffer, offset };
  }

  release(length: number): void {
    this.used -= length;
  }

  /** Returns the chunks filled so far. */
  takeFull(): Buffer[] {
    const full = this.full;
    this.full = [];
    for (const chunk of full) {
      this.taken(chunk);
    }
    return full;
  }

  /** Returns the bytes written into the current chunk; the builder is not used after this. */
  takeRest(): Buffer {
    return this.buffer.subarray(0, this.used);
  }

  private taken(chunk: Buffer): void {
    const previous = this.lastTaken;
    this.lastTaken = chunk;
    // allocUnsafeSlow gives each chunk an ArrayBuffer of its own, so a reusable chunk is one whose ArrayBuffer is chunkBytes long.
    if (this.reuse && previous !== undefined && previous.buffer.byteLength === this.chunkBytes) {
      this.spare.push(Buffer.from(previous.buffer, previous.byteOffset, this.chunkBytes));
    }
  }
}
