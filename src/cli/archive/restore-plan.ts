import {
  PLACEHOLDER,
  readArchive,
  variablesDigest,
  type ArchiveInput,
  type ArchiveManifest,
  type ArchiveRow,
  type ArchiveTimestamp,
} from '../../archive/index.js';
import { diffVariables, type VariablesDiff } from '../../archive/diff.js';
import { loadsBefore } from '../../archive/load-order.js';
import type { BackupRow, Dialect, Store, Timestamp } from '../../store/types.js';
import { abortable } from '../interrupt.js';
import { liveStatus, type LiveStatus } from '../live.js';
import { RowFingerprints } from './row-fingerprints.js';

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
  /** In the order of the export's rows. */
  readonly strategies: readonly PlannedStrategy[];
  /** False when the backup table does not exist yet; the restore creates it. */
  readonly tableExists: boolean;
  /** Strategies that exist and whose rows the restore replaces. */
  readonly replacing: number;
  /** The selected strategies' rows as the plan read them, which the write checks again under lock. */
  readonly rowsRead: RowFingerprints;
}

export interface PlanOptions {
  readonly liveWindowMs: number;
  readonly nowMs: number;
  /** Stops planning (Ctrl-C). */
  readonly signal: AbortSignal;
}

/** A strategy in the database, reduced to what planning compares. */
interface CurrentStrategy {
  rows: number;
  /** The row the bot loads; its `variables` is kept only when requested. */
  loaded: BackupRow;
  /** `variablesDigest` of the loaded row's text. */
  digest: string;
}

const NOT_LIVE: LiveStatus = { live: false, ageMs: null };

/**
 * Compares each selected strategy of a verified export with the database,
 * in one pass over the selected strategies' rows. The bot's table has no
 * index on strategy_id, so a query per strategy would scan the whole table
 * each time. Keeps one row per strategy, without its text once compared.
 */
export async function planRestore(
  store: Store,
  manifest: ArchiveManifest,
  strategyIds: readonly string[],
  options: PlanOptions,
): Promise<RestorePlan> {
  const tableExists = (await store.describeTable()) !== null;
  const rowsRead = new RowFingerprints();
  const digests = tableExists
    ? await readLoadedRows(store, strategyIds, { keepText: false, signal: options.signal, fingerprints: rowsRead })
    : new Map<string, CurrentStrategy>();

  const strategies = strategyIds.map((strategyId) => {
    const archived = manifest.strategies.get(strategyId);
    if (archived === undefined) {
      throw new Error(`strategy ${strategyId} is not in the verified export`);
    }

    const current = digests.get(strategyId);
    if (current === undefined) {
      return { strategyId, status: 'new', rowsBefore: 0, rowsAfter: archived.rows, lastUpdated: null, live: NOT_LIVE, edited: archived.edited } as const;
    }

    const same = current.rows === archived.rows && current.digest === archived.loadedVariablesDigest;
    const lastUpdated = current.loaded.lastUpdated;
    return {
      strategyId,
      status: same ? 'unchanged' : 'changed',
      rowsBefore: current.rows,
      rowsAfter: archived.rows,
      lastUpdated,
      live: current.digest === PLACEHOLDER_DIGEST && strategyId === PLACEHOLDER ? NOT_LIVE : liveStatus(lastUpdated, options.liveWindowMs, options.nowMs),
      edited: archived.edited,
    } as const;
  });

  strategies.sort((left, right) => lineOf(manifest, left.strategyId) - lineOf(manifest, right.strategyId));
  const replacing = strategies.filter((strategy) => strategy.status !== 'new').length;
  return { strategies, tableExists, replacing, rowsRead };
}

// The placeholder row never looks live: no bot loads it, and its time is the table's creation.
const PLACEHOLDER_DIGEST = variablesDigest(PLACEHOLDER);

/** Texts held at once while comparing changed strategies, counted in UTF-16 code units. */
const DIFF_BATCH_TEXT = 32 * 1024 * 1024;
const DIFF_BATCH_STRATEGIES = 2000;

/**
 * Calls `onStrategy` for each planned strategy that `include` accepts, in
 * file order, with the key changes of the changed ones. Reads the export
 * once; the database texts of changed strategies are fetched in batches
 * (one query per batch), so memory contains at most about 32 MB of texts from
 * each side.
 */
export async function walkPlan(
  store: Store,
  input: ArchiveInput,
  manifest: ArchiveManifest,
  plan: RestorePlan,
  options: { acceptEdits: boolean; signal: AbortSignal; include?: (strategy: PlannedStrategy) => boolean },
  onStrategy: (strategy: PlannedStrategy, diff: VariablesDiff | null) => Promise<void>,
): Promise<void> {
  const planned = new Map(plan.strategies.filter(options.include ?? (() => true)).map((strategy) => [strategy.strategyId, strategy]));
  let pending: { strategy: PlannedStrategy; restored: string | null }[] = [];
  let pendingText = 0;

  const flush = async () => {
    const changed = pending.filter((entry) => entry.strategy.status === 'changed').map((entry) => entry.strategy.strategyId);
    const current = changed.length > 0 ? await readLoadedRows(store, changed, { keepText: true, signal: options.signal }) : new Map<string, CurrentStrategy>();

    for (const entry of pending) {
      const diff =
        entry.strategy.status === 'changed' ? diffVariables(current.get(entry.strategy.strategyId)?.loaded.variables ?? null, entry.restored) : null;
      await onStrategy(entry.strategy, diff);
    }
    pending = [];
    pendingText = 0;
  };

  for await (const entry of readArchive(input.open(), { name: input.name, acceptEdits: options.acceptEdits, verifiedSha256: manifest.sha256 })) {
    if (entry.kind !== 'row') {
      continue;
    }
    const strategy = planned.get(entry.row.strategyId);
    if (strategy === undefined || manifest.strategies.get(strategy.strategyId)?.loadedLine !== entry.line) {
      continue;
    }

    const restored = strategy.status === 'changed' ? entry.row.variables : null;
    pending.push({ strategy, restored });
    pendingText += restored?.length ?? 0;
    if (pendingText >= DIFF_BATCH_TEXT || pending.length >= DIFF_BATCH_STRATEGIES) {
      await flush();
    }
  }
  await flush();
}

/**
 * Yields the rows of the selected strategies, read again while the store
 * writes them. The rows are not checked one by one again: the file's bytes
 * must match the verified ones, or the read throws before it ends.
 */
export async function* rowsToRestore(input: ArchiveInput, manifest: ArchiveManifest, selected: ReadonlySet<string>, acceptEdits: boolean): AsyncGenerator<ArchiveRow> {
  for await (const entry of readArchive(input.open(), { name: input.name, acceptEdits, verifiedSha256: manifest.sha256 })) {
    if (entry.kind === 'row' && selected.has(entry.row.strategyId)) {
      yield entry.row;
    }
  }
}

/**
 * Reads the rows of `strategyIds` in one query and keeps, per strategy, its
 * row count and the row the bot's loader picks (by the database's ordering
 * of last_updated). Without `keepText` only the digest of that row's text is
 * kept, so memory grows with the number of strategies, not their size.
 */
// NOTE: the loaded row is chosen here by the ordering rules, not by the
// database's own ORDER BY, so a SQLite last_updated stored as a number
// (which sorts below all text) is compared as its text form.
async function readLoadedRows(
  store: Store,
  strategyIds: readonly string[],
  options: { keepText: boolean; signal: AbortSignal; fingerprints?: RowFingerprints },
): Promise<Map<string, CurrentStrategy>> {
  const current = new Map<string, CurrentStrategy>();
  const reduce = (row: BackupRow) => ({
    loaded: options.keepText ? row : { ...row, variables: null },
    digest: variablesDigest(row.variables),
  });

  for await (const row of abortable(store.streamRows(strategyIds), options.signal)) {
    options.fingerprints?.add(row);
    const previous = current.get(row.strategyId);
    if (previous === undefined) {
      current.set(row.strategyId, { rows: 1, ...reduce(row) });
      continue;
    }

    previous.rows += 1;
    if (loadsBefore(orderKey(row.lastUpdated, store.dialect), orderKey(previous.loaded.lastUpdated, store.dialect))) {
      Object.assign(previous, reduce(row));
    }
  }
  return current;
}

function orderKey(timestamp: Timestamp | null, dialect: Dialect): ArchiveTimestamp | null {
  return timestamp === null ? null : { text: timestamp.text, dialect, epochMicros: timestamp.epochMicros };
}

function lineOf(manifest: ArchiveManifest, strategyId: string): number {
  return manifest.strategies.get(strategyId)?.loadedLine ?? 0;
}
