import type { Command } from 'commander';

import { runCommand, type Context } from '../context.js';
import { terminalColumns } from '../render/terminal.js';

const DETAILS = `
Without KEY: a table of every variable with its type and value, in stored
order. TYPE is what the bot gets back on load: "str -> date" marks a string
the bot's loader turns into a date or datetime. Long values are shortened to
the terminal width ($COLUMNS, or 80 columns when stdout is not a terminal);
--full shows them whole.

With KEY: that value exactly as stored, in the bot's JSON dialect (NaN,
Infinity, \\uXXXX escapes), followed by a newline.

--raw prints the stored variables text byte for byte. It adds no newline,
except one when stdout is a terminal, so "varsctl show X --raw > file" holds
exactly the stored bytes.

--json prints standard JSON that jq reads: integers are exact digit literals
of any size (so values beyond 2^53 lose nothing, though a reader such as
JSON.parse may round them), and NaN, Infinity and -Infinity, which JSON
cannot express, are the strings "NaN", "Infinity" and "-Infinity".

When a strategy has several rows, a note on stderr lists them and marks the
one the bot loads (the newest last_updated).

Examples:
  varsctl show MomentumBot
  varsctl show MomentumBot last_price
  varsctl show MomentumBot --raw > momentum.json
  varsctl show MomentumBot --json | jq .symbols`;

interface ShowOptions {
  raw?: boolean;
  full?: boolean;
}

export function registerShow(program: Command): Command {
  return program
    .command('show')
    .description("show a strategy's variables as a table, one value, or the stored text")
    .argument('<strategy>', 'strategy_id, matched exactly as the bot matches it')
    .argument('[key]', 'one top-level variable to print')
    .option('--raw', 'print the stored variables text byte for byte')
    .option('--full', 'do not shorten long values in the table')
    .addHelpText('after', DETAILS)
    .action(async (strategyId: string, key: string | undefined, options: ShowOptions, command: Command) => {
      await runCommand(command, (context) => showAction(context, strategyId, key, options));
    });
}

async function showAction(context: Context, strategyId: string, key: string | undefined, options: ShowOptions): Promise<void> {
  const { UsageError } = await import('../../errors.js');

  if (options.raw && key !== undefined) {
    throw new UsageError(`--raw prints the whole stored text, so it takes no KEY (got ${JSON.stringify(key)})`, {
      hint: `varsctl show ${JSON.stringify(strategyId)} ${JSON.stringify(key)} already prints that value exactly as stored`,
    });
  }
  if (options.raw && context.options.json) {
    throw new UsageError('--raw and --json cannot be combined: --raw prints the stored text, --json standard JSON', {
      hint: 'leave out one of them',
    });
  }

  if (options.raw) {
    await showRaw(context, strategyId);
  } else if (key !== undefined) {
    await showKey(context, strategyId, key);
  } else {
    await showTable(context, strategyId, Boolean(options.full));
  }
}

async function showRaw(context: Context, strategyId: string): Promise<void> {
  const { CorruptDataError } = await import('../../errors.js');
  const { describeDuplicateRows } = await import('../render/show-rows.js');
  const { quote } = await import('../render/text.js');
  const { loadStrategy } = await import('../show-strategy.js');

  const { strategy, loaded } = await loadStrategy(await context.store(), strategyId);
  reportLines(context, describeDuplicateRows(strategy));

  if (loaded.variables === null) {
    throw new CorruptDataError(`the variables of strategy ${quote(strategyId)} are NULL: there is no text to print`, {
      hint: 'restore the strategy from an export, or delete its rows with varsctl purge',
    });
  }

  // The stored bytes themselves, also when they are not valid UTF-8.
  const { encodeEscaped } = await import('../../store/utf8.js');
  await context.output.data(encodeEscaped(loaded.variables));
  if (process.stdout.isTTY && !loaded.variables.endsWith('\n')) {
    await context.output.data('\n');
  }
}

async function showKey(context: Context, strategyId: string, key: string): Promise<void> {
  const { NotFoundError } = await import('../../errors.js');
  const { serializeValue, toStandardJson } = await import('../../vars/index.js');
  const { describeDuplicateRows } = await import('../render/show-rows.js');
  const { quote } = await import('../render/text.js');
  const { parseStrategy } = await import('../show-strategy.js');
  const { suggestNames } = await import('../strategy.js');

  const parsed = await parseStrategy(await context.store(), strategyId);
  reportLines(context, describeDuplicateRows(parsed.strategy));

  const value = parsed.vars.get(key);
  if (value === undefined) {
    const suggestions = suggestNames(key, parsed.vars.keys());
    throw new NotFoundError(`strategy ${quote(strategyId)} has no variable ${quote(key)}`, {
      hint:
        suggestions.length > 0
          ? `did you mean ${suggestions.map(quote).join(' or ')}? Keys match exactly, case included.`
          : `run varsctl show ${quote(strategyId)} to see its ${parsed.vars.size} variables`,
    });
  }

  const text = context.options.json ? toStandardJson(value) : serializeValue(value);
  await context.output.data(`${text}\n`);
}

async function showTable(context: Context, strategyId: string, full: boolean): Promise<void> {
  const { toStandardJson } = await import('../../vars/index.js');
  const { describeDuplicateRows } = await import('../render/show-rows.js');
  const { renderVariableRows } = await import('../render/show.js');
  const { quote } = await import('../render/text.js');
  const { parseStrategy } = await import('../show-strategy.js');

  const parsed = await parseStrategy(await context.store(), strategyId);
  reportLines(context, describeDuplicateRows(parsed.strategy));

  if (context.options.json) {
    await context.output.data(`${toStandardJson(parsed.vars.toDict())}\n`);
  } else if (parsed.vars.size === 0) {
    context.output.info(`strategy ${quote(strategyId)} has no variables: its stored text is {}`);
  } else {
    const { variableRows } = await import('../render/variable-rows.js');
    const rows = await variableRows(parsed.vars, full);
    const table = renderVariableRows(rows, { width: terminalWidth(), full, style: context.output.style });
    await context.output.data(table);
  }
}

function reportLines(context: Context, lines: readonly string[]): void {
  for (const line of lines) {
    context.output.info(line);
  }
}

const DEFAULT_WIDTH = 80;

/** Picks the table width: the terminal's, else $COLUMNS, else 80. */
function terminalWidth(): number {
  const terminal = terminalColumns(process.stdout);
  if (terminal !== null) {
    return terminal;
  }

  const columns = Number(process.env['COLUMNS']);
  return Number.isInteger(columns) && columns > 0 ? columns : DEFAULT_WIDTH;
}
