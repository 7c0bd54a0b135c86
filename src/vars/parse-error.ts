/**
 * VarsParseError: a text that is not valid in the bot's JSON dialect, with the
 * position of the first problem.
 */

const EXCERPT_RADIUS = 24;

export class VarsParseError extends Error {
  /** 1-based line number; lines are separated by `\n`, as Python counts them. */
  readonly line: number;
  /** 1-based column in UTF-16 code units from the start of the line. */
  readonly column: number;
  /** 0-based UTF-16 index into the text. */
  readonly offset: number;
  /** The text around `offset` on one line, control characters escaped. */
  readonly excerpt: string;
  /** What is wrong, without the position, e.g. "expected ',' or '}'". */
  readonly reason: string;

  constructor(text: string, offset: number, reason: string) {
    const { line, column } = lineAndColumn(text, offset);
    const excerpt = excerptAround(text, offset);
    super(`${reason} at line ${line}, column ${column}: ${excerpt}`);
    this.name = 'VarsParseError';
    this.line = line;
    this.column = column;
    this.offset = offset;
    this.excerpt = excerpt;
    this.reason = reason;
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  let newline = text.indexOf('\n');

  while (newline !== -1 && newline < offset) {
    line += 1;
    lineStart = newline + 1;
    newline = text.indexOf('\n', lineStart);
  }

  return { line, column: offset - lineStart + 1 };
}

/**
 * Cut up to EXCERPT_RADIUS code units either side of `offset`, mark cuts with
 * "...", and escape what would break the line or hide in a terminal.
 */
function excerptAround(text: string, offset: number): string {
  if (text.length === 0) {
    return '(empty text)';
  }

  const start = Math.max(0, offset - EXCERPT_RADIUS);
  const end = Math.min(text.length, offset + EXCERPT_RADIUS);
  const prefix = start > 0 ? '...' : '';
  const suffix = end < text.length ? '...' : '';

  return prefix + makeVisible(text.slice(start, end)) + suffix;
}

function makeVisible(fragment: string): string {
  return fragment.replace(/[\u0000-\u001f\u007f\u2028\u2029\ufeff]|[\ud800-\udfff]/gu, (char) => {
    const code = char.charCodeAt(0);
    if (code === 0x0a) return '\\n';
    if (code === 0x0d) return '\\r';
    if (code === 0x09) return '\\t';
    return `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
