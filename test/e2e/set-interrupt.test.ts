import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createTestDatabase, requireRealPostgres, type TestDatabase } from '../support/db.js';
import { runVarsctl, startVarsctl } from './run.js';
import { readRows, readVariables, seedBotTable } from './seed.js';

const BOT = '{"qty": 4, "stop": 0.05}';

async function waitFor(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await condition()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting until ${what}`);
}

describe('set interrupted by Ctrl-C', () => {
  let db: TestDatabase;

  afterEach(async () => {
    await db.close();
  });

  describe('on postgresql', () => {
    beforeEach(async () => {
      db = await createTestDatabase('postgresql');
      await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT }]);
    });

    it('rolls back an update under way', async (context) => {
      requireRealPostgres(context);
      const before = await readRows(db, 'Bot');

      // A SHARE lock lets the set lock its rows but blocks its UPDATE, so
      // the interrupt lands inside the set's transaction.
      await db.exec('BEGIN');
      await db.exec('LOCK TABLE vars_backup IN SHARE MODE');
      const running = startVarsctl(['set', 'Bot', 'qty', '10', '--lock-timeout', '30000'], { env: { DB_CONNECTION_STR: db.url } });

      await waitFor(async () => {
        await db.query('SELECT pg_stat_clear_snapshot()');
        const waiting = await db.query(
          "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE%' AND datname = current_database()",
        );
        return waiting.length > 0;
      }, 'the set waits for its UPDATE');
      running.child.kill('SIGINT');
      const result = await running.result;
      await db.exec('ROLLBACK');

      expect(result.signal).toBe('SIGINT');
      expect(await readRows(db, 'Bot')).toEqual(before);
    });
  });

  describe('on sqlite', () => {
    beforeEach(async () => {
      db = await createTestDatabase('sqlite');
      await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT }]);
    });

    it('leaves the file unchanged and usable', async () => {
      const before = await readRows(db, 'Bot');

      await db.exec('BEGIN IMMEDIATE');
      const running = startVarsctl(['set', 'Bot', 'qty', '10', '--lock-timeout', '30000'], { env: { DB_CONNECTION_STR: db.url } });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      running.child.kill('SIGINT');
      const result = await running.result;
      await db.exec('ROLLBACK');

      expect(result.signal).toBe('SIGINT');
      expect(await readRows(db, 'Bot')).toEqual(before);

      const again = await runVarsctl(['set', 'Bot', 'qty', '10'], { env: { DB_CONNECTION_STR: db.url } });
      expect(again.exitCode).toBe(0);
      expect(await readVariables(db, 'Bot')).toBe('{"qty": 10, "stop": 0.05}');
    });
  });
});
