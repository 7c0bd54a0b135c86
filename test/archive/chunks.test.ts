import { describe, expect, it } from 'vitest';

import { ArchiveWriter, encodeArchive, type ArchiveRow } from '../../src/archive/index.js';
import { CREATED_AT, SOURCE, encode, row, sampleRows } from './support.js';

const rows: ArchiveRow[] = [
  ...sampleRows(),
  ...Array.from({ length: 40 }, (_, index) => row(`strategy-${index}`, `{"history": "${'x'.repeat(index * 37)}"}`)),
  // Lines that are not ASCII give back the space reserved for them, at every place in a chunk.
  ...Array.from({ length: 40 }, (_, index) => row(`wide-${index}`, `{"note": "${'z'.repeat(index * 29)}é"}`)),
  row('long', `{"history": "${'y'.repeat(3000)}"}`),
  row('after-long', '{"a": 1}'),
];

async function* iterate(entries: readonly ArchiveRow[]): AsyncGenerator<ArchiveRow> {
  yield* entries;
}

/**
 * Collects the chunks as writeExport consumes them: the previous chunk
 * stays in use until the next one arrives, and is copied only then.
 */
async function collectLate(options: { chunkBytes: number; reuseChunks: boolean }): Promise<Buffer> {
  const writer = new ArchiveWriter({ createdAt: CREATED_AT, source: SOURCE, tool: 'varsctl test' });
  const copies: Buffer[] = [];
  let inUse: Buffer | undefined;

  for await (const chunk of encodeArchive(iterate(rows), writer, options)) {
    if (inUse !== undefined) {
      copies.push(Buffer.from(inUse));
    }
    inUse = chunk;
  }
  if (inUse !== undefined) {
    copies.push(Buffer.from(inUse));
  }
  return Buffer.concat(copies);
}

describe('encodeArchive chunks', () => {
  it.each([256, 1000, 4096, 1024 * 1024])('reuses %i-byte chunks without changing bytes', async (chunkBytes) => {
    const bytes = await collectLate({ chunkBytes, reuseChunks: true });

    expect(bytes.equals(encode(rows))).toBe(true);
  });

  it('writes new chunks without reuse', async () => {
    const bytes = await collectLate({ chunkBytes: 256, reuseChunks: false });

    expect(bytes.equals(encode(rows))).toBe(true);
  });
});
