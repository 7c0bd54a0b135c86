import { homedir } from 'node:os';
import path from 'node:path';

import { openFileSink, purgeBackupName, type ExportSink } from '../../archive/index.js';
import { ConflictError, UsageError } from '../../errors.js';
import type { Store } from '../../store/types.js';
import { requireExactPath } from '../../store/utf8.js';
import type { Context } from '../context.js';
import { watchInterrupts } from '../interrupt.js';
import { liveStrategyError } from '../live.js';
import { createProgress } from '../progress.js';
import { confirm } from '../prompt.js';
import { renderTable } from '../render/table.js';
import { terminalColumns } from '../render/terminal.js';
import { printableName, quote } from '../render/text.js';
import { formatAge, formatIsoUtc, formatNewYork, millisFromMicros } from '../time.js';
import { createBackupFolder } from './backup-folder.js';
import { checkTableExists, writeExport } from './export-action.js';
import { newestOf, selectForPurge, type PurgeCandidate, type PurgeSelectors } from './purge-select.js';
import { RowFingerprints } from './row-fingerprints.js';

export interface PurgeOptions extends PurgeSelectors {
  readonly dryRun: boolean;
  readonly yes: boolean;
  readonly force: boolean;
  /** Folder for the copy of what is deleted; undefined for the default. */
  readonly backupDir: string | undefined;
  /** False with --no-backup. */
  readonly backup: boolean;
  readonly liveWindowMs: number;
  readonly tool: string;
}

/**
 * Deletes the selected strategies' rows in one transaction, after showing
 * them, asking (or requiring --yes), and writing them to an export file that
 * `varsctl restore` brings back. The backup is complete and fsynced before
 * the delete starts.
 */
export async function purgeStrategies(context: Context, options: PurgeOptions): Promise<void> {
  if (options.strategyIds.length === 0 && options.olderThanMs === undefined && !options.placeholder) {
    throw new UsageError('purge needs at least one selector: strategy names, --older-than or --placeholder', {
      hint: 'for example varsctl purge --older-than 90d --dry-run',
    });
  }

  const store = await context.store();
  await checkTableExists(store);
  const nowMs = Date.now();
  const selection = await selectForPurge(store, options, { nowMs, liveWindowMs: options.liveWindowMs });
  const { candidates } = selection;
  const rows = candidates.reduce((sum, candidate) => sum + candidate.rows, 0);

  if (selection.unknownAge.length > 0) {
    context.output.warn(
      `--older-than skipped ${countStrategies(selection.unknownAge.length)} whose last_updated is not a readable time: ` +
        selection.unknownAge.slice(0, 5).map(quote).join(', ') +
        (selection.unknownAge.length > 5 ? ', ...' : '') +
        (selection.unknownAge.length === 1 ? '; name it to purge it' : '; name them to purge them'),
    );
  }

  if (candidates.length === 0) {
    await report(context, { candidates, rows: 0, backup: null, deleted: false, dryRun: options.dryRun, database: store.displayUrl });
    return;
  }

  if (!context.options.json && !context.output.quiet) {
    process.stderr.write(renderCandidates(candidates, nowMs, context));
  }

  if (options.dryRun) {
    warnLive(context, candidates, options);
    await report(context, { candidates, rows, backup: null, deleted: false, dryRun: true, database: store.displayUrl });
    return;
  }

  checkLive(candidates, options);
  await confirm(`Delete ${countStrategies(candidates.length)} (${countRows(rows)}) from ${store.displayUrl}?`, {
    yes: options.yes,
    interactive: context.interactive,
    command: 'purge',
    consequence: 'nothing was deleted',
  });

  // The rows are read once more, into the copy, and each is fingerprinted.
  // The delete then locks them and goes ahead only if they are still those
  // rows, so a backup the bot writes meanwhile is neither lost nor missing
  // from the copy.
  const seen = new RowFingerprints();
  const backup = options.backup ? await writeBackup(context, store, candidates, options, seen) : await readRows(store, candidates, seen);
  const deleted = await deleteCandidates(store, candidates, backup, seen);

  const undo = backup === null ? '' : `; varsctl restore ${backup} brings them back`;
  context.setInterruptState({ committed: true, consequence: `the purge was committed: ${countRows(deleted)} were deleted${undo}` });
  if (backup !== null) {
    // Printed even with --quiet: this line is how to undo the purge.
    process.stderr.write(`saved the purged rows to ${backup}${undo}\n`);
  }
  await report(context, { candidates, rows: deleted, backup, deleted: true, dryRun: false, database: store.displayUrl });
}

/**
 * Deletes the candidates in one transaction: if the process dies here, even
 * by Ctrl-C, the database rolls it back. The rows read must still be those
 * selected. When that check or the delete fails, the backup file already
 * written is reported as not needed, and the error propagates.
 */
async function deleteCandidates(store: Store, candidates: readonly PurgeCandidate[], backup: string | null, seen: RowFingerprints): Promise<number> {
  const strategyIds = candidates.map((candidate) => candidate.strategyId);
  try {
    checkUnchangedSinceSelection(candidates, seen);
    return await store.deleteStrategies(strategyIds, { check: seen.check(strategyIds, (strategyId) => changedError(strategyId, 'its copy was written')) });
  } catch (error) {
    if (backup !== null) {
      // NOTE: a PostgreSQL connection lost while COMMIT is under way leaves it
      // unknown whether the delete committed, which is why the copy is kept.
      process.stderr.write(`purge failed, so nothing was deleted; the copy in ${backup} is not needed and can be removed\n`);
    }
    throw error;
  }
}

/**
 * `$XDG_STATE_HOME/varsctl/purged`, or `~/.local/state/varsctl/purged` when
 * XDG_STATE_HOME is unset or not absolute, as the XDG base directory
 * specification requires.
 */
export function defaultBackupDir(env: NodeJS.ProcessEnv = process.env): string {
  const stateHome = env['XDG_STATE_HOME'];
  const base = stateHome !== undefined && path.isAbsolute(stateHome) ? stateHome : path.join(homedir(), '.local', 'state');
  return path.join(base, 'varsctl', 'purged');
}

/** Reads the candidates' rows into `seen` without keeping a copy (--no-backup). */
async function readRows(store: Store, candidates: readonly PurgeCandidate[], seen: RowFingerprints): Promise<null> {
  for await (const row of store.streamRows(candidates.map((candidate) => candidate.strategyId))) {
    seen.add(row);
  }
  return null;
}

/**
 * Rejects a purge whose strategies changed between the selection, which
 * the live check and the listing shown used, and the read of their rows:
 * a strategy the bot backed up in between may be live now.
 */
function checkUnchangedSinceSelection(candidates: readonly PurgeCandidate[], seen: RowFingerprints): void {
  for (const candidate of candidates) {
    const rows = seen.get(candidate.strategyId);
    const newest = newestOf(rows.lastUpdated);
    if (rows.digests.length !== candidate.rows || (newest?.epochMicros ?? null) !== (candidate.lastUpdated?.epochMicros ?? null)) {
      throw changedError(candidate.strategyId, 'it was selected');
    }
  }
}

function changedError(strategyId: string, since: string): ConflictError {
  return new ConflictError(`strategy ${quote(strategyId)} changed after ${since}: another writer, such as the bot, saved it meanwhile`, {
    hint: 'nothing was deleted; run the purge again to see its rows as they are now (add --dry-run to only look)',
  });
}

async function writeBackup(context: Context, store: Store, candidates: readonly PurgeCandidate[], options: PurgeOptions, seen: RowFingerprints): Promise<string> {
  const folder = options.backupDir ?? defaultBackupDir();
  requireExactPath(folder, 'backup folder');
  await createBackupFolder(folder, 0o700);

  const createdAt = new Date();
  const sink = await openBackupSink(folder, purgeBackupName(store.displayUrl, createdAt));
  const interrupts = watchInterrupts('purge', 'no backup was kept and nothing was deleted');
  try {
    await writeExport(store, candidates.map((candidate) => candidate.strategyId), sink, {
      createdAt,
      tool: options.tool,
      signal: interrupts.signal,
      progress: createProgress('saved', { quiet: context.output.quiet }),
      onRow: (row) => seen.add(row),
    });
  } finally {
    interrupts.dispose();
  }

  return sink.name;
}

/** Opens a new backup file, adding `-2`, `-3`, ... when a purge in the same second used the name. */
async function openBackupSink(folder: string, name: string): Promise<ExportSink> {
  const extension = path.extname(name);
  const stem = name.slice(0, name.length - extension.length);

  for (let attempt = 1; ; attempt++) {
    const candidate = path.join(folder, attempt === 1 ? name : `${stem}-${attempt}${extension}`);
    try {
      return await openFileSink({ path: candidate, replace: false });
    } catch (error) {
      if (!(error instanceof UsageError) || attempt >= 100) {
        throw error;
      }
    }
  }
}

function checkLive(candidates: readonly PurgeCandidate[], options: PurgeOptions): void {
  const live = candidates.filter((candidate) => candidate.live.live);
  const first = live[0];
  if (first === undefined || options.force) {
    return;
  }

  const others = live.length > 1 ? ` ${live.length - 1} more of the strategies to purge look live too.` : '';
  throw liveStrategyError(
    first.strategyId,
    first.live,
    options.liveWindowMs,
    `A running bot writes its whole state back as a new row at its next change, so the purge would not last.${others}`,
  );
}

/** Tells, in a dry run, which strategies the real run would reject as live without --force. */
function warnLive(context: Context, candidates: readonly PurgeCandidate[], options: PurgeOptions): void {
  const live = candidates.filter((candidate) => candidate.live.live);
  if (live.length === 0 || options.force) {
    return;
  }
  const names = live.slice(0, 5).map((candidate) => quote(candidate.strategyId)).join(', ') + (live.length > 5 ? ', ...' : '');
  context.output.warn(`${countStrategies(live.length)} ${live.length === 1 ? 'looks' : 'look'} live (a backup within the live window): ${names}; the purge would stop there unless given --force`);
}

function renderCandidates(candidates: readonly PurgeCandidate[], nowMs: number, context: Context): string {
  const style = context.output.errorStyle;
  const columns = [{ header: 'STRATEGY' }, { header: 'ROWS', align: 'right' as const }, { header: 'LAST BACKUP (NEW YORK)' }, { header: 'AGE' }, { header: 'SELECTED BY' }];
  const rows = candidates.map((candidate) => {
    const epochMicros = candidate.lastUpdated?.epochMicros ?? null;
    return [
      printableName(candidate.strategyId),
      String(candidate.rows),
      epochMicros === null ? 'unknown' : formatNewYork(epochMicros),
      epochMicros === null ? '-' : formatAge((nowMs - millisFromMicros(epochMicros)) / 1000),
      candidate.reasons.join(', '),
    ];
  });
  // The table goes to stderr, for people only, so long names are cut to a terminal's width there.
  const width = terminalColumns(process.stderr);
  return renderTable(columns, rows, style, width === null ? undefined : { width, column: 0, minWidth: MIN_NAME_WIDTH });
}

const MIN_NAME_WIDTH = 16;

interface PurgeReport {
  readonly candidates: readonly PurgeCandidate[];
  readonly rows: number;
  readonly backup: string | null;
  readonly deleted: boolean;
  readonly dryRun: boolean;
  /** The masked URL, for the summary line. */
  readonly database: string;
}

async function report(context: Context, result: PurgeReport): Promise<void> {
  if (context.options.json) {
    const strategies = result.candidates.map((candidate) => ({
      strategy_id: candidate.strategyId,
      rows: candidate.rows,
      last_updated: candidate.lastUpdated?.text ?? null,
      last_updated_iso: candidate.lastUpdated?.epochMicros == null ? null : formatIsoUtc(candidate.lastUpdated.epochMicros),
      selected_by: candidate.reasons,
    }));
    const document = { dry_run: result.dryRun, deleted: result.deleted, rows: result.rows, backup: result.backup, strategies };
    await context.output.data(`${JSON.stringify(document)}\n`);
    return;
  }

  const what = `${countStrategies(result.candidates.length)} (${countRows(result.rows)})`;
  if (result.candidates.length === 0) {
    context.output.info('nothing to purge: no strategy matches the selectors');
  } else if (result.dryRun) {
    context.output.info(`dry run: would purge ${what}; nothing was deleted`);
  } else {
    context.output.info(`purged ${what} from ${result.database}`);
  }
}

function countStrategies(count: number): string {
  return count === 1 ? '1 strategy' : `${count} strategies`;
}

function countRows(count: number): string {
  return count === 1 ? '1 row' : `${count} rows`;
}
