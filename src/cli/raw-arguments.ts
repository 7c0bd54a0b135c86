import { readFileSync } from 'node:fs';

import { UsageError } from '../errors.js';
import { decodeEscaped } from '../store/utf8.js';

/**
 * Returns `argv` with each argument that is not UTF-8 read again from its
 * bytes in /proc/self/cmdline, escaped as the stores read such bytes (see
 * utf8.ts). Node.js puts U+FFFD in place of those bytes, so a typed name
 * would otherwise select the strategy whose name really contains U+FFFD.
 * An argument with U+FFFD whose bytes cannot be read there is rejected,
 * because it may stand for either name.
 *
 * NOTE: so on a system without /proc, a name with a real U+FFFD is rejected too.
 */
export function rawArguments(argv: readonly string[], cmdlineFile = '/proc/self/cmdline'): string[] {
  const args = argv.slice(2);
  if (!args.some((arg) => arg.includes('\ufffd'))) {
    return [...argv];
  }

  const raw = readCmdline(cmdlineFile);
  const tail = raw === undefined || raw.length < args.length ? undefined : raw.slice(raw.length - args.length);
  if (tail === undefined || tail.some((bytes, index) => bytes.toString('utf8') !== args[index])) {
    const unsure = args.find((arg) => arg.includes('\ufffd')) ?? '';
    throw new UsageError(`the argument ${JSON.stringify(unsure)} contains U+FFFD, and its bytes could not be read from ${cmdlineFile} to tell whether it was typed as U+FFFD or as bytes that are not UTF-8`, {
      hint: 'run varsctl without a --title in NODE_OPTIONS, which replaces that file, or name the strategy without that character',
    });
  }

  const exact = args.map((arg, index) => (arg.includes('\ufffd') ? decodeEscaped(tail[index] ?? Buffer.alloc(0)) : arg));
  return [...argv.slice(0, 2), ...exact];
}

/** Reads the NUL-terminated arguments of /proc/self/cmdline, or returns undefined where it cannot be read. */
function readCmdline(file: string): Buffer[] | undefined {
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch {
    return undefined;
  }

  const parts: Buffer[] = [];
  let start = 0;
  for (let index = content.indexOf(0); index !== -1; index = content.indexOf(0, start)) {
    parts.push(content.subarray(start, index));
    start = index + 1;
  }
  return parts;
}
