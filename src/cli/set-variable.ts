import { ConflictError, NotFoundError } from '../errors.js';
import type { BackupRow, Store, Timestamp } from '../store/types.js';
import type { VarValue, Vars } from '../vars/index.js';
import { liveStatus, liveStrategyError, type LiveStatus } from './live.js';
import { quote } from './render/text.js';
import { parseStrategyRows } from './show-strategy.js';
import { strategyNotFound, suggestNames } from './strategy.js';
import { valueWarnings } from './bot-load.js';

/**
 * The `set` command's work: edit one top-level variable of a strategy with a
 * compare-and-swap against the row that was read, so a concurrent write (the
 * bot's backup, another varsctl) is a conflict and never a lost update.
 * Nothing is printed here.
 */

export type VariableChange =
  | { readonly kind: 'set'; readonly key: string; readonly value: VarValue }
  | { readonly kind: 'delete'; readonly key: string };

export interface SetRequest {
  readonly strategyId: string;
  readonly change: VariableChange;
  /** Insert the strategy when it has no row yet. */
  readonly create: boolean;
  /** Write even when the strategy looks live. */
  readonly force: boolean;
  /** Write even when the new value has another type than the old one (`--change-type`); default false. */
  readonly allowTypeChange?: boolean;
  readonly liveWindowMs: number;
  /** Work out the change and check it, but write nothing. */
  readonly dryRun: boolean;
  readonly nowMs: number;
}

export interface SetHooks {
  /**
   * Runs after the row was read and checked and before the write. Tests use
   * it to change the row in between, which must end in a ConflictError.
   */
  readonly beforeWrite?: () => Promise<void>;
}

export interface SetOutcome {
  readonly strategyId: string;
  readonly key: string;
  /** `create` when the strategy had no row and `--create` inserted one. */
  readonly action: 'set' | 'delete' | 'create';
  /** `unchanged` when the stored value was already the requested one. */
  readonly status: 'written' | 'unchanged' | 'dry-run';
  /** The value before, null when the key did not exist. */
  readonly oldValue: VarValue | null;
  /** The value after, null for a delete. */
  readonly newValue: VarValue | null;
  /** The stored fragments (bot dialect) of both, for output. */
  readonly oldText: string | null;
  readonly newText: string | null;
  /** The whole `variables` text written (or that would be written). */
  readonly variables: string;
  /**
   * Warnings about a change of type or rounded digits, and about strings in
   * the new value that the bot converts on load or older bots reject.
   */
  readonly warnings: readonly string[];
  readonly live: LiveStatus;
  /** True when --force was given, so a live strategy does not stop the write. */
  readonly forced: boolean;
  /** `last_updated` of the rows after the write; null when nothing was written. */
  readonly lastUpdated: Timestamp | null;
  readonly rowsUpdated: number;
}

/**
 * Sets or deletes one variable and returns what changed. Writes nothing for
 * a dry run or when the value is already stored. Throws NotFoundError for a
 * missing strategy or key, CorruptDataError for a stored text the bot cannot
 * load, UsageError when the value changes type without `allowTypeChange`,
 * and ConflictError when the strategy looks live or the row changed
 * after it was read.
 */
export async function setVariable(store: Store, request: SetRequest, hooks: SetHooks = {}): Promise<SetOutcome> {
  const existing = await store.readStrategy(request.strategyId);
  if (existing === null) {
    if (!request.create) {
      throw await strategyNotFound(store, request.strategyId);
    }
    return createStrategy(store, request);
  }

  const parsed = await parseStrategyRows(existing);
  const { vars, loaded } = parsed;
  const key = request.change.key;
  const oldValue = vars.get(key) ?? null;

  if (request.change.kind === 'delete' && oldValue === null) {
    throw missingKey(request.strategyId, key, vars);
  }

  const { serializeValue } = await import('../vars/index.js');
  const oldText = oldValue === null ? null : serializeValue(oldValue);
  const newValue = applyChange(vars, request.change);
  const newText = newValue === null ? null : serializeValue(newValue);
  const live = liveStatus(loaded.lastUpdated, request.liveWindowMs, request.nowMs);
  const warnings = newValue === null ? [] : await valueWarnings(key, newValue);
  if (oldValue !== null && newValue !== null && oldText !== newText) {
    // Throws UsageError for a change of type without --change-type, except in a dry run.
    const { checkTypeChange } = await import('./set-type-change.js');
    const typeWarnings = checkTypeChange({
      strategyId: request.strategyId,
      key,
      oldValue,
      newValue,
      allowed: Boolean(request.allowTypeChange),
      dryRun: request.dryRun,
    });
    warnings.unshift(...typeWarnings);
  }

  if (oldText !== newText) {
    warnings.push(...repeatedKeyWarnings(vars.repeatedKeys(), request.change));
  }

  const outcome = {
    strategyId: request.strategyId,
    key,
    action: request.change.kind,
    oldValue,
    newValue,
    oldText,
    newText,
    variables: vars.toText(),
    warnings,
    live,
    forced: request.force,
  };

  if (oldText === newText) {
    return { ...outcome, status: 'unchanged', lastUpdated: null, rowsUpdated: 0 };
  }
  if (request.dryRun) {
    return { ...outcome, status: 'dry-run', lastUpdated: null, rowsUpdated: 0 };
  }
  if (live.live && !request.force) {
    throw liveStrategyError(request.strategyId, live, request.liveWindowMs, liveConsequence(request.change));
  }

  await hooks.beforeWrite?.();
  const swap = await store.compareAndSwap(request.strategyId, expectedRow(loaded), outcome.variables);

  if (swap.status === 'conflict') {
    throw new ConflictError(`strategy ${quote(request.strategyId)} changed since it was read; nothing was written`, {
      hint: 'the bot or another tool wrote it meanwhile; run the command again',
    });
  }
  return { ...outcome, status: 'written', lastUpdated: swap.lastUpdated, rowsUpdated: swap.rowsUpdated };
}

/** Says that rewriting the text drops the earlier values of keys it repeats, which the bot never loads. */
function repeatedKeyWarnings(keys: readonly string[], change: VariableChange): string[] {
  return keys.map((key) => {
    const stored = `the stored text has key ${quote(key)} more than once`;
    if (key !== change.key) {
      return `${stored}; the bot loads its last value, and the text written keeps only that one`;
    }
    return change.kind === 'delete' ? `${stored}; the delete removes every one of them` : `${stored}; the text written has it once, with the new value`;
  });
}

/** Applies the change to `vars` and returns the new value (null for a delete). */
function applyChange(vars: Vars, change: VariableChange): VarValue | null {
  if (change.kind === 'delete') {
    vars.delete(change.key);
    return null;
  }
  vars.set(change.key, change.value);
  return change.value;
}

async function createStrategy(store: Store, request: SetRequest): Promise<SetOutcome> {
  const { Vars, serializeValue } = await import('../vars/index.js');
  const change = request.change;

  if (change.kind === 'delete') {
    throw await strategyNotFound(store, request.strategyId);
  }

  const vars = Vars.empty();
  vars.set(change.key, change.value);
  const outcome = {
    strategyId: request.strategyId,
    key: change.key,
    action: 'create' as const,
    oldValue: null,
    newValue: change.value,
    oldText: null,
    newText: serializeValue(change.value),
    variables: vars.toText(),
    warnings: await valueWarnings(change.key, change.value),
    live: { live: false, ageMs: null },
    forced: request.force,
  };

  if (request.dryRun) {
    return { ...outcome, status: 'dry-run', lastUpdated: null, rowsUpdated: 0 };
  }

  // NOTE: two runs of `set --create` for the same new strategy at the same
  // moment can both insert, which leaves duplicate rows. The bot's next
  // backup then writes the same variables into both.
  const row: BackupRow = await store.insertStrategy(request.strategyId, outcome.variables);
  return { ...outcome, status: 'written', lastUpdated: row.lastUpdated, rowsUpdated: 1 };
}

function expectedRow(row: BackupRow) {
  return { lastUpdated: row.lastUpdated, variables: row.variables };
}

function missingKey(strategyId: string, key: string, vars: Vars): NotFoundError {
  const suggestions = suggestNames(key, vars.keys());
  return new NotFoundError(`strategy ${quote(strategyId)} has no variable ${quote(key)} to delete`, {
    hint:
      suggestions.length > 0
        ? `did you mean ${suggestions.map(quote).join(' or ')}? Keys match exactly, case included.`
        : `run varsctl show ${quote(strategyId)} to see its variables`,
  });
}

/** Describes what a running bot does with this change, for the looks-live rejection. */
function liveConsequence(change: VariableChange): string {
  if (change.kind === 'delete') {
    return (
      'The bot never deletes keys when it loads: a deleted key stays in its memory ' +
      'and is written back at its next backup.'
    );
  }
  return (
    'The bot reloads its variables before each iteration and merges them key by key, so the new value ' +
    'takes effect at its next iteration; but if the iteration under way changes its state, ' +
    'its next backup writes the older value back (--wait-backup checks for that).'
  );
}
