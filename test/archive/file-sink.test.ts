import { mkdtempSync, promises as fs, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { fileFailure, openFileSink } from '../../src/archive/index.js';
import { RuntimeFailure, UsageError } from '../../src/errors.js';
import { makeReadOnlyFolder } from './read-only.js';

let folder: string;

beforeEach(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'varsctl-sink-'));
});

afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

async function captureError(action: () => Promise<unknown>): Promise<Error> {
  try {
    await action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('no error was thrown');
}

describe('file sink', () => {
  it('publishes the file only on finish', async () => {
    const target = path.join(folder, 'backup.jsonl');
    const sink = await openFileSink({ path: target, replace: false });

    await sink.write(Buffer.from('line\n'));
    expect(readdirSync(folder)).toHaveLength(1);
    expect(readdirSync(folder)[0]).toMatch(/^\.backup\.jsonl\.[0-9a-f]{12}\.tmp$/);
    await expect(fs.access(target)).rejects.toThrow();

    await sink.finish();
    expect(readdirSync(folder)).toEqual(['backup.jsonl']);
    expect(await fs.readFile(target, 'utf8')).toBe('line\n');
  });

  it('creates the file with mode 0600', async () => {
    const target = path.join(folder, 'backup.jsonl');
    const sink = await openFileSink({ path: target, replace: false });
    await sink.finish();

    expect(statSync(target).mode & 0o777).toBe(0o600);
  });

  it('leaves nothing after discard', async () => {
    const sink = await openFileSink({ path: path.join(folder, 'backup.jsonl'), replace: false });
    await sink.write(Buffer.from('partial'));

    await sink.discard();

    expect(readdirSync(folder)).toEqual([]);
  });

  it('rejects an existing file', async () => {
    const target = path.join(folder, 'backup.jsonl');
    writeFileSync(target, 'old');

    const error = await captureError(() => openFileSink({ path: target, replace: false }));

    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe(`the export file ${target} already exists`);
    expect((error as UsageError).hint).toMatch(/--force/);
    expect(readdirSync(folder)).toEqual(['backup.jsonl']);
  });

  it('replaces an existing file', async () => {
    const target = path.join(folder, 'backup.jsonl');
    writeFileSync(target, 'old', { mode: 0o644 });

    const sink = await openFileSink({ path: target, replace: true });
    await sink.write(Buffer.from('new'));
    await sink.finish();

    expect(await fs.readFile(target, 'utf8')).toBe('new');
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });

  it('rejects a file that appears meanwhile', async () => {
    const target = path.join(folder, 'backup.jsonl');
    const sink = await openFileSink({ path: target, replace: false });
    await sink.write(Buffer.from('new'));
    writeFileSync(target, 'other');

    const error = await captureError(() => sink.finish());
    await sink.discard();

    expect(error).toBeInstanceOf(UsageError);
    expect(await fs.readFile(target, 'utf8')).toBe('other');
    expect(readdirSync(folder)).toEqual(['backup.jsonl']);
  });

  it('replaces the target of a symbolic link', async () => {
    const target = path.join(folder, 'real.jsonl');
    const link = path.join(folder, 'latest.jsonl');
    writeFileSync(target, 'old');
    symlinkSync(target, link);

    const sink = await openFileSink({ path: link, replace: true });
    await sink.write(Buffer.from('new'));
    await sink.finish();

    expect((await fs.lstat(link)).isSymbolicLink()).toBe(true);
    expect(await fs.readFile(target, 'utf8')).toBe('new');
  });

  it('rejects a folder as destination', async () => {
    const error = await captureError(() => openFileSink({ path: folder, replace: true }));

    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(/is a folder/);
  });

  it('reports a missing folder', async () => {
    const error = await captureError(() => openFileSink({ path: path.join(folder, 'missing', 'backup.jsonl'), replace: false }));

    expect(error).toBeInstanceOf(RuntimeFailure);
    expect(error.message).toMatch(/cannot create the export file in .*missing: the folder does not exist \(ENOENT\)/);
  });

  it('reports a full device', async () => {
    const sink = await openFileSink({ path: '/dev/full', replace: false });

    const error = await captureError(() => sink.write(Buffer.from('data')));
    await sink.discard();

    expect(error).toBeInstanceOf(RuntimeFailure);
    expect(error.message).toBe('writing the export to /dev/full failed: no space left on the device (ENOSPC)');
    expect((error as RuntimeFailure).hint).toBe('free some space or write the export elsewhere; what was written so far is incomplete');
  });

  it('notes that a full disk left no file', () => {
    const error = fileFailure('writing the export file backup.jsonl failed', Object.assign(new Error('no space'), { code: 'ENOSPC' }));

    expect(error.hint).toBe('free some space or write the export elsewhere; no partial file was left behind');
  });

  it('reports a read-only folder', async (context) => {
    const readOnly = path.join(folder, 'read-only');
    const undo = makeReadOnlyFolder(readOnly);
    if (undo === null) {
      context.skip('cannot make a folder read-only here');
      return;
    }

    try {
      const error = await captureError(() => openFileSink({ path: path.join(readOnly, 'backup.jsonl'), replace: false }));

      expect(error).toBeInstanceOf(RuntimeFailure);
      expect(error.message).toMatch(/cannot create the export file in .*read-only: (permission denied|operation not permitted)/);
      expect(readdirSync(readOnly)).toEqual([]);
    } finally {
      undo();
    }
  });
});
