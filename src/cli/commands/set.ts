import type { Command } from 'commander';

import { runCommand, type Context } from '../context.js';
import { DEFAULT_LIVE_WINDOW } from '../live.js';
import type { SetOutcome } from '../set-variable.js';
import type { WaitOutcome } from '../wait-backup.js';

const DETAILS = `
VALUE is read in the bot's JSON dialect and stored as Python's json.dumps
spells it: 10 is an int, 10.0 and 1e-05 are floats, NaN and Infinity are
allowed, {"a":1} is stored as {"a": 1}. A string needs JSON quotes, which
the shell needs quoted in turn ('"SPY"'), or --string, which stores VALUE
as a str exactly as typed. VALUE - (or --stdin) reads it from standard
input; with --string one final newline is dropped from it. A VALUE that
starts with - and is not a number, such as -Infinity, needs -- before it:
varsctl set MomentumBot band -- -Infinity.

A VALUE that the bot would load with another type than the stored value
(an int over a float, a str over a date, null over a list) is rejected with
exit 2 unless --change-type is given; a value that replaces None only warns.
"varsctl show STRATEGY KEY" prints a value in the form set reads, so its
output fed back to set keeps the type and every digit. JSON output does not:
--json writes NaN as the str "NaN", and jq 1.6 rounds integers beyond 2^53
to doubles and writes 100.0 as the int 100. set warns when a new int looks
like the stored one rounded that way, and, inside a list or dict, when a
value shows any of these three changes.

Only the edited key's bytes change; every other value keeps its stored text.
The write is a compare-and-swap against the row that was read: if the bot or
another tool wrote the row in between, nothing is written and the command
exits 4. Setting the value already stored writes nothing.

A running bot reloads its variables before each iteration and merges them
key by key, so a set takes effect at its next iteration. A deleted key stays
in its memory and comes back at its next backup, and a write that lands
while an iteration is under way is overwritten by that iteration's backup
when the bot's state changed. So a strategy whose last backup is within the
live window needs --force, and --wait-backup waits for the bot's next backup
and reports whether the value survived it (exit 0), was overwritten (exit 4)
or no backup came in time (exit 1; the bot backs up only when its variables
change). Ctrl-C or SIGTERM during the wait ends it with exit 130 or 143
and leaves the value written. Put --wait-backup after VALUE, because it
takes the word after it as its timeout.

Examples:
  varsctl set MomentumBot qty 10
  varsctl set MomentumBot stop 1e-05
  varsctl set MomentumBot ticker '"SPY"'
  varsctl set MomentumBot ticker --string SPY
  varsctl set MomentumBot band NaN
  varsctl set MomentumBot old_key --delete
  varsctl set NewBot qty 0 --create
  varsctl set MomentumBot qty 10 --force --wait-backup 2m
  varsctl set MomentumBot entry_price null --change-type
  varsctl show MomentumBot positions > positions.txt
  varsctl set MomentumBot positions - < positions.txt`;

interface SetOptions {
  string?: boolean;
  stdin?: boolean;
  delete?: boolean;
  create?: boolean;
  force?: boolean;
  changeType?: boolean;
  liveWindow: string;
  dryRun?: boolean;
  waitBackup?: string | true;
}

const DEFAULT_WAIT_TIMEOUT = '10m';
const POLL_INTERVAL_MS = 500;

export function registerSet(program: Command): Command {
  return program
    .command('set')
    .description("set or delete one variable of a strategy, as the bot would store it")
    .argument('<strategy>', 'strategy_id, matched exactly as the bot matches it')
    .argument('<key>', 'top-level variable name')
    .argument('[value]', "new value in the bot's JSON dialect; - reads it from standard input")
    .option('--string', 'store VALUE as a str exactly as typed')
    .option('--stdin', 'read VALUE from standard input (for large values)')
    .option('--delete', 'remove KEY (takes no VALUE)')
    .option('--create', 'create the strategy when it has no row yet')
    .option('--force', 'write even when the strategy looks live')
    .option('--change-type', "write even when VALUE has another type than the stored value (int, float, str, date, ...)")
    .option('--live-window <duration>', 'a last backup more recent than this makes a strategy look live: 5m, 1h, or seconds without a unit (0 turns the check off)', DEFAULT_LIVE_WINDOW)
    .option('--dry-run', 'show the old and new value and write nothing')
    .option('--wait-backup [timeout]', `after writing, wait for the bot's next backup and check the value survived (default ${DEFAULT_WAIT_TIMEOUT})`)
    .addHelpText('after', DETAILS)
    .action(async (strategyId: string, key: string, value: string | undefined, options: SetOptions, command: Command) => {
      await runCommand(command, (context) => setAction(context, strategyId, key, value, options), { consequence: 'nothing was written' });
    });
}

async function setAction(context: Context, strategyId: string, key: string, value: string | undefined, options: SetOptions): Promise<void> {
  const { parseDuration } = await import('../duration.js');
  const { buildChange } = await import('../set-input.js');
  const { setVariable } = await import('../set-variable.js');
  const { backupTime, describeSetOutcome, renderSetJson } = await import('../render/set.js');

  const liveWindowMs = parseDuration(options.liveWindow, '--live-window');
  const waitMs = await waitTimeout(options);
  const change = await buildChange(
    {
      key,
      value,
      string: Boolean(options.string),
      stdin: Boolean(options.stdin),
      delete: Boolean(options.delete),
      create: Boolean(options.create),
      waitBackupTimeout: typeof options.waitBackup === 'string' ? options.waitBackup : undefined,
    },
    () => readStdin(context),
  );

  // Until the write returns, an interrupt closes the connection, which rolls
  // the write back, and reports the initial state: nothing was written.
  // NOTE: a signal that lands while PostgreSQL runs the write's COMMIT closes
  // the connection before the reply arrives, so the message then says nothing
  // was written although the server may have committed the write.
  const store = await context.store();
  const outcome = await setVariable(store, {
    strategyId,
    change,
    create: Boolean(options.create),
    force: Boolean(options.force),
    allowTypeChange: Boolean(options.changeType),
    liveWindowMs,
    dryRun: Boolean(options.dryRun),
    nowMs: Date.now(),
  });
  const written = outcome.status === 'written' ? describeWrite(outcome, backupTime(outcome.lastUpdated)) : 'nothing was written';
  context.setInterruptState({ consequence: written });

  for (const warning of outcome.warnings) {
    context.output.warn(warning);
  }
  context.output.info(describeSetOutcome(outcome));

  let waited: WaitOutcome | null = null;
  if (waitMs !== null && outcome.status === 'written') {
    context.setInterruptState({
      during: "while waiting for the bot's next backup",
      consequence: `${written}, whether the bot kept it is unknown`,
    });
    waited = await waitForBackup(context, outcome, waitMs);
    context.setInterruptState({ consequence: written });
  }

  if (context.options.json) {
    await context.output.data(renderSetJson(outcome, waited));
  }
  if (waited !== null && waitMs !== null) {
    const { checkWaitOutcome } = await import('../wait-backup.js');
    await checkWaitOutcome(outcome, waited, waitMs);
  }
}

/** Reads the --wait-backup timeout in milliseconds, which is null without the option. */
async function waitTimeout(options: SetOptions): Promise<number | null> {
  const { UsageError } = await import('../../errors.js');
  const { parseDuration } = await import('../duration.js');

  if (options.waitBackup === undefined) {
    return null;
  }
  if (options.dryRun) {
    throw new UsageError('--wait-backup waits for the bot after a write, and --dry-run writes nothing', {
      hint: 'leave out one of them',
    });
  }

  const text = options.waitBackup === true ? DEFAULT_WAIT_TIMEOUT : options.waitBackup;
  return parseDuration(text, '--wait-backup');
}

async function waitForBackup(context: Context, outcome: SetOutcome, timeoutMs: number): Promise<WaitOutcome> {
  const { waitForBackup: poll } = await import('../wait-backup.js');
  const { formatSpan } = await import('../time.js');
  const { describeSurvival } = await import('../render/set.js');

  context.output.info(`waiting up to ${formatSpan(timeoutMs / 1000)} for the bot's next backup of this strategy...`);
  const waited = await poll(await context.store(), {
    strategyId: outcome.strategyId,
    key: outcome.key,
    writtenText: outcome.newText,
    written: { lastUpdated: outcome.lastUpdated, variables: outcome.variables },
    timeoutMs,
    pollMs: POLL_INTERVAL_MS,
  });

  if (waited.status === 'survived') {
    context.output.info(describeSurvival(outcome, waited));
  }
  return waited;
}

/** Describes the state after a write, for an interrupt message: `the value was written at 2026-12-04 14:41:06 EST`. */
function describeWrite(outcome: SetOutcome, time: string): string {
  return outcome.action === 'delete' ? `the key was deleted${time}` : `the value was written${time}`;
}

async function readStdin(context: Context): Promise<string> {
  const { readAllStdin } = await import('../set-input.js');
  if (process.stdin.isTTY) {
    context.output.info('reading VALUE from standard input; end it with Ctrl-D');
  }
  return readAllStdin();
}
