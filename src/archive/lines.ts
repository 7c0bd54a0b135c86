/** One line of an export file, without its `\n`. */
export interface RawLine {
  /** 1-based line number. */
  readonly number: number;
  readonly bytes: Buffer;
  /** False for a last line that ends without `\n`, as a truncated file does. */
  readonly terminated: boolean;
}

/**
 * Splits a byte stream into lines at `\n`, with memory bounded by the
 * longest line. A yielded line may be a view into a chunk, valid only
 * until the next line is requested. Calls `tooLong` for the first line over
 * `maxLineBytes` and throws what it returns.
 */
export async function* splitLines(
  chunks: AsyncIterable<Uint8Array>,
  maxLineBytes: number,
  tooLong: (lineNumber: number) => Error,
): AsyncGenerator<RawLine> {
  let pieces: Buffer[] = [];
  let pieceBytes = 0;
  let number = 1;

  for await (const chunk of chunks) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;

    for (;;) {
      const newline = buffer.indexOf(0x0a, start);
      const end = newline === -1 ? buffer.length : newline;
      const part = buffer.subarray(start, end);

      if (pieceBytes + part.length > maxLineBytes) {
        throw tooLong(number);
      }

      if (newline === -1) {
        if (part.length > 0) {
          // A copy, because the source may reuse the chunk's memory for the next one.
          pieces.push(Buffer.from(part));
          pieceBytes += part.length;
        }
        break;
      }

      const bytes = pieces.length === 0 ? part : Buffer.concat([...pieces, part]);
      yield { number, bytes, terminated: true };

      pieces = [];
      pieceBytes = 0;
      number += 1;
      start = newline + 1;
    }
  }

  if (pieceBytes > 0) {
    yield { number, bytes: Buffer.concat(pieces), terminated: false };
  }
}
