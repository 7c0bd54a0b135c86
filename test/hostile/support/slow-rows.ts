/**
 * Slows down writes to `vars_backup` in PostgreSQL and makes their progress
 * visible from other sessions, so a test can act in the middle of a restore
 * or purge transaction.
 *
 * A trigger runs before each inserted or deleted row. It advances the
 * sequence `varsctl_test_progress`, stores its backend's pid in
 * `varsctl_test_writer`, and sleeps. Sequences are not transactional, so
 * another session reads both values while the writing transaction is still
 * open, even though its rows stay invisible until it commits.
 */
import type { TestDatabase } from '../../support/db.js';
import { sleep } from './live-bot.js';

export async function installSlowRows(db: TestDatabase, secondsPerRow: number): Promise<void> {
  await db.exec(`
    CREATE SEQUENCE varsctl_test_progress;
    CREATE SEQUENCE varsctl_test_writer;
    CREATE FUNCTION varsctl_test_slow_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM nextval('varsctl_test_progress');
      PERFORM setval('varsctl_test_writer', pg_backend_pid());
      PERFORM pg_sleep(${secondsPerRow});
      RETURN COALESCE(NEW, OLD);
    END $$;
    CREATE TRIGGER varsctl_test_slow_row BEFORE INSERT OR DELETE ON vars_backup
      FOR EACH ROW EXECUTE FUNCTION varsctl_test_slow_row();`);
}

export async function removeSlowRows(db: TestDatabase): Promise<void> {
  await db.exec('DROP TRIGGER varsctl_test_slow_row ON vars_backup');
}

/** Counts the rows inserted or deleted so far, committed or not. */
export async function rowsWritten(db: TestDatabase): Promise<number> {
  const rows = await db.query('SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS written FROM varsctl_test_progress');
  return Number(rows[0]?.['written']);
}

/** Waits until the writing transaction has inserted or deleted `count` rows. */
export async function waitForRows(db: TestDatabase, count: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await rowsWritten(db)) < count) {
    if (Date.now() > deadline) {
      throw new Error(`the write touched ${await rowsWritten(db)} rows within ${timeoutMs} ms, expected ${count}`);
    }
    await sleep(10);
  }
}

/** Ends the backend of the writing transaction with pg_terminate_backend, as a server restart or an administrator would. */
export async function terminateWriter(db: TestDatabase): Promise<void> {
  const writer = await db.query('SELECT last_value AS pid FROM varsctl_test_writer');
  const terminated = await db.query('SELECT pg_terminate_backend($1::int) AS done', [Number(writer[0]?.['pid'])]);
  if (terminated[0]?.['done'] !== true) {
    throw new Error('pg_terminate_backend did not end the writing backend');
  }
}
