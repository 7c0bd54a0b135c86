import { afterEach, describe, expect, it } from 'vitest';

import { openStore } from '../../src/store/index.js';
import { DIALECTS, createBotTable, createTestDatabase, insertRow, type TestDatabase } from '../support/db.js';

/** Gives new sessions of the test database a TimeZone; PGlite shares one session, so it is set there. */
async function setDatabaseTimeZone(db: TestDatabase, zone: string): Promise<void> {
  if (db.pglite) {
    await db.exec(`SET TimeZone = '${zone}'`);
    return;
  }
  const [current] = await db.query('SELECT current_database() AS name');
  await db.exec(`ALTER DATABASE "${String(current?.['name'])}" SET TimeZone = '${zone}'`);
}

describe.each(DIALECTS)('time zone independence (%s)', (dialect) => {
  let db: TestDatabase | undefined;
  const originalTz = process.env['TZ'];

  afterEach(async () => {
    process.env['TZ'] = originalTz;
    if (originalTz === undefined) {
      delete process.env['TZ'];
    }
    await db?.close();
  });

  it('reads the same text under any TZ and TimeZone', async () => {
    db = await createTestDatabase(dialect);
    await createBotTable(db);
    await insertRow(db, { id: 'a', last_updated: '2026-12-04 14:41:06.946717-05:00', variables: '{}', strategy_id: 'S' });
    const expected = dialect === 'sqlite' ? '2026-12-04 14:41:06.946717-05:00' : '2026-12-04 19:41:06.946717+00:00';

    const texts: string[] = [];
    for (const [processZone, sessionZone] of [
      ['UTC', 'UTC'],
      ['Asia/Tokyo', 'Pacific/Kiritimati'],
      ['America/Los_Angeles', 'Asia/Kolkata'],
    ] as const) {
      process.env['TZ'] = processZone;
      if (dialect === 'postgresql') {
        await setDatabaseTimeZone(db, sessionZone);
      }
      const store = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 1000 });
      try {
        const summary = (await store.listSummaries()).find((candidate) => candidate.strategyId === 'S');
        texts.push(summary?.lastUpdated?.text ?? '');
        expect(summary?.lastUpdated?.epochMicros).toBe(1_796_413_266_946_717n);
      } finally {
        await store.close();
      }
    }

    expect(texts).toEqual([expected, expected, expected]);
  });

  it('writes the bot format under TZ=Asia/Tokyo', async () => {
    process.env['TZ'] = 'Asia/Tokyo';
    db = await createTestDatabase(dialect);
    await createBotTable(db);
    if (dialect === 'postgresql') {
      await setDatabaseTimeZone(db, 'Asia/Tokyo');
    }
    const store = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 1000 });
    try {
      const before = BigInt(Date.now()) * 1000n;
      const row = await store.insertStrategy('S', '{}');
      const after = BigInt(Date.now()) * 1000n + 1000n;
      const instant = row.lastUpdated?.epochMicros ?? 0n;

      expect(instant >= before - 1000n).toBe(true);
      expect(instant <= after).toBe(true);
      if (dialect === 'sqlite') {
        expect(row.lastUpdated?.text).toMatch(/-0[45]:00$/);
        const stored = await db.query("SELECT last_updated, typeof(last_updated) AS type FROM vars_backup WHERE strategy_id = 'S'");
        expect(stored).toEqual([{ last_updated: row.lastUpdated?.text, type: 'text' }]);
      } else {
        const stored = await db.query("SELECT extract(epoch FROM last_updated)::text AS epoch FROM vars_backup WHERE strategy_id = 'S'");
        const seconds = Number(stored[0]?.['epoch']);
        expect(Math.abs(seconds * 1e6 - Number(instant))).toBeLessThan(2);
      }
    } finally {
      await store.close();
    }
  });
});
