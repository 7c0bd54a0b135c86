import {
  PLACEHOLDER,
  readArchive,
  variablesDigest,
  type ArchiveInput,
  type ArchiveManifest,
  type ArchiveRow,
} from '../../archive/index.js';
import { diffVariables, type VariablesDiff } from '../../archive/diff.js';
import type { StrategyRows, Store, Timestamp } from '../../store/types.js';
import { liveStatus, type LiveStatus } from '../live.js';

export type RestoreStatus = 'new' | 'unchanged' | 'changed';

/** The change a restore would make to one strategy. */
export interface PlannedStrategy {
  readonly strategyId: string;
  readonly status: RestoreStatus;
  /** Rows in the database now; 0 for a new strategy. */
  readonly rowsBefore: number;
  /** Rows the export holds for it. */
  readonly rowsAfter: number;
  /** `last_updated` of the row the bot loads now; null for a new strategy. */
  readonly lastUpdated: Timestamp | null;
  readonly live: LiveStatus;
  /** True when a row of it was edited in the file after the export. */
  readonly edited: boolean;
}

export interface RestorePlan {
  readonly strategies: readonly PlannedStrategy[];
  /** False when the backup table does not exist yet; the restore creates it. */
  readonly tableExists: boolean;
  /** Strategies that exist and whose rows the restore replaces. */
  readonly replacing: number;
}

export interface PlanOptions {
  readonly liveWindowMs: number;
  readonly nowMs: number;
  /** Stops planning between strategies (Ctrl-C). */
  readonly signal?: AbortSignal;
}

/**
 * Compares each selected strategy of a verified export with the database.
 * Reads one strategy at a time and keeps no `variables` text, so memory
 * grows with the number of strategies only.
 */
// NOTE: one query per strategy; 20,000 strategies take that many round trips.
export async function planRestore(
  store: Store,
  manifest: ArchiveManifest,
  strategyIds: readonly string[],
  options: PlanOptions,
): Promise<RestorePlan> {
  const tableExists = (await store.describeTable()) !== null;
  const strategies: PlannedStrategy[] = [];

  for (const strategyId of strategyIds) {
    options.signal?.throwIfAborted();
    const archived = manifest.strategies.get(strategyId);
    if (archived === undefined) {
      throw new Error(`strategy ${strategyId} is not in the verified export`);
    }

    const current = tableExists ? await store.readStrategy(strategyId) : null;
    const loaded = current === null ? undefined : loadedRow(current);
    const lastUpdated = loaded?.lastUpdated ?? null;

    strategies.push({
      strategyId,
      status: statusOf(current, archived.rows, archived.loadedVariablesDigest),
      rowsBefore: current?.rows.length ?? 0,
      rowsAfter: archived.rows,
      lastUpdated,
      live: current === null || isPlaceholder(strategyId, loaded?.variables) ? NOT_LIVE : liveStatus(lastUpdated, options.liveWindowMs, options.nowMs),
      edited: archived.edited,
    });
  }

  const replacing = strategies.filter((strategy) => strategy.status !== 'new').length;
  return { strategies, tableExists, replacing };
}

/**
 * Reads the export again and calls `onRow` with the `variables` of the row
 * the bot would load after the restore, for each strategy in `wanted`, in
 * file order, one at a time, so no more than one text is held.
 */
export async function forEachLoadedRow(
  input: ArchiveInput,
  manifest: ArchiveManifest,
  wanted: ReadonlySet<string>,
  acceptEdits: boolean,
  onRow: (strategyId: string, variables: string | null) => Promise<void>,
): Promise<void> {
  for await (const entry of readArchive(input.open(), { name: input.name, acceptEdits })) {
    if (entry.kind !== 'row' || !wanted.has(entry.row.strategyId)) {
      continue;
    }
    if (manifest.strategies.get(entry.row.strategyId)?.loadedLine === entry.line) {
      await onRow(entry.row.strategyId, entry.row.variables);
    }
  }
}

/** Compares the `variables` the bot loads now with the text a restore would make it load. */
export async function diffWithDatabase(store: Store, strategyId: string, restored: string | null): Promise<VariablesDiff> {
  const current = await store.readStrategy(strategyId);
  const before = current === null ? null : (loadedRow(current)?.variables ?? null);
  return diffVariables(before, restored);
}

/** Yields the rows of the selected strategies, read and verified again while the store writes them. */
export async function* rowsToRestore(input: ArchiveInput, selected: ReadonlySet<string>, acceptEdits: boolean): AsyncGenerator<ArchiveRow> {
  for await (const entry of readArchive(input.open(), { name: input.name, acceptEdits })) {
    if (entry.kind === 'row' && selected.has(entry.row.strategyId)) {
      yield entry.row;
    }
  }
}

const NOT_LIVE: LiveStatus = { live: false, ageMs: null };

/** True for the row the bot writes when it creates the table: no bot loads it, so it never looks live. */
function isPlaceholder(strategyId: string, variables: string | null | undefined): boolean {
  return strategyId === PLACEHOLDER && variables === PLACEHOLDER;
}

function loadedRow(current: StrategyRows) {
  return current.rows[current.loadedIndex];
}

function statusOf(current: StrategyRows | null, archivedRows: number, archivedDigest: string): RestoreStatus {
  if (current === null || current.rows.length === 0) {
    return 'new';
  }

  const loadedVariables = loadedRow(current)?.variables ?? null;
  const same = current.rows.length === archivedRows && variablesDigest(loadedVariables) === archivedDigest;
  return same ? 'unchanged' : 'changed';
}
