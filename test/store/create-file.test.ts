import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { NotFoundError } from '../../src/errors.js';
import { openStore } from '../../src/store/index.js';

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('opening a missing SQLite file', () => {
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-create-'));
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('fails and creates nothing without createSqliteFile', async () => {
    const file = path.join(folder, 'new.db');
    const error = await caught(openStore({ url: `sqlite:///${file}`, table: 'vars_backup', lockTimeoutMs: 100 }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(existsSync(file)).toBe(false);
  });

  it('creates the file with mode 0600 and restores into it', async () => {
    const file = path.join(folder, 'new.db');
    const store = await openStore({ url: `sqlite:///${file}`, table: 'vars_backup', lockTimeoutMs: 100, createSqliteFile: true });
    try {
      async function* rows() {
        yield { id: 'r1', lastUpdated: null, variables: '{"a": 1}', strategyId: 'Fresh' };
      }
      expect(await store.replaceStrategies(['Fresh'], rows())).toBe(1);
      expect((await store.readStrategy('Fresh'))?.rows[0]?.variables).toBe('{"a": 1}');
    } finally {
      await store.close();
    }
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('names a missing folder', async () => {
    const file = path.join(folder, 'absent', 'new.db');
    const error = await caught(
      openStore({ url: `sqlite:///${file}`, table: 'vars_backup', lockTimeoutMs: 100, createSqliteFile: true }),
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain(`folder ${path.join(folder, 'absent')} does not exist`);
    expect(existsSync(path.dirname(file))).toBe(false);
  });
});
