import { Chalk, type ChalkInstance } from 'chalk';

import { RuntimeFailure } from '../errors.js';

/**
 * stdout carries data only; everything else goes to stderr. Colour is on only
 * when the stream is a terminal, `--no-color` was not given and `NO_COLOR` is
 * unset, for tables as much as for messages.
 */
export interface Output {
  /** Styles for data written to stdout. */
  readonly style: ChalkInstance;
  /** Styles for messages written to stderr. */
  readonly errorStyle: ChalkInstance;
  readonly quiet: boolean;
  readonly verbose: boolean;
  /** Writes data to stdout; resolves once the stream accepted it. */
  data(text: string | Uint8Array): Promise<void>;
  /** An informational line on stderr, suppressed by --quiet. */
  info(message: string): void;
  /**
   * A warning on stderr; shown even with --quiet, because it names
   * something to act on, such as a table the bot cannot load from.
   */
  warn(message: string): void;
  /** Detail shown only with --verbose. */
  debug(message: string): void;
}

export interface OutputOptions {
  color: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

export function colorEnabled(stream: NodeJS.WriteStream, options: OutputOptions, env = process.env): boolean {
  const noColor = env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '';
  return options.color && !noColor && Boolean(stream.isTTY);
}

export function createOutput(options: OutputOptions): Output {
  const style = new Chalk({ level: colorEnabled(process.stdout, options) ? 1 : 0 });
  const errorStyle = new Chalk({ level: colorEnabled(process.stderr, options) ? 1 : 0 });
  const quiet = Boolean(options.quiet);
  const verbose = Boolean(options.verbose);

  return {
    style,
    errorStyle,
    quiet,
    verbose,
    data: writeStdout,
    info(message) {
      if (!quiet) {
        process.stderr.write(`${message}\n`);
      }
    },
    warn(message) {
      process.stderr.write(`${errorStyle.yellow('warning:')} ${message}\n`);
    },
    debug(message) {
      if (verbose) {
        process.stderr.write(`${errorStyle.dim(message)}\n`);
      }
    },
  };
}

let stdoutClosed = false;

// Write failures reach the caller of each write through its callback. This
// listener only keeps a failed stream from crashing the process.
process.stdout.on('error', () => undefined);

/**
 * Writes data to stdout: every command's output takes this path. A reader that went away
 * (`varsctl list | head -1`) is not an error: the rest of the output is
 * dropped and the command still exits 0. Any other failure, such as a full
 * disk, is a RuntimeFailure.
 */
async function writeStdout(text: string | Uint8Array): Promise<void> {
  if (stdoutClosed) {
    return;
  }

  try {
    await writeStdoutChunk(text);
  } catch (error) {
    if (errorCode(error) === 'EPIPE') {
      stdoutClosed = true;
      return;
    }
    throw stdoutFailure(error);
  }
}

/**
 * Writes one chunk to stdout and resolves once the stream accepted it, or
 * rejects with the system's error. For writers that treat a closed pipe
 * their own way, as an export to stdout does.
 */
export function writeStdoutChunk(chunk: string | Uint8Array): Promise<void> {
  if (chunk.length === 0) {
    return Promise.resolve();
  }

  return new Promise((resolve, reject) => {
    process.stdout.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}

const REASONS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EBADF: 'standard output is closed',
  EFBIG: 'file too large',
  EPIPE: 'the reader closed the pipe',
};

/** Builds the RuntimeFailure for a failed write to stdout, naming the system's reason. */
export function stdoutFailure(error: unknown): RuntimeFailure {
  const code = errorCode(error);
  const reason = (code !== undefined ? REASONS[code] : undefined) ?? (error instanceof Error ? error.message : String(error));
  const suffix = code !== undefined ? ` (${code})` : '';

  return new RuntimeFailure(`could not write to standard output: ${reason}${suffix}`, {
    hint: 'check where standard output goes (a full disk, a closed file); redirect it elsewhere and run the command again',
    cause: error,
  });
}

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}
