import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';

import { RuntimeFailure, UsageError } from '../errors.js';
import { BackgroundFlusher } from './background-flush.js';

/** The destination of an export: a file, a device or a pipe. */
export interface ExportSink {
  /** The destination as messages name it. */
  readonly name: string;
  write(chunk: Uint8Array): Promise<void>;
  /** Makes the written bytes durable and visible at the destination. */
  finish(): Promise<void>;
  /** Removes whatever `finish` would have made visible. Errors while removing are ignored. */
  discard(): Promise<void>;
}

export interface OpenFileSinkOptions {
  readonly path: string;
  /** Replace an existing regular file (`--force`). */
  readonly replace: boolean;
}

/** Export files hold every strategy's state, so only their owner may read them. */
export const EXPORT_FILE_MODE = 0o600;

/**
 * Opens the destination of an export. A regular file is written atomically:
 * the bytes go to a temporary file in the same folder, which `finish`
 * fsyncs and renames over the destination, then fsyncs the folder. Until
 * then nothing exists at the destination, and `discard` removes the
 * temporary file. A character device or a FIFO (`/dev/full`,
 * `/dev/stdout`, a named pipe) is written directly.
 */
export async function openFileSink(options: OpenFileSinkOptions): Promise<ExportSink> {
  const destination = await resolveDestination(options.path);

  if (destination.kind === 'stream') {
    return openStreamSink(destination.path);
  }
  if (destination.kind === 'existing' && !options.replace) {
    throw fileExists(options.path);
  }
  return openAtomicSink(destination.path, options);
}

type Destination = { kind: 'new' | 'existing' | 'stream'; path: string };

async function resolveDestination(target: string): Promise<Destination> {
  let stats;
  try {
    stats = await fs.stat(target);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') {
      return { kind: 'new', path: target };
    }
    throw fileFailure(`cannot check the export destination ${target}`, error);
  }

  if (stats.isDirectory()) {
    throw new UsageError(`the export destination ${target} is a folder`, {
      hint: `name a file inside it, for example -o ${path.join(target, 'vars-backup.jsonl')}`,
    });
  }
  if (stats.isCharacterDevice() || stats.isFIFO() || stats.isSocket()) {
    return { kind: 'stream', path: target };
  }

  // A symbolic link is followed, so the file it points to is replaced and the link stays.
  return { kind: 'existing', path: await fs.realpath(target) };
}

async function openAtomicSink(destination: string, options: OpenFileSinkOptions): Promise<ExportSink> {
  const folder = path.dirname(destination);
  const temporary = path.join(folder, `.${path.basename(destination)}.${randomBytes(6).toString('hex')}.tmp`);

  let handle: fs.FileHandle;
  try {
    handle = await fs.open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, EXPORT_FILE_MODE);
  } catch (error) {
    throw fileFailure(`cannot create the export file in ${folder}`, error);
  }

  let closed = false;
  const close = async () => {
    if (!closed) {
      closed = true;
      await handle.close();
    }
  };
  const flusher = new BackgroundFlusher(handle);

  return {
    name: options.path,

    async write(chunk) {
      try {
        await writeFully(handle, chunk);
        flusher.written(chunk.length);
      } catch (error) {
        throw fileFailure(`writing the export file ${options.path} failed`, error);
      }
    },

    async finish() {
      try {
        await flusher.settle();
        await handle.sync();
        await close();
      } catch (error) {
        throw fileFailure(`writing the export file ${options.path} failed`, error);
      }

      await publish(temporary, destination, options);
      await syncFolder(folder);
    },

    async discard() {
      await flusher.settle().catch(() => undefined);
      await close().catch(() => undefined);
      await fs.rm(temporary, { force: true }).catch(() => undefined);
    },
  };
}

/**
 * Moves the finished temporary file to the destination. Without `replace`
 * it uses link(2), which fails if a file appeared at the destination while
 * the export ran, instead of rename(2), which would replace it.
 */
async function publish(temporary: string, destination: string, options: OpenFileSinkOptions): Promise<void> {
  if (!options.replace) {
    try {
      await fs.link(temporary, destination);
      await fs.rm(temporary, { force: true });
      return;
    } catch (error) {
      const code = errorCode(error);
      if (code === 'EEXIST') {
        throw fileExists(options.path);
      }
      // File systems without hard links (FAT, some network mounts) fall
      // back to rename after one more check.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') {
        throw fileFailure(`cannot move the export file into place at ${options.path}`, error);
      }
      if (await exists(destination)) {
        throw fileExists(options.path);
      }
    }
  }

  try {
    await fs.rename(temporary, destination);
  } catch (error) {
    throw fileFailure(`cannot move the export file into place at ${options.path}`, error);
  }
}

async function openStreamSink(target: string): Promise<ExportSink> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(target, 'w');
  } catch (error) {
    throw fileFailure(`cannot open ${target} for the export`, error);
  }

  return {
    name: target,

    async write(chunk) {
      try {
        await writeFully(handle, chunk);
      } catch (error) {
        throw fileFailure(`writing the export to ${target} failed`, error, 'incomplete output');
      }
    },

    async finish() {
      await handle.close();
    },

    async discard() {
      await handle.close().catch(() => undefined);
    },
  };
}

async function writeFully(handle: fs.FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

/** Makes the rename itself durable: without it a crash can forget the new directory entry. */
async function syncFolder(folder: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(folder, 'r');
    await handle.sync();
  } catch (error) {
    // Some file systems cannot fsync a folder; the file itself is already durable.
    const code = errorCode(error);
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EISDIR') {
      throw fileFailure(`cannot fsync the folder ${folder} after writing the export`, error);
    }
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

async function exists(target: string): Promise<boolean> {
  try {
    await fs.lstat(target);
    return true;
  } catch {
    return false;
  }
}

function fileExists(target: string): UsageError {
  return new UsageError(`the export file ${target} already exists`, {
    hint: 'add --force to replace it, or choose another name (a date pattern such as -o backup-%Y%m%d-%H%M%S.jsonl makes each name new)',
  });
}

const REASONS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOENT: 'the folder does not exist',
  ENOTDIR: 'a part of the path is not a folder',
  EIO: 'an input/output error',
};

const HINTS: Readonly<Record<string, string>> = {
  ENOSPC: 'free some space or write the export elsewhere',
  EDQUOT: 'free some space or write the export elsewhere',
  EACCES: 'choose a folder you can write to, or fix its permissions',
  EPERM: 'choose a folder you can write to, or fix its permissions',
  EROFS: 'choose a folder on a writable file system',
  ENOENT: 'create the folder first, or check the path',
};

/**
 * Builds a RuntimeFailure naming the operation, the system's reason and what
 * to do. `left` names what the failure leaves: nothing (an export file is
 * written under a temporary name and removed) or incomplete output (a
 * device or pipe keeps what it got).
 */
export function fileFailure(what: string, error: unknown, left: 'nothing' | 'incomplete output' = 'nothing'): RuntimeFailure {
  const code = errorCode(error);
  const reason = (code !== undefined ? REASONS[code] : undefined) ?? (error instanceof Error ? error.message : String(error));
  const suffix = code !== undefined ? ` (${code})` : '';
  const advice = (code !== undefined ? HINTS[code] : undefined) ?? 'check the path and the file system, then run the command again';
  const outcome = left === 'nothing' ? 'no partial file was left behind' : 'what was written so far is incomplete';

  return new RuntimeFailure(`${what}: ${reason}${suffix}`, {
    hint: code === 'ENOSPC' || code === 'EDQUOT' ? `${advice}; ${outcome}` : advice,
    cause: error,
  });
}

export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}
