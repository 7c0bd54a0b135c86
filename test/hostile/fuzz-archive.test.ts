/**
 * Fuzzing the export reader. Random bytes and every kind of damage to a
 * valid export give CorruptDataError and nothing else. Exports of random
 * rows read back to the same rows, in chunks of any size. A file without
 * line breaks is rejected once its first line passes the line limit,
 * without reading the rest into memory.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { readArchive, type ArchiveEntry, type ArchiveRow, type ArchiveTimestamp } from '../../src/archive/index.js';
import { CorruptDataError } from '../../src/errors.js';
import { chunksOf, encode } from '../archive/support.js';
import { pythonDict, pythonString } from '../vars/arbitraries.js';
import { serializeValue } from '../../src/vars/index.js';

const RUNS = 1000;

const timestamp: fc.Arbitrary<ArchiveTimestamp | null> = fc.oneof(
  fc.constant(null),
  fc.record({
    text: fc.oneof(fc.constant('2026-12-04 14:41:06.946717-05:00'), pythonString),
    dialect: fc.constantFrom('sqlite' as const, 'postgresql' as const),
    epochMicros: fc.oneof(fc.constant(null), fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n })),
  }),
);

const archiveRow: fc.Arbitrary<ArchiveRow> = fc.record({
  strategyId: pythonString,
  id: fc.oneof(fc.constant(null), fc.uuid(), pythonString),
  lastUpdated: timestamp,
  variables: fc.oneof(fc.constant(null), pythonDict.map(serializeValue), pythonString, fc.constant('INITIAL VALUE')),
});

const archive = fc.array(archiveRow, { maxLength: 8 }).map((rows) => ({ rows, bytes: encode(rows) }));

type Damage =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; byte: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate-line'; line: number }
  | { kind: 'swap-lines'; line: number };

const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-line' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swap-lines' as const), line: fc.nat() }),
);

function applyDamage(bytes: Buffer, change: Damage): Buffer {
  const at = 'at' in change ? change.at % bytes.length : 0;
  switch (change.kind) {
    case 'flip': {
      const copy = Buffer.from(bytes);
      copy[at] = (copy[at] ?? 0) ^ (1 << change.bit);
      return copy;
    }
    case 'delete':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + change.length)]);
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([change.byte]), bytes.subarray(at)]);
    case 'truncate':
      return bytes.subarray(0, at);
    case 'duplicate-line':
    case 'swap-lines': {
      const lines = bytes.toString('latin1').split('\n').slice(0, -1);
      const index = change.line % lines.length;
      const next = (index + 1) % lines.length;
      if (change.kind === 'duplicate-line') {
        lines.splice(index, 0, lines[index] ?? '');
      } else {
        [lines[index], lines[next]] = [lines[next] ?? '', lines[index] ?? ''];
      }
      return Buffer.from(`${lines.join('\n')}\n`, 'latin1');
    }
  }
}

async function readAllEntries(chunks: AsyncIterable<Uint8Array>, acceptEdits = false): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  for await (const entry of readArchive(chunks, { name: 'fuzzed.jsonl', acceptEdits })) {
    entries.push(entry);
  }
  return entries;
}

/** Reads a file; returns its entries, or the CorruptDataError it was rejected with. Any other error fails the test. */
async function readOrRejection(bytes: Buffer, acceptEdits = false, chunkSize = 4096): Promise<ArchiveEntry[] | CorruptDataError> {
  try {
    return await readAllEntries(chunksOf(bytes, chunkSize), acceptEdits);
  } catch (error) {
    if (error instanceof CorruptDataError) {
      return error;
    }
    throw error;
  }
}

function rowsOf(entries: readonly ArchiveEntry[]): ArchiveRow[] {
  return entries.flatMap((entry) => (entry.kind === 'row' ? [entry.row] : []));
}

describe('export reader fuzzing', () => {
  it('reads random rows back in any chunk size', async () => {
    await fc.assert(
      fc.asyncProperty(archive, fc.integer({ min: 1, max: 300 }), async ({ rows, bytes }, chunkSize) => {
        const entries = await readOrRejection(bytes, false, chunkSize);

        expect(entries).not.toBeInstanceOf(CorruptDataError);
        expect(rowsOf(entries as ArchiveEntry[])).toEqual(rows);
        expect((entries as ArchiveEntry[]).at(-1)).toMatchObject({ kind: 'end', checksumMatches: true });
      }),
      { numRuns: RUNS },
    );
  });

  it('rejects every damaged file', async () => {
    await fc.assert(
      fc.asyncProperty(archive, damage, async ({ bytes }, change) => {
        const damaged = applyDamage(bytes, change);
        fc.pre(!damaged.equals(bytes));

        expect(await readOrRejection(damaged)).toBeInstanceOf(CorruptDataError);
      }),
      { numRuns: RUNS },
    );
  });

  it('accepts only CorruptDataError with --accept-edits', async () => {
    await fc.assert(
      fc.asyncProperty(archive, damage, async ({ bytes }, change) => {
        const result = await readOrRejection(applyDamage(bytes, change), true);

        if (!(result instanceof CorruptDataError)) {
          expect(result.at(-1)?.kind).toBe('end');
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('rejects random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        expect(await readOrRejection(Buffer.from(bytes))).toBeInstanceOf(CorruptDataError);
      }),
      { numRuns: RUNS },
    );
  });

  it('rejects a file without line breaks in bounded memory', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    const baseline = process.memoryUsage().arrayBuffers;
    let peak = baseline;
    let produced = 0;

    // Up to 1 GiB, produced lazily; the reader must stop near the 64 MiB line limit.
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (let index = 0; index < 1024; index += 1) {
        produced += chunk.length;
        peak = Math.max(peak, process.memoryUsage().arrayBuffers);
        yield Buffer.from(chunk);
      }
    }

    await expect(readAllEntries(endless())).rejects.toThrow(/line 1 is longer than 64 MiB/);
    expect(produced).toBeLessThanOrEqual(66 * 1024 * 1024);
    expect(peak - baseline).toBeLessThan(160 * 1024 * 1024);
  });
});
