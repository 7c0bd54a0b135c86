import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { CopyFormatError, binaryCopyTuples } from '../../src/store/postgres/copy-binary.js';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

function int16(value: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeInt16BE(value);
  return bytes;
}

function int32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value);
  return bytes;
}

/** Binary COPY output of text tuples, as the server writes it. */
function copyOutput(tuples: readonly (readonly (string | null)[])[], extension = Buffer.alloc(0)): Buffer {
  const parts = [SIGNATURE, int32(0), int32(extension.length), extension];
  for (const tuple of tuples) {
    parts.push(int16(tuple.length));
    for (const field of tuple) {
      if (field === null) {
        parts.push(int32(-1));
      } else {
        const bytes = Buffer.from(field, 'utf8');
        parts.push(int32(bytes.length), bytes);
      }
    }
  }
  parts.push(int16(-1));
  return Buffer.concat(parts);
}

async function* chunksOf(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < bytes.length; offset += size) {
    yield bytes.subarray(offset, offset + size);
  }
}

/** Cuts `bytes` into chunks of the given sizes in turn, repeating them until the end. */
async function* chunksOfSizes(bytes: Buffer, sizes: readonly number[]): AsyncGenerator<Buffer> {
  let offset = 0;
  for (let index = 0; offset < bytes.length; index += 1) {
    const size = sizes[index % sizes.length] ?? 1;
    yield bytes.subarray(offset, offset + size);
    offset += size;
  }
}

async function readTuples(bytes: Buffer, size = 1 << 16): Promise<(string | null)[][]> {
  const tuples: (string | null)[][] = [];
  for await (const tuple of binaryCopyTuples(chunksOf(bytes, size))) {
    tuples.push(tuple);
  }
  return tuples;
}

const TUPLES = [
  ['id-1', '2026-12-04 19:41:06.166707+00:00', '{"a": 1}', 'MomentumBot'],
  [null, null, null, 'Стратегия 🚀'],
  ['', '', '{"tab": "\t", "newline": "\n", "back": "\\\\"}', 'quote"name'],
];

describe('binaryCopyTuples', () => {
  it('reads text and NULL fields', async () => {
    expect(await readTuples(copyOutput(TUPLES))).toEqual(TUPLES);
  });

  it.each([1, 3, 7, 64])('reads chunks of %i bytes', async (size) => {
    expect(await readTuples(copyOutput(TUPLES), size)).toEqual(TUPLES);
  });

  it('reads chunks cut anywhere', async () => {
    const field = fc.option(fc.string({ unit: 'binary', maxLength: 300 }), { nil: null });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(field, { minLength: 1, maxLength: 4 }), { maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1 }), async (tuples, sizes) => {
        const bytes = copyOutput(tuples);
        const tuplesRead: (string | null)[][] = [];
        for await (const tuple of binaryCopyTuples(chunksOfSizes(bytes, sizes))) {
          tuplesRead.push(tuple);
        }
        expect(tuplesRead).toEqual(tuples);
      }),
      { numRuns: 300 },
    );
  });

  it('reads a field larger than a chunk', async () => {
    const big = `{"history": "${'é'.repeat(300_000)}"}`;

    const [tuple] = await readTuples(copyOutput([['id', null, big, 'S']]), 65_536);

    expect(tuple?.[2]).toBe(big);
  });

  it('skips a header extension', async () => {
    expect(await readTuples(copyOutput(TUPLES, Buffer.from('extension')))).toEqual(TUPLES);
  });

  it('reads an empty result', async () => {
    expect(await readTuples(copyOutput([]))).toEqual([]);
  });

  it('rejects a missing signature', async () => {
    const bytes = copyOutput(TUPLES);
    bytes[0] = 0x58;

    await expect(readTuples(bytes)).rejects.toBeInstanceOf(CopyFormatError);
  });

  it('rejects output cut inside a field', async () => {
    const bytes = copyOutput(TUPLES);

    await expect(readTuples(bytes.subarray(0, bytes.length - 20))).rejects.toThrow(/ended inside a field/);
  });

  it('rejects output without its trailer', async () => {
    const bytes = copyOutput(TUPLES);

    await expect(readTuples(bytes.subarray(0, bytes.length - 2))).rejects.toThrow(/ended inside a tuple/);
  });
});
