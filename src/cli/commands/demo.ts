import type { Command } from 'commander';

import { runCommand, type Context } from '../context.js';

const DEFAULT_PATH = 'varsctl-demo.db';

const DETAILS = `
The demo database is an SQLite file laid out exactly as Lumibot creates its
table (same columns, index and placeholder row), holding several strategies
with realistic state: a momentum bot backed up seconds ago (so it looks live),
an options wheel, a strategy with a non-ASCII name, NaN and Infinity, integers
beyond 2^53, strings the bot turns into dates, and a strategy with two rows.
Nothing else is touched and no server is needed.

Examples:
  varsctl demo
  export DB_CONNECTION_STR=sqlite:///varsctl-demo.db
  varsctl list
  varsctl demo --temp --show        # what npm run demo runs`;

interface DemoOptions {
  force?: boolean;
  temp?: boolean;
  show?: boolean;
}

export function registerDemo(program: Command): Command {
  return program
    .command('demo')
    .description('create a demo SQLite database that looks like a real bot\'s backup table')
    .argument('[path]', `file to create (default ./${DEFAULT_PATH})`)
    .option('--force', 'replace the file if it exists')
    .option('--temp', 'create the file in a new temporary folder instead')
    .option('--show', 'then print varsctl list and varsctl show MomentumBot for it')
    .addHelpText('after', DETAILS)
    .action(async (path: string | undefined, options: DemoOptions, command: Command) => {
      await runCommand(command, (context) => demoAction(context, path, options));
    });
}

async function demoAction(context: Context, requestedPath: string | undefined, options: DemoOptions): Promise<void> {
  const { UsageError } = await import('../../errors.js');
  const { createDemoDatabase } = await import('../../demo/create.js');

  if (options.temp && requestedPath !== undefined) {
    throw new UsageError(`--temp picks the folder itself, so it takes no PATH (got ${JSON.stringify(requestedPath)})`, {
      hint: 'leave out PATH or --temp',
    });
  }

  const path = options.temp ? await temporaryPath() : (requestedPath ?? DEFAULT_PATH);
  const summary = await createDemoDatabase({ path, force: Boolean(options.force), nowMs: Date.now() });
  const url = `sqlite:///${path}`;

  context.output.info(
    `created ${path}: ${summary.strategies} strategies in ${summary.rows} rows, plus the placeholder row`,
  );
  context.output.info(`point varsctl at it:\n  export DB_CONNECTION_STR=${shellWord(url)}\n  varsctl list`);

  if (options.show) {
    await showDemo(context, url);
  }
}

/** Prints `list` and `show MomentumBot` of the new database, as the user would run them. */
async function showDemo(context: Context, url: string): Promise<void> {
  const { openStore } = await import('../../store/index.js');
  const { lockTimeoutMs } = await import('../context.js');
  const { listStrategies } = await import('../list-strategies.js');
  const { renderListTable } = await import('../render/list.js');
  const { renderVariablesTable } = await import('../render/show.js');
  const { parseStrategy } = await import('../show-strategy.js');
  const { loadedTypeLabels } = await import('../bot-load.js');

  const store = await openStore({ url, table: 'vars_backup', lockTimeoutMs: lockTimeoutMs(context.options) });
  try {
    context.output.info('\n$ varsctl list');
    const listings = await listStrategies(store, { includePlaceholder: true, nowMs: Date.now() });
    await context.output.data(renderListTable(listings, context.output.style));

    context.output.info('\n$ varsctl show MomentumBot');
    const parsed = await parseStrategy(store, 'MomentumBot');
    const types = await loadedTypeLabels(parsed.vars);
    await context.output.data(renderVariablesTable(parsed.vars, { types, width: 100, full: false, style: context.output.style }));
  } finally {
    await store.close();
  }
}

async function temporaryPath(): Promise<string> {
  const { mkdtemp } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');

  const folder = await mkdtemp(join(tmpdir(), 'varsctl-demo-'));
  return join(folder, DEFAULT_PATH);
}

function shellWord(text: string): string {
  return /^[\w./:@%+=-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
