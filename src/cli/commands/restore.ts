import type { Command } from 'commander';

import { runCommand, type Context } from '../context.js';
import { DEFAULT_LIVE_WINDOW } from '../live.js';

const HELP = `
restore reads and verifies the whole file (every line, the row count and the
SHA-256 checksum) before it writes anything; a truncated or altered file is
rejected with exit code 5. It then writes in one transaction: for each
restored strategy, its rows in the database are replaced by the file's rows,
with the exact stored texts. On any failure, Ctrl-C or SIGTERM, the
transaction rolls back and the database is as it was.

FILE may be - for standard input, which is copied to a private temporary
file first so that it can be verified before anything is written. The file
may come from PostgreSQL or SQLite and go into either; last_updated is
converted to the form the bot writes there. A database without the backup
table gets it, created as the bot creates it.

The export names the table it came from; restoring it into another table
needs --table. Replacing strategies that exist asks for confirmation on a
terminal; without a terminal it needs --yes (restoring only new strategies
asks nothing). A strategy whose last backup is recent (--live-window) looks
live and needs --force.

--dry-run prints, per strategy, whether it is new, unchanged or changed, with
the keys added (+), removed (-) and changed (~) and their values, and writes
nothing; with --json, one JSON array.

--accept-edits restores a file that someone edited after the export: every
edited row must hold variables the bot can load, and the edited strategies'
changes are shown before the confirmation (docs/export-format.md).

Examples:
  varsctl restore backup.jsonl --dry-run
  varsctl restore backup.jsonl MomentumBot
  varsctl --db sqlite:///new.db restore backup.jsonl --yes
  gunzip -c backup.jsonl.gz | varsctl restore - --yes
  varsctl restore edited.jsonl --accept-edits`;

interface RestoreCommandOptions {
  dryRun?: boolean;
  yes?: boolean;
  force?: boolean;
  acceptEdits?: boolean;
  liveWindow: string;
}

export function registerRestore(program: Command): Command {
  return program
    .command('restore')
    .description('write strategies from an export file back into the database, after verifying the file')
    .argument('<file>', 'export file to read; - for standard input')
    .argument('[strategy...]', 'strategies to restore, matched exactly (default: every strategy in the file)')
    .option('--dry-run', 'show what would change and write nothing')
    .option('-y, --yes', 'replace existing strategies without asking (required without a terminal)')
    .option('--force', 'restore strategies that look live too')
    .option('--accept-edits', 'accept rows edited after the export, once each is checked')
    .option('--live-window <duration>', 'a strategy backed up within this time looks live: 5m, 1h, or seconds without a unit (0 turns the check off)', DEFAULT_LIVE_WINDOW)
    .addHelpText('after', HELP)
    .action(async (file: string, strategies: string[], options: RestoreCommandOptions, command: Command) => {
      await runCommand(command, (context) => restoreAction(context, file, strategies, options, tableGiven(command)));
    });
}

async function restoreAction(
  context: Context,
  file: string,
  strategies: string[],
  options: RestoreCommandOptions,
  tableExplicit: boolean,
): Promise<void> {
  const { parseDuration } = await import('../duration.js');
  const { restoreStrategies } = await import('../archive/restore-action.js');

  await restoreStrategies(context, {
    file,
    strategyIds: strategies,
    dryRun: Boolean(options.dryRun),
    yes: Boolean(options.yes),
    force: Boolean(options.force),
    acceptEdits: Boolean(options.acceptEdits),
    liveWindowMs: parseDuration(options.liveWindow, '--live-window'),
    tableExplicit,
  });
}

/** True when --table came from the command line rather than its default. */
function tableGiven(command: Command): boolean {
  for (let current: Command | null = command; current !== null; current = current.parent) {
    if (current.getOptionValueSource('table') === 'cli') {
      return true;
    }
  }
  return false;
}
