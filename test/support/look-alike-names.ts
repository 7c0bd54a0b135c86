import { expect } from 'vitest';

import { openStore } from '../../src/store/index.js';
import type { TestDatabase } from './db.js';

/** The name the stores read from the bytes of Bad<FF>Id, which are not UTF-8. */
export const BAD_NAME = 'Bad\udcffId';

/**
 * Inserts row n1 named Bad<FF>Id and row n2 named Bad<U+FFFD>Id, the name a
 * driver would make of the first. The times are SQL expressions. SQLite
 * stores the bytes as TEXT, and a PostgreSQL database must be SQL_ASCII.
 */
export async function insertLookAlikes(db: TestDatabase, badTime: string, lookAlikeTime: string): Promise<void> {
  const name = (hex: string) => (db.dialect === 'sqlite' ? `CAST(X'${hex}' AS TEXT)` : `convert_from('\\x${hex}'::bytea, 'SQL_ASCII')`);

  await db.exec(`INSERT INTO vars_backup VALUES ('n1', ${badTime}, '{"x": 1}', ${name('426164FF4964')})`);
  await db.exec(`INSERT INTO vars_backup VALUES ('n2', ${lookAlikeTime}, '{"x": 2}', ${name('426164EFBFBD4964')})`);
}

/** Checks that the store streams, reads and deletes BAD_NAME by its bytes, and leaves row n2. */
export async function expectExactNameMatches(db: TestDatabase): Promise<void> {
  const store = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 1000 });
  try {
    const streamed: string[] = [];
    for await (const row of store.streamRows([BAD_NAME])) {
      streamed.push(row.id ?? '');
    }
    expect(streamed).toEqual(['n1']);
    expect((await store.readStrategy(BAD_NAME))?.rows.map((row) => row.id)).toEqual(['n1']);
    expect(await store.deleteStrategies([BAD_NAME])).toBe(1);
  } finally {
    await store.close();
  }

  expect(await remainingLookAlikes(db)).toEqual([{ id: 'n2' }]);
}

/** Returns the rows n1 and n2 still in the table. */
export function remainingLookAlikes(db: TestDatabase): Promise<Record<string, unknown>[]> {
  return db.query(`SELECT id FROM vars_backup WHERE id IN ('n1', 'n2') ORDER BY id`);
}
