import { createHash } from 'node:crypto';

import type { ArchiveRow } from './format.js';

/**
 * Computes a row's `row_sha256`: the hex SHA-256 of the UTF-8 bytes of
 * `JSON.stringify([strategy_id, id, last_updated, variables])`, where
 * `last_updated` is null or `[text, dialect, epoch_micros]`. The digest
 * depends on the row's values only, not on how its line is spelled, so
 * restore can tell which rows a person edited even after an editor
 * reformatted the file.
 */
export function rowDigest(row: ArchiveRow): string {
  const lastUpdated =
    row.lastUpdated === null
      ? null
      : [row.lastUpdated.text, row.lastUpdated.dialect, row.lastUpdated.epochMicros?.toString() ?? null];

  const canonical = JSON.stringify([row.strategyId, row.id, lastUpdated, row.variables]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
