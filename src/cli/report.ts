import { Chalk } from 'chalk';

import { isVarsctlError } from '../errors.js';
import { colorEnabled } from './output.js';

/**
 * Prints an error as one clear line on stderr, the hint on the next, and the
 * stack (with causes) only under --verbose.
 */
export function reportError(error: unknown, options: { verbose: boolean }): void {
  const style = new Chalk({ level: colorEnabled(process.stderr, { color: !process.argv.includes('--no-color') }) ? 1 : 0 });
  const message = error instanceof Error ? error.message : String(error);
  const lines = [`${style.red('error:')} ${message}`];

  if (isVarsctlError(error) && error.hint !== undefined) {
    lines.push(`${style.dim('hint:')} ${error.hint}`);
  } else if (!isVarsctlError(error) && !options.verbose) {
    lines.push(`${style.dim('hint:')} this is unexpected; run again with --verbose for details`);
  }

  if (options.verbose) {
    lines.push(...stackLines(error));
  }

  process.stderr.write(`${lines.join('\n')}\n`);
}

function stackLines(error: unknown): string[] {
  const lines: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    lines.push(current.stack ?? `${current.name}: ${current.message}`);
    current = current.cause;
    if (current !== undefined) {
      lines.push('caused by:');
    }
  }
  return lines;
}
