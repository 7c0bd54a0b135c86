import { Chalk, type ChalkInstance } from 'chalk';

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
  data(text: string): Promise<void>;
  /** An informational line on stderr, suppressed by --quiet. */
  info(message: string): void;
  /** A warning on stderr; shown even with --quiet. */
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

// A reader that went away (`varsctl list | head -1`) is not an error: the
// rest of the output is dropped and the command still exits 0.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') {
    stdoutClosed = true;
    return;
  }
  throw error;
});

function writeStdout(text: string): Promise<void> {
  if (stdoutClosed || text.length === 0) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const accepted = process.stdout.write(text, () => resolve());
    if (!accepted) {
      process.stdout.once('drain', () => resolve());
    }
  });
}
