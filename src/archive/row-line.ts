import { isAscii } from 'node:buffer';

import { rowDigest } from './digest.js';
import type { ArchiveRow } from './format.js';
import { escapeInvisible } from './json-line.js';

/** A destination for encoded lines, whose `reserve` returns a buffer with `length` free bytes at `offset`. */
export interface LineTarget {
  reserve(length: number): { buffer: Buffer; offset: number };
  /** Gives back the last `length` bytes reserved, which the next `reserve` hands out again. */
  release(length: number): void;
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
    release() {
      line = undefined;
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
 * `jsonLine` escapes, and its UTF-8 is one byte per character. So the line
 * is first written as if the text were such, and checked afterwards. The
 * check of the written bytes costs a tenth of measuring the text's UTF-8
 * length first (measured here). Any other text gives back that space and
 * is escaped.
 */
export function writeRowLine(row: ArchiveRow, target: LineTarget): Buffer {
  const variablesJson = JSON.stringify(row.variables);
  const head = rowLineHead(row);
  const headBytes = Buffer.byteLength(head, 'utf8');

  const plainLength = headBytes + variablesJson.length + TAIL_BYTES;
  const plain = target.reserve(plainLength);
  const variablesStart = plain.offset + plain.buffer.write(head, plain.offset, headBytes, 'utf8');
  const written = plain.buffer.write(variablesJson, variablesStart, variablesJson.length, 'utf8');
  const variables = plain.buffer.subarray(variablesStart, variablesStart + written);
  if (written === variablesJson.length && isAscii(variables) && !variablesJson.includes('\x7f')) {
    return finishLine(row, plain.buffer, plain.offset, variablesStart + written, rowDigest(row, variables), plainLength);
  }

  target.release(plainLength);
  const escaped = escapeInvisible(variablesJson);
  const escapedBytes = Buffer.byteLength(escaped, 'utf8');
  const length = headBytes + escapedBytes + TAIL_BYTES;
  const { buffer, offset: start } = target.reserve(length);
  let offset = start + buffer.write(head, start, headBytes, 'utf8');
  offset += buffer.write(escaped, offset, escapedBytes, 'utf8');

  // The digest covers JSON.stringify of the values, without the escapes of jsonLine.
  return finishLine(row, buffer, start, offset, rowDigest(row, variablesJson), length);
}

/** Writes the line's `row_sha256` member and end at `offset`, and returns the line from `start`. */
function finishLine(row: ArchiveRow, buffer: Buffer, start: number, offset: number, digest: string, length: number): Buffer {
  const end = offset + buffer.write(`,"row_sha256":"${digest}"}\n`, offset, TAIL_BYTES, 'latin1');
  if (end !== start + length) {
    throw new Error(`row line of strategy ${JSON.stringify(row.strategyId)} took ${end - start} bytes, expected ${length}`);
  }
  return buffer.subarray(start, end);
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
