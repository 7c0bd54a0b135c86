import { createInterface } from 'node:readline';

import { UsageError } from '../errors.js';

export interface ConfirmOptions {
  /** `--yes` was given: go ahead without asking. */
  readonly yes: boolean;
  /** True when a person can reply: stdin and stderr are terminals. */
  readonly interactive: boolean;
  /** The command, for messages: `restore`, `purge`. */
  readonly command: string;
}

/**
 * Asks a yes/no question on stderr and reads the answer from the terminal
 * on stdin; only `y` or `yes` agrees. Without a terminal it never reads an
 * answer from a pipe: it requires --yes instead. Throws UsageError (exit 2)
 * when the answer is no, on end of input, or on Ctrl-C.
 */
export async function confirm(question: string, options: ConfirmOptions): Promise<void> {
  if (options.yes) {
    return;
  }

  if (!options.interactive) {
    throw new UsageError(`${options.command} needs a confirmation, but there is no terminal to ask on`, {
      hint: `add --yes to ${options.command} without asking (for scripts and cron), or --dry-run to see what would change`,
    });
  }

  const agreed = await ask(`${question} [y/N] `);
  if (!agreed) {
    throw new UsageError(`${options.command} cancelled: nothing was changed`, {
      hint: `answer y to go ahead, or add --yes to skip the question`,
    });
  }
}

function ask(question: string): Promise<boolean> {
  return new Promise((resolve) => {
    const reader = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    let answered = false;

    reader.on('SIGINT', () => {
      process.stderr.write('\n');
      reader.close();
    });
    reader.on('close', () => {
      if (!answered) {
        resolve(false);
      }
    });

    reader.question(question, (answer) => {
      answered = true;
      reader.close();
      resolve(/^\s*(y|yes)\s*$/i.test(answer));
    });
  });
}
