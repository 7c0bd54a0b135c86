import { createHash } from 'node:crypto';

import type { ArchiveRow } from './format.js';

/**
 * Computes a row's `row_sha256`: the hex SHA-256 of the UTF-8 bytes of
 * `JSON.stringify([strategy_id, id, last_updated, variables])`, where
 * `last_updated` is null or `[text, dialect, epoch_micros]`. The digest
 * depends on the row's values only, not on how its line is spelled, so
 * restore can tell which rows a person edited even after an editor
 * reformatted the file.
 *
 * `variablesJson` is `JSON.stringify(row.variables)`, as text or as its
 * UTF-8 bytes, for a caller that already has it.
 */
export function rowDigest(row: ArchiveRow, variablesJson: string | Uint8Array = JSON.stringify(row.variables)): string {
  return createHash('sha256').update(digestHead(row), 'utf8').update(variablesJson).update(']').digest('hex');
}

/**
 * Builds the digested text that precedes the variables. JSON.stringify of an
 * array is its items' JSON joined by commas, so the canonical text can be
 * hashed in pieces without building it whole.
 */
export function digestHead(row: ArchiveRow): string {
  const lastUpdated =
    row.lastUpdated === null
      ? null
      : [row.lastUpdated.text, row.lastUpdated.dialect, row.lastUpdated.epochMicros?.toString() ?? null];
  return `[${JSON.stringify(row.strategyId)},${JSON.stringify(row.id)},${JSON.stringify(lastUpdated)},`;
}
