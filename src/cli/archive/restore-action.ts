import {
  fileInput,
  PLACEHOLDER,
  spoolInput,
  verifyArchive,
  type ArchiveHeader,
  type ArchiveInput,
  type ArchiveManifest,
  type ArchiveRow,
} from '../../archive/index.js';
import { ConflictError, NotFoundError, UsageError } from '../../errors.js';
import type { RestoreRow, Store } from '../../store/types.js';
import { requireExactPath } from '../../store/utf8.js';
import type { Context } from '../context.js';
import { abortable, watchInterrupts } from '../interrupt.js';
import { liveStrategyError } from '../live.js';
import { createProgress } from '../progress.js';
import { confirm } from '../prompt.js';
import { quote } from '../render/text.js';
import { suggestNames } from '../strategy.js';
import { planRestore, rowsToRestore, walkPlan, type RestorePlan } from './restore-plan.js';
import { checkStorable } from './restore-storable.js';
import { describePlan, planEntryJson, renderPlannedStrategy } from './restore-render.js';

interface WalkOptions {
  readonly acceptEdits: boolean;
  readonly signal: AbortSignal;
}

export interface RestoreOptions {
  /** A path, or `-` for standard input. */
  readonly file: string;
  /** Strategies to restore; empty for every strategy in the file. */
  readonly strategyIds: readonly string[];
  readonly dryRun: boolean;
  readonly yes: boolean;
  readonly force: boolean;
  readonly acceptEdits: boolean;
  readonly liveWindowMs: number;
  /** True when --table was given on the command line, not defaulted. */
  readonly tableExplicit: boolean;
}

/**
 * Restores strategies from an export: verifies the whole file first, shows
 * what it would replace and requests confirmation, then writes every selected strategy in one
 * transaction (the store's `replaceStrategies`), reading and verifying the
 * file again as it goes, so a file changed in between still rolls back.
 */
export async function restoreStrategies(context: Context, options: RestoreOptions): Promise<void> {
  if (options.file !== '-') {
    requireExactPath(options.file, 'export file');
  }
  const interrupts = watchInterrupts('restore', 'the transaction was rolled back, so nothing was written');
  const spooled = options.file === '-' ? await spoolInput('standard input', process.stdin, interrupts.signal) : undefined;

  try {
    const source = spooled ?? (await fileInput(options.file));
    const input: ArchiveInput = { name: source.name, open: () => abortable(source.open(), interrupts.signal) };
    await restoreFrom(context, input, options, interrupts.signal);
  } finally {
    interrupts.dispose();
    await spooled?.remove();
  }
}

async function restoreFrom(context: Context, input: ArchiveInput, options: RestoreOptions, signal: AbortSignal): Promise<void> {
  // Connecting first reports a wrong --db at once, not after reading a large
  // file. A new machine after a crash may have no SQLite file yet: a real
  // restore creates it, as the bot would on its first backup.
  const store = await context.store({ createSqliteFile: !options.dryRun, assumeEmptySqliteFile: options.dryRun });
  const manifest = await verifyArchive(input, { acceptEdits: options.acceptEdits });
  checkTable(manifest.header, context.options.table, options.tableExplicit);
  const strategyIds = selectStrategies(manifest, options.strategyIds, input.name);
  await checkStorable(store, { input, manifest, strategyIds, acceptEdits: options.acceptEdits });
  reportEdits(context, manifest, input.name);

  await store.checkRestore();
  const plan = await planRestore(store, manifest, strategyIds, { liveWindowMs: options.liveWindowMs, nowMs: Date.now(), signal });

  const walk: WalkOptions = { acceptEdits: options.acceptEdits, signal };
  if (options.dryRun) {
    await showPlan(context, store, input, manifest, plan, walk);
    context.output.info(`dry run: would restore ${describePlan(plan)} into ${store.displayUrl}${tableCreation(plan, store, 'would create')}; nothing was written`);
    return;
  }

  checkLive(plan, options);
  await showEditedStrategies(context, store, input, manifest, plan, walk);
  if (plan.replacing > 0) {
    const count = plan.strategies.length === 1 ? '1 strategy' : `${plan.strategies.length} strategies`;
    await confirm(`Restore ${count} into ${store.displayUrl}, replacing ${plan.replacing}?`, {
      yes: options.yes,
      interactive: context.interactive,
      command: 'restore',
      consequence: 'nothing was written',
      stdinIsInput: options.file === '-',
    });
  }

  const rows = await writeRows(context, store, input, manifest, plan, options.acceptEdits, signal);
  await reportRestore(context, store, plan, rows);
}

/**
 * Rejects a restore into a table other than the export's, unless --table
 * named it. Without this check, leaving out --table would put the rows in
 * `vars_backup` whatever table they came from.
 */
function checkTable(header: ArchiveHeader, table: string, explicit: boolean): void {
  if (explicit || header.source.table === table) {
    return;
  }
  throw new UsageError(`the export is of table ${header.source.table}, but the restore would write into ${table}`, {
    hint: `add --table ${header.source.table} to restore into the same table, or --table ${table} to restore into ${table}`,
  });
}

function selectStrategies(manifest: ArchiveManifest, requested: readonly string[], fileName: string): string[] {
  if (requested.length === 0) {
    return [...manifest.strategies.keys()];
  }

  const available = [...manifest.strategies.keys()];
  for (const strategyId of requested) {
    if (manifest.strategies.has(strategyId)) {
      continue;
    }
    const suggestions = suggestNames(strategyId, available);
    throw new NotFoundError(`strategy ${quote(strategyId)} is not in the export file ${fileName}`, {
      hint:
        suggestions.length > 0
          ? `did you mean ${suggestions.map(quote).join(' or ')}? Names match exactly, case and spaces included.`
          : `the file holds ${available.length} strategies; run varsctl restore ${fileName} --dry-run to list them`,
    });
  }
  return [...new Set(requested)];
}

function reportEdits(context: Context, manifest: ArchiveManifest, fileName: string): void {
  if (manifest.checksumMatches) {
    return;
  }

  if (manifest.editedRows.length === 0) {
    context.output.warn(`${fileName} was changed after the export outside its rows (header, spacing or line endings); every row is as exported`);
    return;
  }

  const lines = manifest.editedRows.map(
    (row) => `  line ${row.line}: strategy ${quote(row.strategyId)}${row.id === null ? '' : ` (id ${row.id})`}`,
  );
  context.output.warn(`${fileName} was edited after the export; --accept-edits accepts these rows, each checked as variables the bot can load:\n${lines.join('\n')}`);
}

/** Prints every selected strategy with its changes to stdout, as text or as one JSON array. */
async function showPlan(context: Context, store: Store, input: ArchiveInput, manifest: ArchiveManifest, plan: RestorePlan, walk: WalkOptions): Promise<void> {
  const json = Boolean(context.options.json);
  let first = true;

  if (json) {
    await context.output.data('[');
  }

  await walkPlan(store, input, manifest, plan, walk, async (strategy, diff) => {
    if (json) {
      await context.output.data(`${first ? '\n' : ',\n'}${JSON.stringify(planEntryJson(strategy, diff))}`);
    } else {
      await context.output.data(renderPlannedStrategy(strategy, diff, context.output.style));
    }
    first = false;
  });

  if (json) {
    await context.output.data(first ? ']\n' : '\n]\n');
  }
}

/** With --accept-edits, shows on stderr what each edited strategy would change, before the confirmation. */
async function showEditedStrategies(context: Context, store: Store, input: ArchiveInput, manifest: ArchiveManifest, plan: RestorePlan, walk: WalkOptions): Promise<void> {
  if (context.output.quiet || !plan.strategies.some((strategy) => strategy.edited)) {
    return;
  }

  await walkPlan(store, input, manifest, plan, { ...walk, include: (strategy) => strategy.edited }, async (strategy, diff) => {
    process.stderr.write(renderPlannedStrategy(strategy, diff, context.output.errorStyle));
  });
}

function checkLive(plan: RestorePlan, options: RestoreOptions): void {
  const live = plan.strategies.filter((strategy) => strategy.live.live);
  const first = live[0];
  if (first === undefined || options.force) {
    return;
  }

  const others = live.length > 1 ? ` ${live.length - 1} more of the strategies to restore look live too.` : '';
  throw liveStrategyError(
    first.strategyId,
    first.live,
    options.liveWindowMs,
    `A running bot loads the restored variables at its next iteration but keeps keys it holds in memory, and may write its own state over the restore.${others}`,
  );
}

async function writeRows(
  context: Context,
  store: Store,
  input: ArchiveInput,
  manifest: ArchiveManifest,
  plan: RestorePlan,
  acceptEdits: boolean,
  signal: AbortSignal,
): Promise<number> {
  const strategyIds = plan.strategies.map((strategy) => strategy.strategyId);
  const progress = createProgress('restored', { quiet: context.output.quiet });
  let rows = 0;
  let bytes = 0;

  async function* counted(): AsyncGenerator<RestoreRow> {
    for await (const row of rowsToRestore(input, manifest, new Set(strategyIds), acceptEdits)) {
      rows += 1;
      bytes += row.variables?.length ?? 0;
      progress.update(rows, bytes);
      yield toRestoreRow(row);
    }
  }

  try {
    // The rows to replace must still be those the plan read, and showed or
    // asked about: a backup the bot wrote meanwhile is not overwritten unseen.
    const check = plan.rowsRead.check(strategyIds, (strategyId) => changedSincePlan(strategyId));
    return await store.replaceStrategies(strategyIds, abortable(counted(), signal), { signal, check });
  } finally {
    progress.done();
  }
}

function changedSincePlan(strategyId: string): ConflictError {
  return new ConflictError(`strategy ${quote(strategyId)} changed in the database after the restore read it: another writer, such as the bot, saved it meanwhile`, {
    hint: 'nothing was written; run the restore again to see the changes as they are now (add --dry-run to only look)',
  });
}

async function reportRestore(context: Context, store: Store, plan: RestorePlan, rows: number): Promise<void> {
  const created = tableCreation(plan, store, 'created');
  const fresh = plan.strategies.length - plan.replacing;

  if (context.options.json) {
    const summary = { strategies: plan.strategies.length, rows, new: fresh, replaced: plan.replacing, table_created: !plan.tableExists };
    await context.output.data(`${JSON.stringify(summary)}\n`);
    return;
  }

  const strategies = plan.strategies.length === 1 ? '1 strategy' : `${plan.strategies.length} strategies`;
  context.output.info(
    `restored ${strategies} (${rows === 1 ? '1 row' : `${rows} rows`}) into ${store.displayUrl}: ${fresh} new, ${plan.replacing} replaced${created}`,
  );
}

/** Says, for a restore into a database without the table, that the table is created as the bot creates it. */
function tableCreation(plan: RestorePlan, store: Store, verb: string): string {
  if (plan.tableExists) {
    return '';
  }
  const withPlaceholder = plan.strategies.some((strategy) => strategy.strategyId === PLACEHOLDER) ? '' : `, with its ${PLACEHOLDER} row`;
  const file = store.missingFile === undefined ? '' : `the file ${store.missingFile} and `;
  return `; ${verb} ${file}table ${store.tableName} as the bot would${withPlaceholder}`;
}

function toRestoreRow(row: ArchiveRow): RestoreRow {
  return { strategyId: row.strategyId, id: row.id, lastUpdated: row.lastUpdated, variables: row.variables };
}
