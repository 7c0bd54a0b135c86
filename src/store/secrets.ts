/**
 * Keeps the password of a connection URL out of every message, including the
 * text of driver errors that varsctl wraps and their stacks under --verbose.
 */

/** Replaces every occurrence of each secret with `***`. */
export function scrubText(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const secret of secrets) {
    if (secret.length > 0) {
      scrubbed = scrubbed.split(secret).join('***');
    }
  }
  return scrubbed;
}

/**
 * Copies a driver error into a plain Error whose message and stack carry no
 * secret, for use as the `cause` of a varsctl error. The `code` (SQLSTATE or
 * errno name) is kept, because it is how callers tell errors apart.
 */
export function scrubError(error: unknown, secrets: readonly string[]): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const copy = new Error(scrubText(source.message, secrets));

  copy.name = source.name;
  copy.stack = scrubText(source.stack ?? `${source.name}: ${source.message}`, secrets);
  const code = (source as { code?: unknown }).code;
  if (code !== undefined) {
    (copy as { code?: unknown }).code = code;
  }
  return copy;
}

/** Returns the driver's message with secrets scrubbed, on one line. */
export function scrubbedMessage(error: unknown, secrets: readonly string[]): string {
  const message = error instanceof Error ? error.message : String(error);
  return scrubText(message, secrets).replace(/\s*\n\s*/g, ' ');
}
