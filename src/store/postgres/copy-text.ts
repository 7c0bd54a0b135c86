import { restoreTextForPostgres } from '../restore.js';
import type { ColumnKind, RestoreRow } from '../types.js';
import { encodeEscaped } from '../utf8.js';

/**
 * Rows in COPY's text format, for `COPY table (id, last_updated, variables,
 * strategy_id) FROM STDIN`. Each value goes through its column's input
 * function as a bound parameter of an INSERT does, so both write the same.
 */

// Bytes of rows gathered into one chunk for the COPY stream.
const CHUNK_BYTES = 1024 * 1024;

const SPECIAL = /[\t\n\r]/;
const SPECIALS = /[\t\n\r]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Spells a value as a COPY text field: `\N` for NULL, with backslash, tab, newline and carriage return escaped. */
export function copyTextField(value: string | null): string {
  if (value === null) {
    return '\\N';
  }

  // Backslashes first, so the escapes added next are not doubled.
  let text = value.includes('\\') ? value.replaceAll('\\', '\\\\') : value;
  if (SPECIAL.test(text)) {
    text = text.replace(SPECIALS, (character) => ESCAPES[character] ?? character);
  }
  return text;
}

/**
 * Encodes rows into chunks of about CHUNK_BYTES of COPY text. Escaped bytes
 * go out as the bytes themselves: a SQL_ASCII database stores them, and any
 * other rejects them, where encoding them as UTF-8 would store U+FFFD.
 */
export async function* copyTextChunks(rows: AsyncIterable<RestoreRow>, lastUpdatedKind: ColumnKind): AsyncGenerator<Buffer> {
  let lines: string[] = [];
  let length = 0;

  for await (const row of rows) {
    const line = [row.id, restoreTextForPostgres(row, lastUpdatedKind), row.variables, row.strategyId].map(copyTextField).join('\t');
    lines.push(line, '\n');
    length += line.length + 1;

    if (length >= CHUNK_BYTES) {
      yield encodeEscaped(lines.join(''));
      lines = [];
      length = 0;
    }
  }

  if (lines.length > 0) {
    yield encodeEscaped(lines.join(''));
  }
}
