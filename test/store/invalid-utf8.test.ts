import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openStore } from '../../src/store/index.js';
import { decodeEscaped, encodeEscaped, invalidUtf8Offset, unpairedSurrogate } from '../../src/store/utf8.js';
import { runVarsctl } from '../e2e/run.js';
import { createBotTable, createTestDatabase, type TestDatabase } from '../support/db.js';
import { expectExactNameMatches, insertLookAlikes, remainingLookAlikes } from '../support/look-alike-names.js';

// {"a": "<FF>"}: the byte FF can never appear in UTF-8.
const BAD_HEX = '7B2261223A2022FF227D';

describe('surrogateescape decoding', () => {
  it('decodes valid UTF-8 as usual', () => {
    expect(decodeEscaped(Buffer.from('{"a": "é €"}', 'utf8'))).toBe('{"a": "é €"}');
  });

  it('escapes each invalid byte as U+DC80 + byte', () => {
    expect(decodeEscaped(Buffer.from('61ff62', 'hex'))).toBe('a\udcffb');
  });

  it('escapes every byte of a truncated sequence', () => {
    expect(decodeEscaped(Buffer.from('e282', 'hex'))).toBe('\udce2\udc82');
  });

  it('escapes an encoded surrogate', () => {
    expect(decodeEscaped(Buffer.from('eda080', 'hex'))).toBe('\udced\udca0\udc80');
  });

  it('gives back the exact bytes for any byte string', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(encodeEscaped(decodeEscaped(bytes)).equals(Buffer.from(bytes))).toBe(true);
      }),
    );
  });

  it('names the byte offset of the first invalid byte', () => {
    expect(invalidUtf8Offset(decodeEscaped(Buffer.from(BAD_HEX, 'hex')))).toBe(7);
  });

  it('finds nothing in a valid text with an astral character', () => {
    expect(invalidUtf8Offset('{"a": "😀"}')).toBeNull();
  });
});

describe('unpairedSurrogate', () => {
  it.each([
    ['an escaped byte', 'a\udcff', { byteOffset: 1, escapedByte: true, spellsUtf8: false }],
    ['escapes that spell é', '\udcc3\udca9', { byteOffset: 0, escapedByte: true, spellsUtf8: true }],
    ['an escaped byte before another surrogate', 'a\udcff\ud800', { byteOffset: 1, escapedByte: true, spellsUtf8: false }],
    ['another surrogate first', '\ud800x\udcc3\udca9', { byteOffset: 0, escapedByte: false, spellsUtf8: false }],
  ])('describes %s', (_, text, expected) => {
    expect(unpairedSurrogate(text)).toEqual(expected);
  });

  it('finds nothing in well-formed text', () => {
    expect(unpairedSurrogate('é😀')).toBeNull();
  });
});

describe('SQLite variables that are not valid UTF-8', () => {
  let db: TestDatabase;
  let folder: string;

  beforeEach(async () => {
    db = await createTestDatabase('sqlite');
    await createBotTable(db);
    await db.exec(
      `INSERT INTO vars_backup VALUES ('b10', '2026-12-04 10:00:00-05:00', CAST(X'${BAD_HEX}' AS TEXT), 'BadUtf8Text')`,
    );
    await db.exec(
      `INSERT INTO vars_backup VALUES ('g10', '2026-12-04 10:00:00-05:00', '{"b": 1}', 'GoodText')`,
    );
    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-utf8-'));
  });

  afterEach(async () => {
    await db.close();
    rmSync(folder, { recursive: true, force: true });
  });

  async function storedHex(url: string, strategyId: string): Promise<string> {
    const store = await openStore({ url, table: 'vars_backup', lockTimeoutMs: 1000 });
    try {
      const strategy = await store.readStrategy(strategyId);
      return encodeEscaped(strategy?.rows[0]?.variables ?? '').toString('hex').toUpperCase();
    } finally {
      await store.close();
    }
  }

  it('reads the exact bytes through the store', async () => {
    expect(await storedHex(db.url, 'BadUtf8Text')).toBe(BAD_HEX);
  });

  it.each([
    ['an overlong NUL', '7B2261223A2022C080227D'],
    ['a truncated sequence', '7B2261223A2022E282227D'],
    ['a code point above U+10FFFF', '7B2261223A2022F4908080227D'],
    ['a five-byte sequence', '7B2261223A2022F888808080227D'],
    ['a lone continuation byte', '7B2261223A202280227D'],
    ['an encoded surrogate', '7B2261223A2022EDA080227D'],
    ['a valid U+FFFD', '7B2261223A2022EFBFBD227D'],
    ['a valid U+FFFD beside an FF byte', '7B2261223A2022EFBFBDFF227D'],
  ])('lists the exact bytes of %s', async (_name, hex) => {
    await db.exec(`INSERT INTO vars_backup VALUES ('x', '2026-12-04 11:00:00-05:00', CAST(X'${hex}' AS TEXT), 'Bytes')`);

    const store = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 1000 });
    try {
      const summaries = await store.listSummaries();
      const variables = summaries.find((summary) => summary.strategyId === 'Bytes')?.variables ?? '';
      expect(encodeEscaped(variables).toString('hex').toUpperCase()).toBe(hex);
      expect(summaries.find((summary) => summary.strategyId === 'GoodText')?.variables).toBe('{"b": 1}');
    } finally {
      await store.close();
    }
  });

  it('swaps a text of invalid UTF-8', async () => {
    const store = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 1000 });
    try {
      const read = await store.readStrategy('BadUtf8Text');
      const loaded = read?.rows[read.loadedIndex];
      const swap = await store.compareAndSwap('BadUtf8Text', { lastUpdated: loaded?.lastUpdated ?? null, variables: loaded?.variables ?? null }, '{"a": "b"}');
      expect(swap.status).toBe('updated');
    } finally {
      await store.close();
    }
    expect(await db.query("SELECT variables FROM vars_backup WHERE strategy_id = 'BadUtf8Text'")).toEqual([{ variables: '{"a": "b"}' }]);
  });

  it('lists names differing in invalid bytes', async () => {
    await db.exec(`INSERT INTO vars_backup VALUES ('n1', '2026-12-04 10:00:00-05:00', '{}', CAST(X'4261644E616D65FF' AS TEXT))`);
    await db.exec(`INSERT INTO vars_backup VALUES ('n2', '2026-12-04 10:00:00-05:00', '{}', CAST(X'4261644E616D65FE' AS TEXT))`);

    const store = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 1000 });
    try {
      const names = (await store.listSummaries()).map((summary) => summary.strategyId).filter((name) => name.startsWith('BadName'));
      expect(names.sort()).toEqual(['BadName\udcfe', 'BadName\udcff']);
      const ids = (await store.listStrategyIds()).filter((name) => name.startsWith('BadName'));
      expect(ids).toEqual(['BadName\udcfe', 'BadName\udcff']);
    } finally {
      await store.close();
    }
  });

  it('prints the exact bytes with show --raw', async () => {
    const result = await runVarsctl(['--db', db.url, 'show', 'BadUtf8Text', '--raw']);
    expect(result.exitCode).toBe(0);
    expect(result.stdoutBytes.toString('hex').toUpperCase()).toBe(BAD_HEX);
  });

  it('counts each bad byte as one byte in the rows note', async () => {
    // C0 AF is two bytes that are not UTF-8, each escaped apart.
    await db.exec(`INSERT INTO vars_backup VALUES ('d1', '2026-12-04 10:00:00-05:00', CAST(X'7B2262223A2022C0AF227D' AS TEXT), 'Dup')`);
    await db.exec(`INSERT INTO vars_backup VALUES ('d2', '2026-12-03 10:00:00-05:00', '{"b": 1}', 'Dup')`);

    const result = await runVarsctl(['--db', db.url, 'show', 'Dup', '--raw']);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/\* id d1 .* 11 bytes\n/);
    expect(result.stderr).toMatch(/ {3}id d2 .* 8 bytes\n/);
  });

  it('lists the strategy as unreadable with the byte offset', async () => {
    const result = await runVarsctl(['--db', db.url, 'list']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/BadUtf8Text.*not valid UTF-8 at byte 7/);
  });

  it('fails show with exit 5 naming the strategy and offset', async () => {
    const result = await runVarsctl(['--db', db.url, 'show', 'BadUtf8Text']);
    expect(result.exitCode).toBe(5);
    expect(result.stderr).toMatch(/'BadUtf8Text' are not valid UTF-8 at byte 7/);
    expect(result.stderr).toMatch(/--raw/);
  });

  it('fails set with exit 5 and leaves the row untouched', async () => {
    const result = await runVarsctl(['--db', db.url, 'set', 'BadUtf8Text', 'b', '1']);
    expect(result.exitCode).toBe(5);

    const rows = await db.query(`SELECT hex(variables) AS hex, last_updated FROM vars_backup WHERE strategy_id = 'BadUtf8Text'`);
    expect(rows).toEqual([{ hex: BAD_HEX, last_updated: '2026-12-04 10:00:00-05:00' }]);
  });

  it('exports and restores the exact bytes as TEXT', async () => {
    const exportFile = path.join(folder, 'backup.jsonl');
    const exported = await runVarsctl(['--db', db.url, 'export', '-o', exportFile]);
    expect(exported.exitCode).toBe(0);

    const target = await createTestDatabase('sqlite');
    try {
      const restored = await runVarsctl(['--db', target.url, 'restore', exportFile, '--yes']);
      expect(restored.stderr).toMatch(/restored/);
      expect(restored.exitCode).toBe(0);

      const rows = await target.query(
        `SELECT hex(variables) AS hex, typeof(variables) AS type FROM vars_backup WHERE strategy_id = 'BadUtf8Text'`,
      );
      expect(rows).toEqual([{ hex: BAD_HEX, type: 'text' }]);
    } finally {
      await target.close();
    }
  });

  it('exports and restores invalid bytes in last_updated', async () => {
    // `2026-12-04` and the byte 0xFF.
    await db.exec(`UPDATE vars_backup SET last_updated = CAST(X'323032362D31322D3034FF' AS TEXT) WHERE strategy_id = 'GoodText'`);
    const exportFile = path.join(folder, 'backup.jsonl');
    const exported = await runVarsctl(['--db', db.url, 'export', '-o', exportFile]);
    expect(exported.exitCode, exported.stderr).toBe(0);

    const target = await createTestDatabase('sqlite');
    try {
      const restored = await runVarsctl(['--db', target.url, 'restore', exportFile, '--yes', '--force']);
      expect(restored.exitCode, restored.stderr).toBe(0);

      const rows = await target.query(`SELECT hex(last_updated) AS hex FROM vars_backup WHERE strategy_id = 'GoodText'`);
      expect(rows).toEqual([{ hex: '323032362D31322D3034FF' }]);
    } finally {
      await target.close();
    }
  });

  it('purges the name with the bad byte and not its look-alike', async () => {
    // BadFFId is old, and Bad<U+FFFD>Id is new: a name bound with U+FFFD for the bad byte would match the new one.
    await insertLookAlikes(db, "'2020-01-01 10:00:00-05:00'", "'2099-01-01 10:00:00-05:00'");

    const aged = await runVarsctl(['--db', db.url, 'purge', '--older-than', '30d', '--yes', '--backup-dir', folder]);

    expect(aged.exitCode, aged.stderr).toBe(0);
    expect(await remainingLookAlikes(db)).toEqual([{ id: 'n2' }]);
  });

  it('matches a name with a bad byte exactly', async () => {
    await insertLookAlikes(db, "'2026-12-04 10:00:00-05:00'", "'2026-12-04 10:00:00-05:00'");

    await expectExactNameMatches(db);
  });

  it('keeps the exact bytes when set rewrites another strategy', async () => {
    const result = await runVarsctl(['--db', db.url, 'set', 'GoodText', 'b', '2']);
    expect(result.exitCode).toBe(0);

    const rows = await db.query(`SELECT hex(variables) AS hex FROM vars_backup WHERE strategy_id = 'BadUtf8Text'`);
    expect(rows).toEqual([{ hex: BAD_HEX }]);
  });
});

describe('a UTF-16 SQLite file', () => {
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-utf16-'));
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  function createUtf16File(): string {
    const file = path.join(folder, 'utf16.db');
    const setup = new Database(file);
    setup.pragma("encoding = 'UTF-16le'");
    setup.exec('CREATE TABLE vars_backup (id TEXT, last_updated TIMESTAMP, variables TEXT, strategy_id TEXT)');
    setup.exec(`INSERT INTO vars_backup VALUES ('1', '2025-01-01 10:00:00.000000-05:00', '{"a": 1}', 'Text')`);
    setup.exec(`INSERT INTO vars_backup VALUES ('2', '2025-01-01 10:00:00.000000-05:00', X'7B2261223A20317D', 'Blob')`);
    setup.close();
    return file;
  }

  it('is rejected by the store before any row is read', async () => {
    const store = await openStore({ url: `sqlite:///${createUtf16File()}`, table: 'vars_backup', lockTimeoutMs: 1000 });
    try {
      await expect(store.readStrategy('Text')).rejects.toThrow('stores text as UTF-16le, and varsctl reads only UTF-8 SQLite files');
      await expect(store.listSummaries()).rejects.toThrow('reads only UTF-8 SQLite files');
    } finally {
      await store.close();
    }
  });

  it.each([['list'], ['show', 'Text'], ['set', 'Blob', 'a', '2'], ['export', '-o', '-']])('fails %s with exit 1 and a way out', async (...args) => {
    const result = await runVarsctl(['--db', `sqlite:///${createUtf16File()}`, ...args]);

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('stores text as UTF-16le, and varsctl reads only UTF-8 SQLite files');
    expect(result.stderr).toContain('sqlite3 OLD.db .dump | sqlite3 NEW.db');
  });
});
