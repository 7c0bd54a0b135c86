import { createHash } from 'node:crypto';

import { digestHead } from './digest.js';
import type { ArchiveRow } from './format.js';
import { escapeInvisible } from './json-line.js';

/** A destination for encoded lines, whose `reserve` returns a buffer with `length` free bytes at `offset`. */
export interface LineTarget {
  reserve(length: number): { buffer: Buffer; offset: number };
}

// Length of the line's end: `,"row_sha256":"`, 64 hex digits and `"}\n`.
const TAIL_BYTES = 82;

/**
 * Encodes one row line as UTF-8: the bytes of `jsonLine` applied to the
 * record `{strategy_id, id, last_updated, variables, row_sha256}`.
 */
export function encodeRowLine(row: ArchiveRow): Buffer {
  let line: Buffer | undefined;
  writeRowLine(row, {
    reserve(length) {
      line = Buffer.allocUnsafe(length);
      return { buffer: line, offset: 0 };
    },
  });
  return line as Buffer;
}

/**
 * Writes one row line (see `encodeRowLine`) into `target` and returns the
 * written bytes, a view into the target's buffer.
 *
 * A row's `variables` is by far its longest member, so it is serialized
 * once, written straight into the target, and hashed there for the row's
 * digest. The escapes of `jsonLine` apply character by character, so the
 * line can be escaped member by member. A text that is ASCII without DEL
 * (every text the bot writes, with ensure_ascii) contains no character that
 * `jsonLine` escapes. Such a text skips that scan and is encoded as Latin-1,
 * which gives the same bytes as UTF-8 for ASCII and is cheaper.
 */
export function writeRowLine(row: ArchiveRow, target: LineTarget): Buffer {
  const variablesJson = JSON.stringify(row.variables);
  const head = rowLineHead(row);
  const headBytes = Buffer.byteLength(head, 'utf8');
  const variablesAscii = isPlainAscii(variablesJson);
  const variablesText = variablesAscii ? variablesJson : escapeInvisible(variablesJson);
  const variablesBytes = variablesAscii ? variablesText.length : Buffer.byteLength(variablesText, 'utf8');

  const length = headBytes + variablesBytes + TAIL_BYTES;
  const { buffer, offset: start } = target.reserve(length);
  let offset = start + buffer.write(head, start, headBytes, 'utf8');
  const variablesStart = offset;
  offset += buffer.write(variablesText, offset, variablesBytes, variablesAscii ? 'latin1' : 'utf8');

  // The digest covers JSON.stringify of the values, without the escapes of jsonLine.
  const hash = createHash('sha256').update(digestHead(row), 'utf8');
  if (variablesAscii) {
    hash.update(buffer.subarray(variablesStart, offset));
  } else {
    hash.update(variablesJson, 'utf8');
  }
  const digest = hash.update(']').digest('hex');

  offset += buffer.write(`,"row_sha256":"${digest}"}\n`, offset, TAIL_BYTES, 'latin1');
  if (offset !== start + length) {
    throw new Error(`row line of strategy ${JSON.stringify(row.strategyId)} took ${offset - start} bytes, expected ${length}`);
  }
  return buffer.subarray(start, offset);
}

/** Spells a row line up to its variables, escaped as `jsonLine` escapes it: `{"strategy_id":...,"variables":`. */
export function rowLineHead(row: ArchiveRow): string {
  const lastUpdated =
    row.lastUpdated === null
      ? null
      : {
          text: row.lastUpdated.text,
          dialect: row.lastUpdated.dialect,
          epoch_micros: row.lastUpdated.epochMicros?.toString() ?? null,
        };
  const head = `{"strategy_id":${JSON.stringify(row.strategyId)},"id":${JSON.stringify(row.id)},"last_updated":${JSON.stringify(lastUpdated)},"variables":`;
  return escapeInvisible(head);
}

/** True when every character is ASCII and none is DEL, the one ASCII character `jsonLine` escapes. */
function isPlainAscii(text: string): boolean {
  return Buffer.byteLength(text, 'utf8') === text.length && !text.includes('\x7f');
}
