import { Command, CommanderError, Option } from 'commander';

import { ExitCode, isVarsctlError } from '../errors.js';
import { COMMANDS } from './commands/index.js';
import type { GlobalOptions } from './context.js';

const VERSION = '0.1.0';

const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  runtime failure (database, file system)
  2  usage error, invalid input or a refused confirmation
  3  strategy, key or table not found
  4  conflict: the row changed concurrently, or the strategy looks live (use --force)
  5  corrupt data: a stored text that cannot be parsed, or a damaged export file
  130, 143  interrupted by SIGINT (Ctrl-C) or SIGTERM; stderr says what was left

The database URL comes from --db, else $DB_CONNECTION_STR (then the deprecated
$ACCOUNT_HISTORY_DB_CONNECTION_STR), after loading .env from the current directory.
stdout carries data only; progress, warnings, prompts and errors go to stderr.`;

export function buildProgram(): Command {
  const program = new Command('varsctl')
    .description('Inspect, back up and repair the variable backups (vars_backup) of Lumibot trading bots.')
    .version(VERSION, '-V, --version', 'print the version')
    .option('--db <url>', 'database URL (default: $DB_CONNECTION_STR)')
    .option('--env-file <path>', 'read this file instead of ./.env')
    .option('--table <name>', 'backup table, schema.table allowed', 'vars_backup')
    .option('--json', 'machine-readable JSON on stdout')
    .option('--no-color', 'no colours (also when NO_COLOR is set or output is not a terminal)')
    .option('-q, --quiet', 'print only warnings and errors on stderr')
    .option('-v, --verbose', 'more detail on stderr, stack traces on errors')
    .addOption(new Option('--lock-timeout <ms>', 'how long to wait for a locked SQLite file or PostgreSQL table or row').default('5000'))
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError('(run varsctl --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .exitOverride();

  for (const register of COMMANDS) {
    const command = register(program);
    command.exitOverride();
  }

  return program;
}

/** The only place that ends the process: everything else sets or throws. */
/** Returns `argv` with the bytes of arguments that are not UTF-8 kept, loading that code only when an argument needs it. */
async function exactArguments(argv: readonly string[]): Promise<string[]> {
  if (!argv.some((arg) => arg.includes('\ufffd'))) {
    return [...argv];
  }
  const { rawArguments } = await import('./raw-arguments.js');
  return rawArguments(argv);
}

export async function main(argv: readonly string[]): Promise<void> {
  // commander writes help and errors without a callback, so a reader that
  // closes the pipe early (`varsctl --help | head -1`) makes stdout emit an
  // 'error' event, which would crash the process without a listener. The
  // data commands learn of failed writes through their write callbacks.
  process.stdout.on('error', () => undefined);

  const program = buildProgram();
  let verbose = argv.includes('--verbose') || argv.includes('-v');

  try {
    await program.parseAsync(await exactArguments(argv));
    verbose = Boolean(program.opts<GlobalOptions>().verbose);
  } catch (error) {
    process.exitCode = exitCodeFor(error);
    if (error instanceof CommanderError && error.code === 'commander.unknownOption') {
      await hintValueTakenForOption(error.message);
    }
    if (!(error instanceof CommanderError)) {
      // Imported on failure only: the error printer loads chalk.
      const { reportError } = await import('./report.js');
      reportError(error, { verbose });
    }
  }

  await flushStdout();
}

/**
 * Writes a hint after commander's "unknown option" error when the option is
 * a value in the bot's dialect, such as -Infinity. Commander 14 lets only
 * plain negative numbers such as -5 through as arguments.
 */
async function hintValueTakenForOption(message: string): Promise<void> {
  const flag = /^error: unknown option '(.*?)'(?:\n|$)/.exec(message)?.[1];
  if (flag === undefined) {
    return;
  }

  const { parseValue } = await import('../vars/index.js');
  try {
    parseValue(flag);
  } catch {
    return;
  }
  process.stderr.write(`hint: to pass ${flag} as a value, put -- before it, after every option: varsctl set STRATEGY KEY [options] -- ${flag}\n`);
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and --version end with code 0 through the same path as errors.
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (isVarsctlError(error)) {
    return error.exitCode;
  }
  return ExitCode.runtime;
}

function flushStdout(): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.writableLength === 0) {
      resolve();
      return;
    }
    process.stdout.once('drain', () => resolve());
    process.stdout.once('error', () => resolve());
  });
}
