import type { ChalkInstance } from 'chalk';

import { DEPTH_LIMIT_REASON } from '../../vars/limits.js';
import type { StrategyListing } from '../list-strategies.js';
import { formatAge, formatIsoUtc, formatNewYork } from '../time.js';
import { formatBytes } from './size.js';
import { renderTable } from './table.js';
import { printable, printableName } from './text.js';

/** The `list` table and its `--json` twin. */

/** One strategy in `list --json`; field names are a stable interface. */
export interface StrategyListingJson {
  strategy_id: string;
  rows: number;
  /** The stored text of the loaded row's last_updated. */
  last_updated: string | null;
  /** The same instant in UTC, ISO 8601 with microseconds. */
  last_updated_iso: string | null;
  /** Whole seconds since the last backup; negative when it lies in the future. */
  age_seconds: number | null;
  keys: number | null;
  bytes: number | null;
  placeholder: boolean;
  error: string | null;
}

export function listingToJson(listing: StrategyListing): StrategyListingJson {
  const epochMicros = listing.lastUpdated?.epochMicros ?? null;

  return {
    strategy_id: listing.strategyId,
    rows: listing.rows,
    last_updated: listing.lastUpdated?.text ?? null,
    last_updated_iso: epochMicros === null ? null : formatIsoUtc(epochMicros),
    age_seconds: listing.ageSeconds === null ? null : Math.trunc(listing.ageSeconds),
    keys: listing.keys,
    bytes: listing.bytes,
    placeholder: listing.placeholder,
    error: listing.error,
  };
}

/** The whole `list --json` document, one line, with a final newline. */
export function renderListJson(listings: readonly StrategyListing[]): string {
  return `${JSON.stringify(listings.map(listingToJson))}\n`;
}

const COLUMNS = [
  { header: 'STRATEGY' },
  { header: 'ROWS' },
  { header: 'LAST BACKUP (NEW YORK)' },
  { header: 'AGE' },
  { header: 'KEYS', align: 'right' },
  { header: 'SIZE', align: 'right' },
  { header: 'NOTE' },
] as const;

/** Narrowest the STRATEGY column gets when names are cut to fit a terminal. */
const MIN_NAME_WIDTH = 16;

/**
 * Renders the `list` table. With `width`, the terminal's columns, names too
 * long for it are cut with `…`. Without it every name is whole, for scripts
 * that read the output.
 */
export function renderListTable(listings: readonly StrategyListing[], style: ChalkInstance, width?: number): string {
  const rows = listings.map((listing) => [
    printableName(listing.strategyId),
    listing.rows > 1 ? style.yellow(`${listing.rows} (duplicates)`) : String(listing.rows),
    lastBackupCell(listing),
    listing.ageSeconds === null ? '-' : formatAge(listing.ageSeconds),
    listing.keys === null ? '-' : String(listing.keys),
    listing.bytes === null ? 'NULL' : formatBytes(listing.bytes),
    noteCell(listing, style),
  ]);

  const fit = width === undefined ? undefined : { width, column: 0, minWidth: MIN_NAME_WIDTH };
  return renderTable(COLUMNS, rows, style, fit);
}

function lastBackupCell(listing: StrategyListing): string {
  if (listing.lastUpdated === null) {
    return 'NULL';
  }
  if (listing.lastUpdated.epochMicros === null) {
    return `unreadable: ${printable(listing.lastUpdated.text)}`;
  }
  return formatNewYork(listing.lastUpdated.epochMicros);
}

function noteCell(listing: StrategyListing, style: ChalkInstance): string {
  if (listing.placeholder) {
    return style.dim('placeholder row from table creation');
  }
  if (listing.error === DEPTH_LIMIT_REASON) {
    return style.yellow(`too deep for varsctl: ${listing.error}`);
  }
  if (listing.error !== null) {
    return style.red(`unreadable: ${printable(listing.error)}`);
  }
  return '';
}
