import type { Command } from 'commander';

import { runCommand, type Context } from '../context.js';
import { DURATION_UNITS } from '../duration.js';
import { DEFAULT_LIVE_WINDOW } from '../live.js';

const HELP = `
Selectors add up: purge deletes every strategy named, every strategy whose
newest backup (last_updated) is older than --older-than, and with
--placeholder the placeholder row. At least one selector is required.
--older-than never selects the placeholder, and skips (with a warning)
strategies whose last_updated is not a readable time.

--placeholder deletes the row with strategy_id "INITIAL VALUE" that Lumibot
writes only when it creates the table. Lumibot never loads it for a strategy,
and does not write it again while the table exists, so deleting it changes
nothing for the bots.

purge lists what it will delete on stderr (or, with --json, prints one JSON
object on stdout at the end), asks on a terminal, and needs --yes without
one. --dry-run lists and stops. A strategy whose last backup is recent
(--live-window) looks live and needs --force: its bot would write it back.

Before deleting, purge saves the rows in an export file, written and fsynced
before the delete runs, in --backup-dir (default
$XDG_STATE_HOME/varsctl/purged, else ~/.local/state/varsctl/purged), named
purged-<UTC time>-<database>.jsonl. Its path is printed on stderr, even with
-q, because  varsctl restore FILE  brings the rows back. --no-backup skips it.
The delete is one transaction.

Durations: a number and a unit, combined as in 1d12h. Units:
${DURATION_UNITS}.

Examples:
  varsctl purge OldBot --dry-run
  varsctl purge --older-than 90d
  varsctl purge --placeholder --yes
  varsctl -q purge --older-than 2w --yes --backup-dir /var/backups/vars/purged`;

interface PurgeCommandOptions {
  olderThan?: string;
  placeholder?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  force?: boolean;
  backupDir?: string;
  backup: boolean;
  liveWindow: string;
}

export function registerPurge(program: Command): Command {
  return program
    .command('purge')
    .description('delete strategies by name, by age or the placeholder row, keeping a copy to restore')
    .argument('[strategy...]', 'strategies to delete, matched exactly')
    .option('--older-than <duration>', 'also delete strategies whose newest backup is older than this, e.g. 30d')
    .option('--placeholder', 'also delete the INITIAL VALUE placeholder row')
    .option('--dry-run', 'show what would be deleted and stop')
    .option('-y, --yes', 'delete without asking (required without a terminal)')
    .option('--force', 'delete strategies that look live too')
    .option('--backup-dir <dir>', 'folder for the copy of the deleted rows')
    .option('--no-backup', 'do not keep a copy of the deleted rows')
    .option('--live-window <duration>', 'a strategy backed up within this time looks live: 5m, 1h, or seconds without a unit (0 turns the check off)', DEFAULT_LIVE_WINDOW)
    .addHelpText('after', HELP)
    .action(async (strategies: string[], options: PurgeCommandOptions, command: Command) => {
      await runCommand(command, (context) => purgeAction(context, strategies, options, toolName(command)));
    });
}

async function purgeAction(context: Context, strategies: string[], options: PurgeCommandOptions, tool: string): Promise<void> {
  const { parseDuration } = await import('../duration.js');
  const { purgeStrategies } = await import('../archive/purge-action.js');

  // A purge must not read "30" as 30 seconds, or 0 as everything.
  const ageRules = { unitless: 'rejected', zero: 'rejected' } as const;

  await purgeStrategies(context, {
    strategyIds: [...new Set(strategies)],
    olderThanMs: options.olderThan === undefined ? undefined : parseDuration(options.olderThan, '--older-than', ageRules),
    placeholder: Boolean(options.placeholder),
    dryRun: Boolean(options.dryRun),
    yes: Boolean(options.yes),
    force: Boolean(options.force),
    backupDir: options.backupDir,
    backup: options.backup,
    liveWindowMs: parseDuration(options.liveWindow, '--live-window'),
    tool,
  });
}

function toolName(command: Command): string {
  let root = command;
  while (root.parent !== null) {
    root = root.parent;
  }
  return `varsctl ${root.version() ?? 'unknown'}`;
}
