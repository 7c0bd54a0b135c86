import type { Command } from 'commander';

import { UsageError } from '../../errors.js';
import { runCommand, type Context } from '../context.js';

const HELP = `
The export file is JSON Lines: a header, one line per row with the exact
stored texts, and a trailer with counts and a SHA-256 checksum, so that
restore detects a truncated or altered file (docs/export-format.md).

-o FILE is written atomically: to a temporary file in the same folder, which
is fsynced and renamed into place only when the export is complete. On any
failure, Ctrl-C or SIGTERM, nothing is left at FILE. The file is created with
mode 0600 (it holds every strategy's state). An existing FILE is replaced
only with --force. A character device or named pipe is written directly.

FILE may contain strftime conversions, expanded in local time: %Y %y %m %d
%H %M %S %j (day of year) %s (Unix seconds) %F (%Y-%m-%d) and %%.

stderr gets the summary line (unless -q) and, on a terminal, progress.
With --json and -o FILE, the summary goes to stdout as JSON instead.

Examples:
  varsctl export -o backup.jsonl
  varsctl export MomentumBot OptionsWheel -o two.jsonl
  varsctl export > backup.jsonl
  varsctl export | gzip > backup.jsonl.gz
  # crontab: quiet on success, non-zero exit on any failure
  0 3 * * * varsctl -q export -o '/var/backups/vars/backup-\\%Y\\%m\\%d-\\%H\\%M\\%S.jsonl'`;

interface ExportCommandOptions {
  output: string;
  force?: boolean;
}

export function registerExport(program: Command): Command {
  return program
    .command('export')
    .description('write strategies (all, or the named ones) to an export file for backup or restore')
    .argument('[strategy...]', 'strategies to export, matched exactly (default: all)')
    .option('-o, --output <file>', 'file to write, strftime patterns allowed; - for stdout', '-')
    .option('--force', 'replace the file if it already exists')
    .addHelpText('after', HELP)
    .action(async (strategies: string[], options: ExportCommandOptions, command: Command) => {
      // Until the export opens its file, an interrupt leaves nothing anywhere;
      // from then on the export's own watch reports and removes the file.
      const interrupted = { consequence: options.output === '-' ? 'nothing was written to stdout' : 'no file was written' };
      await runCommand(command, (context) => exportAction(context, strategies, options, toolName(command)), interrupted);
    });
}

async function exportAction(context: Context, strategies: string[], options: ExportCommandOptions, tool: string): Promise<void> {
  if (context.options.json && options.output === '-') {
    throw new UsageError('--json needs -o FILE: with no file, stdout carries the export itself', {
      hint: 'add -o FILE to get the summary as JSON on stdout',
    });
  }

  const { exportStrategies, describeExport } = await import('../archive/export-action.js');
  const result = await exportStrategies(context, [...new Set(strategies)], {
    output: options.output,
    force: Boolean(options.force),
    tool,
  });
  context.setInterruptState({ consequence: `the export to ${result.destination} is complete` });

  if (context.options.json) {
    await context.output.data(
      `${JSON.stringify({ file: result.destination, strategies: result.strategies, rows: result.rows, bytes: result.bytes })}\n`,
    );
  } else {
    context.output.info(describeExport(result));
  }
}

/** `varsctl 0.1.0`, from the version the root program was given. */
function toolName(command: Command): string {
  let root = command;
  while (root.parent !== null) {
    root = root.parent;
  }
  return `varsctl ${root.version() ?? 'unknown'}`;
}
