import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { BackgroundFlusher, FLUSH_INTERVAL_BYTES } from '../../src/archive/background-flush.js';

/** A file handle stand-in whose flushes are counted and end when the test calls `finish`. */
class RecordingHandle {
  calls = 0;
  private finishers: ((error?: Error) => void)[] = [];

  datasync(): Promise<void> {
    this.calls += 1;
    return new Promise((resolve, reject) => {
      this.finishers.push((error) => (error === undefined ? resolve() : reject(error)));
    });
  }

  finish(error?: Error): void {
    this.finishers.shift()?.(error);
  }
}

describe('BackgroundFlusher', () => {
  it('flushes once per interval', async () => {
    const handle = new RecordingHandle();
    const flusher = new BackgroundFlusher(handle);

    flusher.written(FLUSH_INTERVAL_BYTES - 1);
    expect(handle.calls).toBe(0);
    flusher.written(1);
    expect(handle.calls).toBe(1);

    handle.finish();
    await flusher.settle();
    flusher.written(FLUSH_INTERVAL_BYTES);
    expect(handle.calls).toBe(2);
  });

  it('starts no second flush while one runs', () => {
    const handle = new RecordingHandle();
    const flusher = new BackgroundFlusher(handle);

    flusher.written(FLUSH_INTERVAL_BYTES);
    flusher.written(FLUSH_INTERVAL_BYTES);
    expect(handle.calls).toBe(1);
  });

  it('throws a failed flush from settle', async () => {
    const handle = new RecordingHandle();
    const flusher = new BackgroundFlusher(handle);

    flusher.written(FLUSH_INTERVAL_BYTES);
    handle.finish(new Error('EIO: i/o error, fdatasync'));

    await expect(flusher.settle()).rejects.toThrow('EIO');
  });

  it('throws a failed flush from the next write', async () => {
    const handle = new RecordingHandle();
    const flusher = new BackgroundFlusher(handle);

    flusher.written(FLUSH_INTERVAL_BYTES);
    handle.finish(new Error('ENOSPC: no space left on device, fdatasync'));
    await new Promise((resolve) => setImmediate(resolve));

    expect(() => flusher.written(1)).toThrow('ENOSPC');
  });
});

describe('BackgroundFlusher on a real file', () => {
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-flush-'));
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('keeps every byte written', async () => {
    const file = path.join(folder, 'export.jsonl');
    const handle = await open(file, 'w');
    const flusher = new BackgroundFlusher(handle);
    const chunk = Buffer.alloc(4 * 1024 * 1024, 'x');

    for (let index = 0; index < 10; index += 1) {
      chunk[0] = 0x30 + index;
      await handle.write(chunk, 0, chunk.length, index * chunk.length);
      flusher.written(chunk.length);
    }
    await flusher.settle();
    await handle.close();

    const written = readFileSync(file);
    expect(written.length).toBe(40 * 1024 * 1024);
    expect(written[9 * chunk.length]).toBe(0x39);
  });
});
