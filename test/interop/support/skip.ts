/** Skip reasons shared by the interoperability tests. */
import { usingRealPostgres } from '../../support/db.js';

/**
 * Returns why a dialect cannot run tests that need a real server, or null.
 * The reference bot connects with psycopg2, which PGlite's single shared
 * session cannot serve alongside varsctl's own connections.
 */
export function realServerMissingReason(dialect: string): string | null {
  if (dialect !== 'postgresql' || usingRealPostgres()) {
    return null;
  }
  return 'needs a real PostgreSQL server: set TEST_DATABASE_URL';
}

/** Appends the skip reason to a test title, so the report says why. */
export function titled(title: string, reason: string | null): string {
  return reason === null ? title : `${title} (skipped: ${reason})`;
}
