import { createInterface } from 'node:readline';

import { UsageError } from '../errors.js';
import { watchInterrupts } from './interrupt.js';

export interface ConfirmOptions {
  /** `--yes` was given: go ahead without asking. */
  readonly yes: boolean;
  /** True when a person can reply: stdin and stderr are terminals. */
  readonly interactive: boolean;
  /** The command, for messages: `restore`, `purge`. */
  readonly command: string;
  /** The state an interrupt at the prompt leaves, for its message, such as "nothing was deleted". */
  readonly consequence: string;
  /** True when stdin carries the command's input (`restore -`), so it cannot carry an answer. */
  readonly stdinIsInput?: boolean;
}

/**
 * Asks a yes/no question on stderr and reads the answer from the terminal
 * on stdin; only `y` or `yes` agrees. Without a terminal it never reads an
 * answer from a pipe: it requires --yes instead. Throws UsageError (exit 2)
 * when the answer is no or on end of input. Ctrl-C and SIGTERM at the
 * prompt throw InterruptedError (exit 130 or 143), as anywhere else.
 */
export async function confirm(question: string, options: ConfirmOptions): Promise<void> {
  if (options.yes) {
    return;
  }

  if (options.stdinIsInput === true) {
    throw new UsageError(`${options.command} needs a confirmation, but standard input carries the export file, so it cannot carry the answer`, {
      hint: `add --yes to ${options.command} without asking, or --dry-run to see what would change`,
    });
  }
  if (!options.interactive) {
    throw new UsageError(`${options.command} needs a confirmation, but there is no terminal to ask on`, {
      hint: `add --yes to ${options.command} without asking (for scripts and cron), or --dry-run to see what would change`,
    });
  }

  const interrupts = watchInterrupts(options.command, options.consequence);
  let agreed: boolean;
  try {
    agreed = await ask(`${question} [y/N] `, interrupts.signal);
  } finally {
    interrupts.dispose();
  }

  if (!agreed) {
    throw new UsageError(`${options.command} cancelled: nothing was changed`, {
      hint: `answer y to go ahead, or add --yes to skip the question`,
    });
  }
}

/**
 * Reads one answer. The terminal is in raw mode while readline waits, so
 * Ctrl-C arrives as a keystroke, not as a signal: it is sent on as a real
 * SIGINT, and the watch of the prompt turns it into `signal.reason`.
 */
function ask(question: string, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const reader = createInterface({ input: process.stdin, output: process.stderr, terminal: true });

    const onAbort = () => {
      process.stderr.write('\n');
      reject(signal.reason);
      reader.close();
    };
    signal.addEventListener('abort', onAbort, { once: true });

    reader.on('SIGINT', () => {
      process.kill(process.pid, 'SIGINT');
    });
    reader.on('close', () => {
      signal.removeEventListener('abort', onAbort);
      // A no-op when the answer or the abort settled the promise first.
      resolve(false);
    });

    reader.question(question, (answer) => {
      resolve(/^\s*(y|yes)\s*$/i.test(answer));
      reader.close();
    });
  });
}
