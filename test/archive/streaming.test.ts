import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { ArchiveWriter, encodeArchive, fileInput, openFileSink, verifyArchive, type ArchiveRow } from '../../src/archive/index.js';
import { RetainedPeak } from '../support/memory.js';
import { CREATED_AT, SOURCE } from './support.js';

const ROWS = 60_000;
const STRATEGIES = 20_000;
/** Retained memory allowed to grow while 120 MB of rows stream through; the file would not fit in it. */
const HEAP_BUDGET_BYTES = 48 * 1024 * 1024;

const folder = mkdtempSync(path.join(tmpdir(), 'varsctl-stream-'));
const file = path.join(folder, 'large.jsonl');

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

async function* generatedRows(): AsyncGenerator<ArchiveRow> {
  const filler = 'x'.repeat(1900);
  for (let index = 0; index < ROWS; index++) {
    yield {
      strategyId: `strategy-${index % STRATEGIES}`,
      id: `id-${index}`,
      lastUpdated: {
        text: `2026-12-04 14:41:06.${String(index).padStart(6, '0')}-05:00`,
        dialect: 'sqlite',
        epochMicros: 1796413266000000n + BigInt(index),
      },
      variables: `{"index": ${index}, "filler": "${filler}"}`,
    };
  }
}

describe('streaming export', () => {
  it('writes many rows in bounded memory', async () => {
    const writer = new ArchiveWriter({ createdAt: CREATED_AT, source: SOURCE, tool: 'varsctl test' });
    const sink = await openFileSink({ path: file, replace: false });
    const memory = new RetainedPeak(50);

    for await (const chunk of encodeArchive(generatedRows(), writer)) {
      await sink.write(chunk);
      memory.sample();
    }
    await sink.finish();

    expect(writer.rows).toBe(ROWS);
    expect(writer.strategies).toBe(STRATEGIES);
    expect(statSync(file).size).toBe(writer.bytes);
    expect(writer.bytes).toBeGreaterThan(ROWS * 1900);
    expect(memory.growth()).toBeLessThan(HEAP_BUDGET_BYTES);
  });

  it('verifies many rows in bounded memory', async () => {
    const input = await fileInput(file);
    const memory = new RetainedPeak(50);
    const sampled: ReturnType<typeof input.open> = {
      async *[Symbol.asyncIterator]() {
        for await (const chunk of input.open()) {
          memory.sample();
          yield chunk;
        }
      },
    };

    const manifest = await verifyArchive({ name: input.name, open: () => sampled }, { acceptEdits: false });

    expect(manifest.rows).toBe(ROWS);
    expect(manifest.strategies.size).toBe(STRATEGIES);
    expect(manifest.strategies.get('strategy-7')?.rows).toBe(ROWS / STRATEGIES);
    expect(manifest.strategies.get('strategy-7')?.loadedLine).toBe(2 + 7 + 2 * STRATEGIES);
    expect(memory.growth()).toBeLessThan(HEAP_BUDGET_BYTES);
  });
});
