import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ArchiveWriter, FORMAT_NAME, FORMAT_VERSION, type ArchiveRow } from '../../src/archive/index.js';
import { CREATED_AT, SOURCE, VARIABLES_TEXTS, encode, linesOf, readAll, row, rowsOf, sampleRows } from './support.js';

describe('export round trip', () => {
  it('returns every kind of text unchanged', async () => {
    const rows = sampleRows();

    const entries = await readAll(encode(rows));

    expect(rowsOf(entries)).toEqual(rows);
  });

  it.each(Object.entries(VARIABLES_TEXTS))('keeps %s text exactly', async (name, text) => {
    const [restored] = rowsOf(await readAll(encode([row(name, text)])));

    expect(restored?.variables).toBe(text);
  });

  it('keeps a 1 MB text exactly', async () => {
    const big = `{"prices": [${Array.from({ length: 150_000 }, (_, index) => `${index}.5`).join(', ')}]}`;
    expect(big.length).toBeGreaterThan(1_000_000);

    const [restored] = rowsOf(await readAll(encode([row('big', big)]), { chunkSize: 65_536 }));

    expect(restored?.variables).toBe(big);
  });

  it('keeps ids and last_updated, null included', async () => {
    const rows = [
      row('a', '{}', { id: null }),
      row('b', '{}', { lastUpdated: null }),
      row('c', '{}', { lastUpdated: { text: 'not a time', dialect: 'sqlite', epochMicros: null } }),
      row('d', '{}', { lastUpdated: { text: '2026-12-04 19:41:08.931993+00:00', dialect: 'postgresql', epochMicros: 1796413268931993n } }),
      row('e', '{}', { lastUpdated: { text: '9999-12-31', dialect: 'sqlite', epochMicros: 253402318800000000n } }),
      row('f', '{}', { lastUpdated: { text: '1960-01-01 00:00:00', dialect: 'sqlite', epochMicros: -315601200000000n } }),
    ];

    expect(rowsOf(await readAll(encode(rows)))).toEqual(rows);
  });

  it('keeps strategy names with any characters', async () => {
    const names = ['Стратегия Волатильность 🚀', 'MeanReversion NaN-Edge', ' trailing space ', 'quote"back\\slash', 'line\nbreak', ''];
    const rows = names.map((name) => row(name, '{}'));

    expect(rowsOf(await readAll(encode(rows))).map((entry) => entry.strategyId)).toEqual(names);
  });

  it('round-trips arbitrary strings', async () => {
    const anyText = fc.option(fc.string({ unit: 'binary', maxLength: 200 }), { nil: null });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.string({ unit: 'binary', maxLength: 20 }), anyText), { maxLength: 8 }), async (pairs) => {
        const rows = pairs.map(([name, text]) => row(name, text));
        expect(rowsOf(await readAll(encode(rows), { chunkSize: 13 }))).toEqual(rows);
      }),
      { numRuns: 300 },
    );
  });
});

describe('export layout', () => {
  it('writes header, one line per row, trailer', () => {
    const lines = linesOf(encode(sampleRows()));

    expect(lines).toHaveLength(Object.keys(VARIABLES_TEXTS).length + 2);
    for (const line of lines) {
      expect(line.endsWith('\n')).toBe(true);
      expect(line.slice(0, -1)).not.toContain('\n');
    }
  });

  it('writes the documented header', () => {
    const header = JSON.parse(linesOf(encode([]))[0] ?? '');

    expect(header).toEqual({
      format: FORMAT_NAME,
      version: FORMAT_VERSION,
      created_at: '2026-12-04T19:45:00.123Z',
      source: SOURCE,
      tool: 'varsctl test',
    });
  });

  it('writes counts and checksum in the trailer', async () => {
    const rows = [row('a', '{}'), row('a', '{"x": 1}'), row('b', null)];
    const file = encode(rows);
    const lines = linesOf(file);
    const trailer = JSON.parse(lines.at(-1) ?? '');
    const { createHash } = await import('node:crypto');
    const body = lines.slice(0, -1).join('');

    expect(trailer.end).toBe(true);
    expect(trailer.rows).toBe(3);
    expect(trailer.strategies).toBe(2);
    expect(trailer.sha256).toBe(createHash('sha256').update(body, 'utf8').digest('hex'));
  });

  it('writes variables as a JSON string', () => {
    const line = linesOf(encode([row('bot', VARIABLES_TEXTS['bot'] ?? '')]))[1] ?? '';

    expect(JSON.parse(line).variables).toBe(VARIABLES_TEXTS['bot']);
    expect(line).toContain('"variables":"{\\"iteration_count\\": 4, \\"last_price\\": 187.99, \\"notes\\": null}"');
  });

  it('escapes invisible characters', () => {
    const file = encode([row('bom', VARIABLES_TEXTS['bom'] ?? ''), row('rawUnicode', VARIABLES_TEXTS['rawUnicode'] ?? '')]).toString('utf8');

    expect(file).toContain('\\ufeff{');
    expect(file).toContain('\\u202e\\u200b');
    expect(file).not.toMatch(/[\ufeff\u202e\u200b\u2028\u2029\u007f]/);
  });

  it('keeps visible non-ASCII text readable', () => {
    const file = encode([row('Стратегия 🚀', '{"note": "naïve"}')]).toString('utf8');

    expect(file).toContain('"strategy_id":"Стратегия 🚀"');
    expect(file).toContain('naïve');
  });

  it('counts rows, strategies and bytes', () => {
    const writer = new ArchiveWriter({ createdAt: CREATED_AT, source: SOURCE, tool: 't' });
    let bytes = writer.header().length;
    const rows: ArchiveRow[] = [row('a', '{}'), row('b', '{}'), row('a', '{}')];
    for (const entry of rows) {
      bytes += writer.row(entry).length;
    }
    bytes += writer.trailer().length;

    expect(writer.rows).toBe(3);
    expect(writer.strategies).toBe(2);
    expect(writer.bytes).toBe(bytes);
  });

  it('rejects calls out of order', () => {
    const writer = new ArchiveWriter({ createdAt: CREATED_AT, source: SOURCE, tool: 't' });

    expect(() => writer.row(row('a', '{}'))).toThrow(/out of order/);
    writer.header();
    writer.trailer();
    expect(() => writer.trailer()).toThrow(/out of order/);
  });
});
