// Placeholder signature; the repository layer replaces this module.
import type { Store } from './types.js';

export type * from './types.js';

export interface OpenStoreOptions {
  url: string;
  /** `vars_backup` or `schema.table`. */
  table: string;
  /** Bounded wait for a locked SQLite file or a busy PostgreSQL lock. */
  lockTimeoutMs: number;
  onWarning?: (message: string) => void;
}

export function openStore(options: OpenStoreOptions): Promise<Store> {
  throw new Error(`not implemented: ${options.table}`);
}
