import { UsageError } from '../errors.js';
import type { VarValue } from '../vars/index.js';
import { DEPTH_LIMIT_RISK } from '../vars/limits.js';
import type { VariableChange } from './set-variable.js';
import { truncate } from './render/text.js';

/** Turning the `set` command's arguments into a change: VALUE parsing and option checks. */

export interface SetArguments {
  readonly key: string;
  /** VALUE as typed; `-` means standard input. */
  readonly value: string | undefined;
  readonly string: boolean;
  readonly stdin: boolean;
  readonly delete: boolean;
  readonly create: boolean;
  /** The word that --wait-backup took as its timeout, if any: it may have been meant as VALUE. */
  readonly waitBackupTimeout?: string | undefined;
}

/**
 * Checks the option combination and builds the change. `readStdin` is called
 * only when VALUE comes from standard input.
 */
export async function buildChange(args: SetArguments, readStdin: () => Promise<string>): Promise<VariableChange> {
  if (args.delete) {
    checkDeleteOptions(args);
    return { kind: 'delete', key: args.key };
  }

  const fromStdin = args.stdin || args.value === '-';
  if (args.stdin && args.value !== undefined && args.value !== '-') {
    throw new UsageError(`--stdin reads VALUE from standard input, so VALUE must be left out (got ${JSON.stringify(args.value)})`, {
      hint: 'leave out VALUE, or leave out --stdin',
    });
  }
  if (!fromStdin && args.value === undefined) {
    if (args.waitBackupTimeout !== undefined) {
      const timeout = JSON.stringify(args.waitBackupTimeout);
      throw new UsageError(`missing VALUE for ${JSON.stringify(args.key)}: --wait-backup took ${timeout} as its timeout`, {
        hint: `put VALUE before --wait-backup: varsctl set STRATEGY ${JSON.stringify(args.key)} ${args.waitBackupTimeout} --wait-backup`,
      });
    }
    throw new UsageError(`missing VALUE for ${JSON.stringify(args.key)}`, {
      hint: 'give VALUE, read it from standard input with - or --stdin, or use --delete to remove the key',
    });
  }

  const raw = fromStdin ? await readStdin() : (args.value ?? '');
  const value = args.string ? stringValue(raw, fromStdin) : await parseTypedValue(raw);
  return { kind: 'set', key: args.key, value };
}

function checkDeleteOptions(args: SetArguments): void {
  const conflicting = [
    args.value !== undefined ? `VALUE ${JSON.stringify(args.value)}` : null,
    args.stdin ? '--stdin' : null,
    args.string ? '--string' : null,
    args.create ? '--create' : null,
  ].filter((item): item is string => item !== null);

  if (conflicting.length > 0) {
    throw new UsageError(`--delete removes the key, so it takes no ${conflicting.join(', ')}`, {
      hint: `varsctl set STRATEGY ${JSON.stringify(args.key)} --delete`,
    });
  }
}

/**
 * A value given with --string is stored as a str exactly as typed. From
 * standard input, one final newline (as `echo` adds) is dropped.
 */
function stringValue(raw: string, fromStdin: boolean): VarValue {
  const text = fromStdin ? raw.replace(/\r?\n$/, '') : raw;
  return { type: 'str', value: text };
}

/** Parses VALUE in the bot's dialect and drops its spelling, so it is stored as json.dumps writes it. */
async function parseTypedValue(raw: string): Promise<VarValue> {
  const { canonicalize, parseValue, VarsParseError } = await import('../vars/index.js');

  try {
    return canonicalize(parseValue(raw));
  } catch (error) {
    if (!(error instanceof VarsParseError)) {
      throw error;
    }

    const excerpt = JSON.stringify(truncate(raw, 60));
    const position = error.line > 1 ? `line ${error.line}, column ${error.column}` : `column ${error.column}`;
    const { isDepthLimit } = await import('./show-strategy.js');
    if (isDepthLimit(error.reason)) {
      throw new UsageError(`VALUE ${excerpt} is beyond varsctl's nesting limit: ${error.reason} at ${position}`, {
        hint: `${DEPTH_LIMIT_RISK}, so flatten the value or write it with the bot itself`,
        cause: error,
      });
    }
    throw new UsageError(`VALUE ${excerpt} is not valid in the bot's JSON dialect: ${error.reason} at ${position}`, {
      hint: `to store it as a string, add --string or quote it as JSON: '${JSON.stringify(truncate(raw, 40))}'`,
      cause: error,
    });
  }
}

/** Reads all of standard input as UTF-8. */
export async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
