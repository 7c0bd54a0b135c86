/**
 * A write history of the backup table, kept by the database itself: a
 * trigger copies every inserted or updated row into `varsctl_test_history`,
 * in the order the writes happened. The history table belongs to the
 * tests, and neither the bot nor varsctl reads it.
 */
import type { TestDatabase } from '../../support/db.js';

export interface HistoryEntry {
  readonly seq: number;
  readonly strategyId: string | null;
  readonly variables: string | null;
  /** PostgreSQL: the writer's application_name (`varsctl` for varsctl). SQLite: null. */
  readonly writer: string | null;
}

/** Installs the history trigger on `vars_backup`. */
export async function installHistory(db: TestDatabase): Promise<void> {
  if (db.dialect === 'sqlite') {
    await db.exec(`
      CREATE TABLE varsctl_test_history (seq INTEGER PRIMARY KEY, strategy_id TEXT, variables TEXT);
      CREATE TRIGGER varsctl_test_history_insert AFTER INSERT ON vars_backup BEGIN
        INSERT INTO varsctl_test_history (strategy_id, variables) VALUES (NEW.strategy_id, NEW.variables);
      END;
      CREATE TRIGGER varsctl_test_history_update AFTER UPDATE ON vars_backup BEGIN
        INSERT INTO varsctl_test_history (strategy_id, variables) VALUES (NEW.strategy_id, NEW.variables);
      END;`);
    return;
  }

  // Writers to the same rows wait for each other's row locks, so for one
  // strategy the sequence numbers follow the commit order.
  await db.exec(`
    CREATE TABLE varsctl_test_history (seq bigserial PRIMARY KEY, strategy_id text, variables text, writer text);
    CREATE FUNCTION varsctl_test_record() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO varsctl_test_history (strategy_id, variables, writer)
        VALUES (NEW.strategy_id, NEW.variables, current_setting('application_name'));
      RETURN NULL;
    END $$;
    CREATE TRIGGER varsctl_test_history AFTER INSERT OR UPDATE ON vars_backup
      FOR EACH ROW EXECUTE FUNCTION varsctl_test_record();`);
}

/** Reads every recorded write of one strategy, oldest first. */
export async function readHistory(db: TestDatabase, strategyId: string): Promise<HistoryEntry[]> {
  const writer = db.dialect === 'sqlite' ? 'NULL' : 'writer';
  const parameter = db.dialect === 'sqlite' ? '?' : '$1';
  const rows = await db.query(
    `SELECT seq, strategy_id, variables, ${writer} AS writer FROM varsctl_test_history WHERE strategy_id = ${parameter} ORDER BY seq`,
    [strategyId],
  );

  return rows.map((row) => ({
    seq: Number(row['seq']),
    strategyId: row['strategy_id'] as string | null,
    variables: row['variables'] as string | null,
    writer: row['writer'] as string | null,
  }));
}
