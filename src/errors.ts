/**
 * Typed errors shared by every layer. Each kind carries the exit code of the
 * command-line contract, so the one top-level handler in `src/cli/main.ts` can
 * print the message once and exit with the right status. Nothing below
 * `src/cli` prints or exits; it throws one of these instead.
 */

export const ExitCode = {
  ok: 0,
  runtime: 1,
  usage: 2,
  notFound: 3,
  conflict: 4,
  corrupt: 5,
  // The shell's code for a process ended by a signal: 128 + the signal number.
  interruptedBySigint: 130,
  interruptedBySigterm: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface VarsctlErrorOptions {
  /** What the user can do next, printed on its own line after the message. */
  hint?: string;
  cause?: unknown;
}

export abstract class VarsctlError extends Error {
  abstract readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;

  constructor(message: string, options: VarsctlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** A database or file system operation failed (exit 1). */
export class RuntimeFailure extends VarsctlError {
  readonly exitCode = ExitCode.runtime;
}

/** Bad options, invalid input or a refused confirmation (exit 2). */
export class UsageError extends VarsctlError {
  readonly exitCode = ExitCode.usage;
}

/** A strategy, key or table that does not exist (exit 3). */
export class NotFoundError extends VarsctlError {
  readonly exitCode = ExitCode.notFound;
}

/** The row changed concurrently, or the strategy looks live without --force (exit 4). */
export class ConflictError extends VarsctlError {
  readonly exitCode = ExitCode.conflict;
}

/** A stored text that cannot be parsed, or a damaged export file (exit 5). */
export class CorruptDataError extends VarsctlError {
  readonly exitCode = ExitCode.corrupt;
}

/** A command stopped by SIGINT (Ctrl-C, exit 130) or SIGTERM (exit 143). */
export class InterruptedError extends VarsctlError {
  readonly exitCode: ExitCodeValue;
  readonly signal: 'SIGINT' | 'SIGTERM';

  constructor(message: string, signal: 'SIGINT' | 'SIGTERM', options: VarsctlErrorOptions = {}) {
    super(message, options);
    this.signal = signal;
    this.exitCode = signal === 'SIGINT' ? ExitCode.interruptedBySigint : ExitCode.interruptedBySigterm;
  }
}

export function isVarsctlError(error: unknown): error is VarsctlError {
  return error instanceof VarsctlError;
}
