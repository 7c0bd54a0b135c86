import { gzipSync } from 'node:zlib';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DURATION_UNITS, parseDuration } from '../../src/cli/duration.js';
import { buildProgram } from '../../src/cli/main.js';
import { bashQuote, strategyNotFound, suggestNames } from '../../src/cli/strategy.js';
import { CorruptDataError, UsageError } from '../../src/errors.js';
import { openStore, type Store } from '../../src/store/index.js';
import { seedBotTable } from '../e2e/seed.js';
import { encode, readError, sampleRows } from '../archive/support.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const COMPOSED = 'Caf\u00e9';
const DECOMPOSED = 'Cafe\u0301';

describe('gzip-compressed export', () => {
  it('names gzip and gunzip', async () => {
    const error = await readError(gzipSync(encode(sampleRows())));

    expect(error).toBeInstanceOf(CorruptDataError);
    expect(error.message).toBe('test.jsonl is gzip-compressed, but varsctl reads only uncompressed export files');
    expect((error as CorruptDataError).hint).toBe('decompress it on the way in: gunzip -c test.jsonl | varsctl restore -');
  });
});

describe('strategy names that differ in accent encoding', () => {
  let db: TestDatabase;
  let store: Store;

  beforeEach(async () => {
    db = await createTestDatabase('sqlite');
    await seedBotTable(db, [{ strategyId: DECOMPOSED, variables: '{"a": 1}' }]);
    store = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 2000 });
  });

  afterEach(async () => {
    await store.close();
    await db.close();
  });

  it('explains the encoding in the hint', async () => {
    const error = await strategyNotFound(store, COMPOSED);

    expect(error.message).toBe(`strategy '${COMPOSED}' not found in vars_backup`);
    expect(error.hint).toContain(`the table has '${DECOMPOSED}', which is $'Cafe\\u0301' in bash`);
    expect(error.hint).toContain('differing only in how accents are encoded');
  });

  it('suggests the decomposed name first', () => {
    expect(suggestNames(COMPOSED, ['Cafe', DECOMPOSED])).toEqual([DECOMPOSED, 'Cafe']);
  });
});

describe('bashQuote', () => {
  it('escapes non-ASCII, quotes and backslashes', () => {
    expect(bashQuote(DECOMPOSED)).toBe("$'Cafe\\u0301'");
    expect(bashQuote("it's \\ 🚀")).toBe("$'it\\'s \\\\ \\U0001f680'");
  });
});

describe('duration units', () => {
  it('purge help lists every unit of the hint', () => {
    const purge = buildProgram().commands.find((command) => command.name() === 'purge');
    let help = '';
    purge?.configureOutput({ writeOut: (text) => (help += text) });
    purge?.outputHelp();

    expect(help).toContain(`Units:\n${DURATION_UNITS}.`);
    expect(() => parseDuration('5 fortnights', '--older-than', { unitless: 'rejected' })).toThrow(UsageError);
    try {
      parseDuration('5 fortnights', '--older-than', { unitless: 'rejected' });
    } catch (error) {
      expect((error as UsageError).hint).toContain(`units: ${DURATION_UNITS}`);
    }
  });

  it('accepts every unit the help lists', () => {
    for (const value of ['250ms', '1s', '2sec', '3m', '4min', '5h', '6d', '7w', '1.5h']) {
      expect(parseDuration(value, '--older-than', { unitless: 'rejected' }), value).toBeGreaterThan(0);
    }
  });
});
