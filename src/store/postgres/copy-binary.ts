import { decodeEscaped } from '../utf8.js';

/**
 * A reader of PostgreSQL's binary COPY format, for `COPY (SELECT ...) TO
 * STDOUT (FORMAT binary)` whose every column is text: each tuple is a field
 * count and, per field, a byte length (-1 for NULL) and the bytes, in the
 * client encoding (UTF-8) or, for a SQL_ASCII database, as stored. There is
 * no escaping to undo, so a field is decoded with one `toString` unless its
 * bytes are not UTF-8. The format is specified in the PostgreSQL
 * documentation of COPY, section "Binary Format".
 */

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** Thrown for bytes that are not binary COPY output; the connection is then unusable. */
export class CopyFormatError extends Error {}

/**
 * Yields each tuple of a binary COPY stream as its text fields (null for
 * NULL). Memory beyond the current tuple is the chunks not yet parsed, so a
 * large field costs its own size once, plus the chunk it ends in.
 */
export async function* binaryCopyTuples(chunks: AsyncIterable<Buffer>): AsyncGenerator<(string | null)[]> {
  const reader = new ChunkReader(chunks[Symbol.asyncIterator]());

  await readHeader(reader);

  for (;;) {
    await reader.require(2, 'a tuple');
    const fieldCount = reader.int16();
    if (fieldCount === -1) {
      return;
    }

    const fields: (string | null)[] = [];
    for (let field = 0; field < fieldCount; field += 1) {
      await reader.require(4, 'a field length');
      const length = reader.int32();
      if (length === -1) {
        fields.push(null);
      } else {
        await reader.require(length, 'a field');
        fields.push(reader.text(length));
      }
    }
    yield fields;
  }
}

async function readHeader(reader: ChunkReader): Promise<void> {
  await reader.require(SIGNATURE.length + 8, 'the header');
  if (!reader.bytes(SIGNATURE.length).equals(SIGNATURE)) {
    throw new CopyFormatError('the COPY output does not start with the binary format signature');
  }

  // Bit 16 of the flags marks OIDs in the data, which a SELECT never has.
  const flags = reader.int32();
  if ((flags & 0x10000) !== 0) {
    throw new CopyFormatError('the COPY output includes OIDs');
  }

  const extensionLength = reader.int32();
  await reader.require(extensionLength, 'the header extension');
  reader.bytes(extensionLength);
}

/** Contiguous reads over a stream of chunks, joining chunks only when a read spans them. */
class ChunkReader {
  private buffer: Buffer = Buffer.alloc(0);
  private offset = 0;
  private queued: Buffer[] = [];
  private queuedBytes = 0;

  constructor(private readonly chunks: AsyncIterator<Buffer>) {}

  /** Waits until `length` bytes are available contiguously, or throws at the end of the stream. */
  async require(length: number, what: string): Promise<void> {
    while (this.buffer.length - this.offset + this.queuedBytes < length) {
      const next = await this.chunks.next();
      if (next.done === true) {
        throw new CopyFormatError(`the COPY output ended inside ${what}`);
      }
      this.queued.push(next.value);
      this.queuedBytes += next.value.length;
    }

    if (this.buffer.length - this.offset >= length) {
      return;
    }
    const next = this.queued[0] as Buffer;
    if (this.offset === this.buffer.length && next.length >= length) {
      this.buffer = next;
      this.offset = 0;
      this.queued.shift();
      this.queuedBytes -= next.length;
    } else {
      this.join(length);
    }
  }

  /**
   * Copies the next `length` bytes into a buffer of their own, and leaves
   * the rest of the last chunk they come from queued. Joining whole chunks
   * instead copied about 64 KiB for every row that spans two of them.
   */
  private join(length: number): void {
    const joined = Buffer.allocUnsafe(length);
    let filled = this.buffer.copy(joined, 0, this.offset);

    while (filled < length) {
      const chunk = this.queued.shift() as Buffer;
      const copied = chunk.copy(joined, filled, 0, Math.min(chunk.length, length - filled));
      filled += copied;
      this.queuedBytes -= copied;
      if (copied < chunk.length) {
        this.queued.unshift(chunk.subarray(copied));
      }
    }

    this.buffer = joined;
    this.offset = 0;
  }

  int16(): number {
    const value = this.buffer.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  int32(): number {
    const value = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  bytes(length: number): Buffer {
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  /**
   * Decodes a field. The bytes of a SQL_ASCII database's text, selected as
   * bytea, need not be valid UTF-8, so a field that decodes with a
   * replacement character is decoded again without loss (see utf8.ts).
   */
  text(length: number): string {
    const end = this.offset + length;
    let value = this.buffer.toString('utf8', this.offset, end);
    if (value.includes('\ufffd')) {
      value = decodeEscaped(this.buffer.subarray(this.offset, end));
    }
    this.offset = end;
    return value;
  }
}
