import { describe, expect, it } from 'vitest';

import { copyTextChunks, copyTextField } from '../../src/store/postgres/copy-text.js';
import type { RestoreRow } from '../../src/store/types.js';

describe('copyTextField', () => {
  const cases: [string | null, string][] = [
    [null, '\\N'],
    ['', ''],
    ['{"a": 1}', '{"a": 1}'],
    ['\\N', '\\\\N'],
    ['a\\u00e9', 'a\\\\u00e9'],
    ['tab\there', 'tab\\there'],
    ['line\nbreak\r', 'line\\nbreak\\r'],
    ['\\\t', '\\\\\\t'],
    ['\\.', '\\\\.'],
    ['Стратегия 🚀', 'Стратегия 🚀'],
  ];

  it.each(cases)('spells %j as %j', (value, expected) => {
    expect(copyTextField(value)).toBe(expected);
  });
});

describe('copyTextChunks', () => {
  async function* rowsOf(...rows: RestoreRow[]): AsyncGenerator<RestoreRow> {
    yield* rows;
  }

  async function encode(row: RestoreRow): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of copyTextChunks(rowsOf(row), 'text')) {
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('hex');
  }

  const row = (variables: string, strategyId = 'Bot'): RestoreRow => ({ strategyId, id: 'r1', lastUpdated: null, variables });

  it('sends escaped bytes as the bytes', async () => {
    // r1 \t \N \t {"a": "<FF>"} \t Bot<FE> \n
    const hex = await encode(row('{"a": "\udcff"}', 'Bot\udcfe'));

    expect(hex).toBe(`${Buffer.from('r1\t\\N\t{"a": "').toString('hex')}ff${Buffer.from('"}\tBot').toString('hex')}fe0a`);
  });

  it('sends other text as UTF-8', async () => {
    const hex = await encode(row('{"a": "é🚀"}'));

    expect(hex).toBe(Buffer.from('r1\t\\N\t{"a": "é🚀"}\tBot\n').toString('hex'));
  });
});
