/**
 * SIGINT and SIGTERM during `set`: while its write waits for a lock, and
 * while `--wait-backup` waits for the bot. Each run must exit 130 (SIGINT)
 * or 143 (SIGTERM) with one line on stderr, leave the row as the message
 * says, and close its connection.
 *
 * On SQLite the driver blocks JavaScript while it waits for a locked file,
 * so there a signal during that wait ends the process at once, with no line.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createTestDatabase, DIALECTS, requireRealPostgres, type TestDatabase } from '../support/db.js';
import { runVarsctl, startVarsctl, type RunningVarsctl } from './run.js';
import { readRows, readVariables, seedBotTable } from './seed.js';

const BOT = '{"qty": 4, "stop": 0.05}';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

async function waitFor(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await condition()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** Resolves once the running command has written `text` to stderr. */
function stderrShows(running: RunningVarsctl, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`stderr never showed "${text}": ${seen}`)), 20_000);
    running.child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      if (seen.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

/** Sessions of this test's database other than the test's own. */
async function otherSessions(db: TestDatabase): Promise<number> {
  await db.query('SELECT pg_stat_clear_snapshot()');
  const rows = await db.query('SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
  return Number(rows[0]?.['count']);
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

      expect(result.exitCode).toBe(130);
      expect(result.stderr).toBe('error: set interrupted by SIGINT: nothing was written\n');
      expect(await readRows(db, 'Bot')).toEqual(before);
      // The server ends the closed session once its UPDATE gets the lock.
      await waitFor(async () => (await otherSessions(db)) === 0, 'the set session ends');
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

      // The wait for the lock blocks JavaScript, so the signal's default
      // action ends the process at once rather than after --lock-timeout.
      expect(result.signal).toBe('SIGINT');
      expect(await readRows(db, 'Bot')).toEqual(before);

      const again = await runVarsctl(['set', 'Bot', 'qty', '10'], { env: { DB_CONNECTION_STR: db.url } });
      expect(again.exitCode).toBe(0);
      expect(await readVariables(db, 'Bot')).toBe('{"qty": 10, "stop": 0.05}');
    });
  });
});

describe.each(DIALECTS)('set --wait-backup interrupted on %s', (dialect) => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT }]);
  });

  afterEach(async () => {
    await db.close();
  });

  it.for(SIGNALS)('keeps the value and says so on %s', async (signal) => {
    const running = startVarsctl(['set', 'Bot', 'qty', '10', '--wait-backup', '60s'], { env: { DB_CONNECTION_STR: db.url } });
    await stderrShows(running, "waiting up to 1 min for the bot's next backup");
    running.child.kill(signal);
    const result = await running.result;

    expect(result.signal).toBeNull();
    expect(result.exitCode).toBe(EXIT_CODES[signal]);
    const lines = result.stderr.split('\n');
    expect(lines[0]).toBe('set Bot.qty = 10 (was 4)');
    expect(lines[1]).toBe("waiting up to 1 min for the bot's next backup of this strategy...");
    expect(lines[2]).toMatch(
      new RegExp(
        `^error: set interrupted by ${signal} while waiting for the bot's next backup: ` +
          'the value was written at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d E[SD]T, whether the bot kept it is unknown$',
      ),
    );
    expect(lines.slice(3)).toEqual(['']);
    expect(await readVariables(db, 'Bot')).toBe('{"qty": 10, "stop": 0.05}');
  });

  it('says the key was deleted', async () => {
    const running = startVarsctl(['set', 'Bot', 'stop', '--delete', '--wait-backup', '60s'], { env: { DB_CONNECTION_STR: db.url } });
    await stderrShows(running, 'waiting up to');
    running.child.kill('SIGINT');
    const result = await running.result;

    expect(result.exitCode).toBe(130);
    expect(result.stderr).toMatch(/: the key was deleted at [^,]+, whether the bot kept it is unknown\n$/);
    expect(await readVariables(db, 'Bot')).toBe('{"qty": 4}');
  });

  it('closes its connection', async (context) => {
    if (dialect === 'postgresql') {
      requireRealPostgres(context);
    }
    const running = startVarsctl(['set', 'Bot', 'qty', '10', '--wait-backup', '60s'], { env: { DB_CONNECTION_STR: db.url } });
    await stderrShows(running, 'waiting up to');
    const started = Date.now();
    running.child.kill('SIGTERM');
    const result = await running.result;

    expect(result.exitCode).toBe(143);
    // The next poll is at most 500 ms away; the process must not wait out the 60 s.
    expect(Date.now() - started).toBeLessThan(5000);
    if (dialect === 'postgresql') {
      await waitFor(async () => (await otherSessions(db)) === 0, 'the set session ends');
    }
  });
});
