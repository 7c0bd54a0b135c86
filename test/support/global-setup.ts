import type { TestProject } from 'vitest/node';

import { PGlitePool } from './pglite-pool.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Lease endpoint of the PGlite pool; empty when TEST_DATABASE_URL is set. */
    pgliteControlUrl: string;
  }
}

/**
 * Starts the PGlite pool when no real PostgreSQL server is configured
 * through TEST_DATABASE_URL, and stops it after the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env['TEST_DATABASE_URL']) {
    project.provide('pgliteControlUrl', '');
    return async () => undefined;
  }

  const pool = new PGlitePool();
  const controlUrl = await pool.start();
  project.provide('pgliteControlUrl', controlUrl);

  return () => pool.stop();
}
