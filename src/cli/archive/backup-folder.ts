import { promises as fs } from 'node:fs';
import path from 'node:path';

import { errorCode } from '../../archive/file-sink.js';
import { RuntimeFailure } from '../../errors.js';

const HINT = 'choose another folder with --backup-dir, or create this one yourself';

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'the file system does not allow a new folder there',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is not a folder',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
};

/**
 * Creates `folder` and each missing parent, one component at a time, with
 * `mode`. Node's recursive mkdir can loop forever where a mkdir fails with
 * ENOENT although the parent exists (under /proc), so each step runs once.
 */
export async function createBackupFolder(folder: string, mode: number): Promise<void> {
  const target = path.resolve(folder);

  for (const component of pathPrefixes(target)) {
    const kind = await entryKind(component, folder);
    if (kind === 'folder') {
      continue;
    }
    if (kind === 'other') {
      throw notAFolder(folder, component);
    }

    await makeOneFolder(component, folder, mode);
  }
}

/** Lists `/a`, `/a/b`, `/a/b/c` for the absolute path `/a/b/c`, root excluded. */
function pathPrefixes(target: string): string[] {
  const root = path.parse(target).root;
  const parts = target.slice(root.length).split(path.sep).filter((part) => part.length > 0);

  const prefixes: string[] = [];
  let current = root;
  for (const part of parts) {
    current = path.join(current, part);
    prefixes.push(current);
  }
  return prefixes;
}

async function entryKind(component: string, folder: string): Promise<'folder' | 'other' | 'missing'> {
  try {
    const stats = await fs.stat(component);
    return stats.isDirectory() ? 'folder' : 'other';
  } catch (error) {
    if (errorCode(error) === 'ENOENT') {
      return 'missing';
    }
    throw creationFailure(folder, component, error);
  }
}

async function makeOneFolder(component: string, folder: string, mode: number): Promise<void> {
  try {
    await fs.mkdir(component, { mode });
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') {
      throw creationFailure(folder, component, error);
    }

    // Another process created it between the check and the mkdir.
    if ((await entryKind(component, folder)) !== 'folder') {
      throw notAFolder(folder, component);
    }
  }
}

function notAFolder(folder: string, component: string): RuntimeFailure {
  const message =
    component === path.resolve(folder)
      ? `backup folder ${folder} exists but is not a folder`
      : `cannot create the backup folder ${folder}: ${component} exists but is not a folder`;
  return new RuntimeFailure(message, { hint: HINT });
}

function creationFailure(folder: string, component: string, error: unknown): RuntimeFailure {
  const code = errorCode(error);
  const reason = (code !== undefined ? REASONS[code] : undefined) ?? (error instanceof Error ? error.message : String(error));
  const suffix = code !== undefined ? ` (${code})` : '';
  const where = component === path.resolve(folder) ? '' : ` at ${component}`;

  return new RuntimeFailure(`cannot create the backup folder ${folder}${where}: ${reason}${suffix}`, { hint: HINT, cause: error });
}
