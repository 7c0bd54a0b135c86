import type { Command } from 'commander';

import { DEPTH_LIMIT_REASON, DEPTH_LIMIT_RISK, MAX_DEPTH } from '../../vars/limits.js';
import { runCommand, type Context } from '../context.js';
import { terminalColumns } from '../render/terminal.js';

const EXAMPLES = `
Columns: rows with this strategy_id ("2 (duplicates)" when more than one),
the last backup in New York time and its age, top-level keys and the size of
the variables text of the row the bot loads. A text the bot cannot load is
listed as "unreadable" with the reason, and one nested deeper than the
${MAX_DEPTH} levels varsctl parses as "too deep for varsctl". Either way the
command exits 0.

On a terminal, strategy names too long for its width are cut with "…";
piped output and --json keep every name whole.

--json prints an array of objects sorted by strategy_id, with the fields
strategy_id, rows, last_updated (the stored text), last_updated_iso (UTC,
microseconds), age_seconds, keys, bytes, placeholder and error.

Examples:
  varsctl list
  varsctl list --no-placeholder
  varsctl list --json | jq -r '.[] | select(.error) | .strategy_id'`;

interface ListOptions {
  placeholder: boolean;
}

export function registerList(program: Command): Command {
  return program
    .command('list')
    .description('list the strategies in the backup table: rows, last backup, keys, size')
    .option('--no-placeholder', "hide Lumibot's INITIAL VALUE placeholder row")
    .addHelpText('after', EXAMPLES)
    .action(async (options: ListOptions, command: Command) => {
      await runCommand(command, (context) => listAction(context, options));
    });
}

async function listAction(context: Context, options: ListOptions): Promise<void> {
  const { listStrategies } = await import('../list-strategies.js');
  const { renderListJson, renderListTable } = await import('../render/list.js');
  const { quote } = await import('../render/text.js');
  const store = await context.store();

  const listings = await listStrategies(store, { includePlaceholder: options.placeholder, nowMs: Date.now() });

  if (context.options.json) {
    await context.output.data(renderListJson(listings));
  } else if (listings.length === 0) {
    context.output.info(`no strategies in ${store.tableName} yet: a bot writes its first backup after its first iteration`);
  } else {
    // Names are cut only on a terminal: piped output keeps them whole for scripts.
    const width = terminalColumns(process.stdout) ?? undefined;
    await context.output.data(renderListTable(listings, context.output.style, width));
  }

  const unreadable = listings.filter((listing) => listing.error !== null);
  for (const listing of unreadable) {
    const name = quote(listing.strategyId);
    if (listing.error === DEPTH_LIMIT_REASON) {
      context.output.warn(`varsctl cannot parse strategy ${name}: ${listing.error}, and ${DEPTH_LIMIT_RISK}; see it with varsctl show ${name} --raw`);
    } else {
      context.output.warn(`the bot cannot load strategy ${name}: ${listing.error}; see it with varsctl show ${name} --raw`);
    }
  }
}
