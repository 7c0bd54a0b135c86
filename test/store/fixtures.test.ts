import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { openStore, type Store, type StrategySummary } from '../../src/store/index.js';
import { FIXTURE_PG_DUMP, FIXTURE_SQLITE, fixturesMissingReason, readFixtureStrategies } from '../interop/support/fixtures.js';
import { createTestDatabase, requireRealPostgres, type TestDatabase } from '../support/db.js';

// The rows the bot wrote, as the fixture README lists them.
const SQLITE_ROWS: Readonly<Record<string, { id: string; lastUpdated: string }>> = {
  'INITIAL VALUE': { id: 'c5140717-c059-41dc-a8a2-0620ca5c86e5', lastUpdated: '2026-12-04 14:41:06.166707' },
  MomentumBot: { id: '1970f94d-1e9a-4dec-91ca-63c75da0ccba', lastUpdated: '2026-12-04 14:41:06.946717-05:00' },
  OptionsWheel: { id: '8c7bf16f-0479-4e17-893c-794bdae0489b', lastUpdated: '2026-12-04 14:41:10.087173-05:00' },
  'Стратегия Волатильность 🚀': { id: '99c90f69-61fa-4dd3-af11-2222b11f5619', lastUpdated: '2026-12-04 14:41:12.374057-05:00' },
  'MeanReversion NaN-Edge': { id: '99449540-0d8c-41e5-81bc-3de355025ffc', lastUpdated: '2026-12-04 14:41:14.537961-05:00' },
  'crypto-grid.bot v2': { id: 'e2e7662f-6e63-4295-8a7b-32a1d31cabb2', lastUpdated: '2026-12-04 14:41:16.828973-05:00' },
};

const POSTGRES_ROWS: Readonly<Record<string, { id: string; lastUpdated: string }>> = {
  'INITIAL VALUE': { id: '7be6df66-0a4c-4bc7-8ff6-2bc428458780', lastUpdated: '2026-12-04 19:41:08.108899+00:00' },
  MomentumBot: { id: 'ba73d1a3-af06-47cd-8594-de6f96b5b489', lastUpdated: '2026-12-04 19:41:08.931993+00:00' },
  OptionsWheel: { id: '67af34c4-8c51-46c8-96ff-35e814690334', lastUpdated: '2026-12-04 19:41:11.281690+00:00' },
  'Стратегия Волатильность 🚀': { id: 'ba394e4c-4173-459e-a257-885ce3010166', lastUpdated: '2026-12-04 19:41:13.435388+00:00' },
  'MeanReversion NaN-Edge': { id: '4df62d14-70f5-4e89-9c8c-da9fea4c6c1f', lastUpdated: '2026-12-04 19:41:15.641737+00:00' },
  'crypto-grid.bot v2': { id: 'f096920c-13d7-4be0-b185-d82e33adf8b9', lastUpdated: '2026-12-04 19:41:18.096454+00:00' },
};

const missingReason = fixturesMissingReason();

/** Stored variables text per strategy, from the README; the placeholder's is its marker text. */
function storedTexts(): Map<string, string> {
  const texts = new Map(readFixtureStrategies().map((strategy) => [strategy.strategyId, strategy.storedText]));
  texts.set('INITIAL VALUE', 'INITIAL VALUE');
  return texts;
}

async function checkStrategies(store: Store, expectedRows: typeof SQLITE_ROWS): Promise<StrategySummary[]> {
  const texts = storedTexts();
  const summaries = await store.listSummaries();
  expect(summaries.map((summary) => summary.strategyId).sort()).toEqual(Object.keys(expectedRows).sort());

  for (const summary of summaries) {
    const expected = expectedRows[summary.strategyId];
    expect(summary.lastUpdated?.text, summary.strategyId).toBe(expected?.lastUpdated);
    expect(summary.variables, summary.strategyId).toBe(texts.get(summary.strategyId));
    expect(summary.variablesBytes, summary.strategyId).toBe(Buffer.byteLength(texts.get(summary.strategyId) ?? ''));

    const read = await store.readStrategy(summary.strategyId);
    expect(read?.rows).toHaveLength(1);
    expect(read?.rows[read.loadedIndex]?.id, summary.strategyId).toBe(expected?.id);
    expect(read?.rows[read.loadedIndex]?.variables, summary.strategyId).toBe(texts.get(summary.strategyId));
  }
  return summaries;
}

describe.skipIf(missingReason !== null)('bot-written fixtures', () => {
  let folder: string | undefined;
  let db: TestDatabase | undefined;
  let store: Store | undefined;

  afterEach(async () => {
    await store?.close();
    await db?.close();
    if (folder !== undefined) {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('reads the SQLite file as the bot wrote it', async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-fixture-'));
    const file = path.join(folder, 'lumibot.sqlite');
    copyFileSync(FIXTURE_SQLITE, file);
    store = await openStore({ url: `sqlite:///${file}`, table: 'vars_backup', lockTimeoutMs: 1000 });

    const summaries = await checkStrategies(store, SQLITE_ROWS);
    const placeholder = summaries.find((summary) => summary.strategyId === 'INITIAL VALUE');
    // The placeholder's offset-less text is New York wall time.
    expect(placeholder?.lastUpdated?.epochMicros).toBe(1_796_413_266_166_707n);
  });

  it('reads the PostgreSQL dump as the bot wrote it', async (context) => {
    requireRealPostgres(context);
    db = await createTestDatabase('postgresql');
    execFileSync('psql', ['--quiet', '--no-psqlrc', '-v', 'ON_ERROR_STOP=1', '-d', db.url, '-f', FIXTURE_PG_DUMP], { stdio: 'pipe' });
    store = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 1000 });

    const summaries = await checkStrategies(store, POSTGRES_ROWS);
    const momentum = summaries.find((summary) => summary.strategyId === 'MomentumBot');
    expect(momentum?.lastUpdated?.epochMicros).toBe(1_796_413_268_931_993n);
  });
});
