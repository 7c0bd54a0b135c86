import { isAscii } from 'node:buffer';

import { rowDigest } from './digest.js';
import type { ArchiveRow } from './format.js';
import { jsonLine } from './json-line.js';

const DEL = 0x7f;

/**
 * Encodes one row line as UTF-8: the bytes of `jsonLine` applied to the
 * record `{strategy_id, id, last_updated, variables, row_sha256}`.
 *
 * A row's `variables` is by far its longest member, so it is serialized and
 * encoded once and shared by the digest and the line. Only a line with a
 * non-ASCII or DEL byte can contain a character `jsonLine` escapes, so an
 * ASCII line (every text the bot writes, with ensure_ascii) skips that scan.
 */
export function encodeRowLine(row: ArchiveRow): Buffer {
  const variablesJson = JSON.stringify(row.variables);
  const variablesBytes = Buffer.from(variablesJson, 'utf8');
  const digest = rowDigest(row, variablesBytes);

  const lastUpdated =
    row.lastUpdated === null
      ? null
      : {
          text: row.lastUpdated.text,
          dialect: row.lastUpdated.dialect,
          epoch_micros: row.lastUpdated.epochMicros?.toString() ?? null,
        };
  const head = Buffer.from(
    `{"strategy_id":${JSON.stringify(row.strategyId)},"id":${JSON.stringify(row.id)},"last_updated":${JSON.stringify(lastUpdated)},"variables":`,
    'utf8',
  );

  if (!isPlainAscii(head) || !isPlainAscii(variablesBytes)) {
    return Buffer.from(
      jsonLine({ strategy_id: row.strategyId, id: row.id, last_updated: lastUpdated, variables: row.variables, row_sha256: digest }),
      'utf8',
    );
  }

  const tail = Buffer.from(`,"row_sha256":"${digest}"}\n`, 'latin1');
  return Buffer.concat([head, variablesBytes, tail]);
}

function isPlainAscii(bytes: Buffer): boolean {
  return isAscii(bytes) && !bytes.includes(DEL);
}
