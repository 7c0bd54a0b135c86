import { createHash } from 'node:crypto';

import { digestHead } from './digest.js';
import { archiveTimestamp, rowSchema, type ArchiveRow } from './format.js';
import { rowLineHead } from './row-line.js';

const VARIABLES_MEMBER = Buffer.from(',"variables":', 'latin1');
const DIGEST_MEMBER = Buffer.from(',"row_sha256":"', 'latin1');
// `,"row_sha256":"`, 64 hex digits and `"}`, the end of a row line without its `\n`.
const TAIL_BYTES = DIGEST_MEMBER.length + 64 + 2;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads a row line that is spelled exactly as varsctl writes it and whose
 * `row_sha256` matches, without serializing its variables again: the
 * digest is computed over the line's own bytes of the variables JSON.
 * Returns undefined for any other line (edited, respelled or malformed),
 * which the caller then reads and checks the general way.
 *
 * Why a match proves the row unedited: a writer digests the canonical JSON
 * of the values, and the line's head is checked to be that canonical
 * spelling. So the digest matches only when the variables bytes are the
 * canonical JSON of the exported text too. Those bytes must parse as one
 * JSON value on their own, so no second `variables` member can hide in them.
 */
export function readUneditedRow(bytes: Buffer): ArchiveRow | undefined {
  const tailStart = bytes.length - TAIL_BYTES;
  if (tailStart < 0 || bytes.compare(DIGEST_MEMBER, 0, DIGEST_MEMBER.length, tailStart, tailStart + DIGEST_MEMBER.length) !== 0) {
    return undefined;
  }
  if (bytes[bytes.length - 2] !== 0x22 || bytes[bytes.length - 1] !== 0x7d) {
    return undefined;
  }

  // Inside a JSON string a quote is escaped, so the first `,"variables":`
  // of a line spelled as varsctl writes it is the member itself.
  const member = bytes.indexOf(VARIABLES_MEMBER);
  if (member === -1 || member >= tailStart) {
    return undefined;
  }
  const variablesStart = member + VARIABLES_MEMBER.length;

  let head: string;
  let members: unknown;
  try {
    head = utf8.decode(bytes.subarray(0, variablesStart));
    members = JSON.parse(`${head}null}`);
  } catch {
    return undefined;
  }

  const rowSha256 = bytes.toString('latin1', tailStart + DIGEST_MEMBER.length, bytes.length - 2);
  const parsed = rowSchema.safeParse({ ...(members as object), row_sha256: rowSha256 });
  if (!parsed.success) {
    return undefined;
  }

  const { data } = parsed;
  const lastUpdated = archiveTimestamp(data.last_updated);
  const row: ArchiveRow = { strategyId: data.strategy_id, id: data.id, lastUpdated, variables: null };
  if (rowLineHead(row) !== head) {
    return undefined;
  }

  const variablesBytes = bytes.subarray(variablesStart, tailStart);
  const digest = createHash('sha256').update(digestHead(row), 'utf8').update(variablesBytes).update(']').digest('hex');
  if (digest !== rowSha256) {
    return undefined;
  }

  let variables: unknown;
  try {
    variables = JSON.parse(utf8.decode(variablesBytes));
  } catch {
    return undefined;
  }
  if (variables !== null && typeof variables !== 'string') {
    return undefined;
  }
  return { ...row, variables };
}
