import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

import { UsageError } from '../errors.js';
import { errorCode, fileFailure } from './file-sink.js';
import type { ArchiveInput } from './manifest.js';

const READ_CHUNK_BYTES = 1024 * 1024;

/** Opens an export file on disk for reading. Throws UsageError when it cannot be read. */
export async function fileInput(filePath: string): Promise<ArchiveInput> {
  try {
    const stats = await fs.stat(filePath);
    if (stats.isDirectory()) {
      throw new UsageError(`${filePath} is a folder, not an export file`, { hint: 'name the export file itself' });
    }
    await fs.access(filePath, fs.constants.R_OK);
  } catch (error) {
    if (error instanceof UsageError) {
      throw error;
    }
    const reason = errorCode(error) === 'ENOENT' ? 'no such file' : 'it cannot be read';
    throw new UsageError(`cannot read the export file ${filePath}: ${reason}`, {
      hint: 'check the path; varsctl export -o FILE writes one',
      cause: error,
    });
  }

  return { name: filePath, open: () => readChunks(filePath) };
}

/** A spooled copy of a stream that can be read more than once, and removed. */
export interface SpooledInput extends ArchiveInput {
  remove(): Promise<void>;
}

/**
 * Copies a stream (standard input) to a private temporary file, so that it
 * can be verified completely before anything is written and then read again.
 */
export async function spoolInput(name: string, stream: NodeJS.ReadableStream, signal?: AbortSignal): Promise<SpooledInput> {
  const folder = await fs.mkdtemp(path.join(tmpdir(), 'varsctl-restore-'));
  const file = path.join(folder, 'input.jsonl');
  const remove = () => fs.rm(folder, { recursive: true, force: true });

  try {
    const handle = await fs.open(file, 'wx', 0o600);
    await pipeline(stream, handle.createWriteStream(), { signal });
  } catch (error) {
    await remove();
    if (signal?.aborted) {
      throw signal.reason;
    }
    throw fileFailure(`cannot copy ${name} to a temporary file in ${tmpdir()}`, error);
  }

  return { name, open: () => readChunks(file, name), remove };
}

/**
 * Reads a file in chunks of READ_CHUNK_BYTES into one buffer that is reused:
 * each chunk is valid only until the next one is requested, so a consumer
 * copies whatever it keeps. Reusing the buffer keeps a large file from
 * leaving a trail of dead 1 MiB buffers for the garbage collector.
 */
async function* readChunks(filePath: string, name = filePath): AsyncGenerator<Uint8Array> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(filePath, 'r');
  } catch (error) {
    throw fileFailure(`reading the export file ${name} failed`, error);
  }

  const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  try {
    for (;;) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, 0, buffer.length, null));
      } catch (error) {
        throw fileFailure(`reading the export file ${name} failed`, error);
      }
      if (bytesRead === 0) {
        return;
      }
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
}
