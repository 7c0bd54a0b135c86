/**
 * listStrategies on real tables: the order of names, and key counts and
 * errors for texts the quick key count settles and for those it leaves to
 * Vars.parse.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { listStrategies, type StrategyListing } from '../../src/cli/list-strategies.js';
import { openStore } from '../../src/store/index.js';
import { createBotTable, createTestDatabase, DIALECTS, insertRow, type TestDatabase } from '../support/db.js';

const NOW_MS = Date.parse('2026-12-04T20:00:00Z');

describe.each(DIALECTS)('listStrategies on %s', (dialect) => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    await createBotTable(db);
  });

  afterEach(async () => {
    await db.close();
  });

  async function insert(strategyId: string, variables: string | null): Promise<void> {
    await insertRow(db, { id: strategyId, last_updated: '2026-12-04 14:00:00-05:00', variables, strategy_id: strategyId });
  }

  async function list(includePlaceholder = false): Promise<StrategyListing[]> {
    const store = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 1000 });
    try {
      return await listStrategies(store, { includePlaceholder, nowMs: NOW_MS });
    } finally {
      await store.close();
    }
  }

  it('sorts names in code point order', async () => {
    const names = ['\u{1F680}', 'z', '\uffff', 'a\u{10000}', 'é', '\ue000', 'a', '\u{10000}', 'a\uffff', 'B'];
    for (const name of names) {
      await insert(name, '{}');
    }

    const listed = (await list()).map((listing) => listing.strategyId);

    expect(listed).toEqual(['B', 'a', 'a\uffff', 'a\u{10000}', 'z', 'é', '\ue000', '\uffff', '\u{10000}', '\u{1F680}']);
  });

  it.each([
    ['plain keys', '{"a": 1, "b": [1, {"c": NaN}], "d": "x"}', 3, null],
    ['a repeated key', '{"a": 1, "b": 2, "a": 3}', 2, null],
    ['an escaped key', '{"\\u0061": 1, "a": 2}', 1, null],
    ['an empty dict', '{}', 0, null],
    ['a list', '[1, 2]', null, 'the top-level value is a list, not an object'],
    ['a trailing comma', '{"a": 1,}', null, 'expected a property name in double quotes'],
    ['an int of 4301 digits', `{"a": ${'9'.repeat(4301)}}`, null, 'integer with 4301 digits; Python rejects integers longer than 4300 digits'],
    ['a NULL text', null, null, 'variables is NULL'],
  ])('inspects %s', async (_name, variables, keys, error) => {
    await insert('Bot', variables);

    const [listing] = await list();

    expect(listing?.strategyId).toBe('Bot');
    expect(listing?.keys).toBe(keys);
    expect(listing?.error).toBe(error);
  });

  it('marks the placeholder without an error', async () => {
    const [placeholder] = await list(true);

    expect(placeholder?.placeholder).toBe(true);
    expect(placeholder?.keys).toBeNull();
    expect(placeholder?.error).toBeNull();
  });
});
