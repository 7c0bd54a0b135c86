import { createHash } from 'node:crypto';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { rowDigest } from '../../src/archive/digest.js';
import type { ArchiveRow } from '../../src/archive/index.js';
import { jsonLine } from '../../src/archive/json-line.js';
import { encodeRowLine } from '../../src/archive/row-line.js';
import { VARIABLES_TEXTS, row } from './support.js';

/** Spells the row line as the format defines it: one JSON.stringify of the record, then jsonLine escapes. */
function specifiedLine(entry: ArchiveRow): string {
  const lastUpdated =
    entry.lastUpdated === null
      ? null
      : { text: entry.lastUpdated.text, dialect: entry.lastUpdated.dialect, epoch_micros: entry.lastUpdated.epochMicros?.toString() ?? null };
  const canonical = JSON.stringify([entry.strategyId, entry.id, lastUpdated && Object.values(lastUpdated), entry.variables]);

  const digest = createHash('sha256').update(canonical, 'utf8').digest('hex');
  return jsonLine({ strategy_id: entry.strategyId, id: entry.id, last_updated: lastUpdated, variables: entry.variables, row_sha256: digest });
}

describe('encodeRowLine', () => {
  it.each(Object.entries(VARIABLES_TEXTS))('spells the %s row as specified', (name, text) => {
    const entry = row(name, text);

    expect(encodeRowLine(entry).toString('utf8')).toBe(specifiedLine(entry));
  });

  it('escapes invisible characters in names', () => {
    const entry = row('bot\u200b\u007f', '{}');

    expect(encodeRowLine(entry).toString('utf8')).toContain('"strategy_id":"bot\\u200b\\u007f"');
  });

  it('spells null members', () => {
    const entry = row('a', null, { id: null, lastUpdated: null });

    expect(encodeRowLine(entry).toString('utf8')).toBe(specifiedLine(entry));
  });

  it('spells arbitrary rows as specified', () => {
    const anyText = fc.option(fc.string({ unit: 'binary', maxLength: 200 }), { nil: null });
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), anyText, anyText, (name, id, text) => {
        const entry = row(name, text, { id });
        expect(encodeRowLine(entry).toString('utf8')).toBe(specifiedLine(entry));
      }),
      { numRuns: 500 },
    );
  });
});

describe('rowDigest', () => {
  it('takes the variables JSON as text or bytes', () => {
    const entry = row('a', VARIABLES_TEXTS['rawUnicode'] ?? null);
    const json = JSON.stringify(entry.variables);

    expect(rowDigest(entry, json)).toBe(rowDigest(entry));
    expect(rowDigest(entry, Buffer.from(json, 'utf8'))).toBe(rowDigest(entry));
  });
});
