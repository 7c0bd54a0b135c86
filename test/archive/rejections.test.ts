import { describe, expect, it } from 'vitest';

import { CorruptDataError } from '../../src/errors.js';
import { encode, linesOf, readAll, readError, row, sampleRows } from './support.js';

const file = encode([row('MomentumBot', '{"iteration_count": 4, "last_price": 187.99}'), row('OptionsWheel', 'INITIAL VALUE'), row('x', null)]);
const lines = linesOf(file);

function withLines(replacement: string[]): Buffer {
  return Buffer.from(replacement.join(''), 'utf8');
}

async function expectDamaged(buffer: Buffer, pattern: RegExp, options: { acceptEdits?: boolean } = {}): Promise<CorruptDataError> {
  const error = await readError(buffer, options);
  expect(error).toBeInstanceOf(CorruptDataError);
  expect(error.message).toMatch(pattern);
  return error as CorruptDataError;
}

describe('export verification', () => {
  it('accepts the file as written', async () => {
    const entries = await readAll(file);

    expect(entries.at(-1)).toMatchObject({ kind: 'end', checksumMatches: true });
  });

  it('rejects truncation at every line boundary', async () => {
    let offset = 0;
    for (const line of lines.slice(0, -1)) {
      offset += Buffer.byteLength(line);
      const error = await readError(file.subarray(0, offset));
      expect(error, `cut after ${offset} bytes`).toBeInstanceOf(CorruptDataError);
      expect(error.message).toMatch(/without its trailer line/);
    }
  });

  it('rejects truncation at every byte', async () => {
    for (let length = 0; length < file.length; length++) {
      const error = await readError(file.subarray(0, length));
      expect(error, `cut after ${length} bytes`).toBeInstanceOf(CorruptDataError);
    }
  });

  it('rejects any single changed byte', async () => {
    for (let position = 0; position < file.length; position++) {
      for (const change of [(byte: number) => byte ^ 0x01, (byte: number) => (byte === 0x20 ? 0x21 : 0x20)]) {
        const altered = Buffer.from(file);
        altered[position] = change(altered[position] ?? 0);
        const error = await readError(altered);
        expect(error, `byte ${position} changed to ${altered[position]}`).toBeInstanceOf(CorruptDataError);
      }
    }
  });

  it('rejects any single inserted space or byte', async () => {
    for (let position = 0; position < file.length; position++) {
      for (const byte of [0x20, 0x09, 0x30, 0x0a]) {
        const altered = Buffer.concat([file.subarray(0, position), Buffer.from([byte]), file.subarray(position)]);
        const error = await readError(altered);
        expect(error, `byte ${byte} inserted at ${position}`).toBeInstanceOf(CorruptDataError);
      }
    }
  });

  it('rejects a reformatted trailer', async () => {
    const trailer = lines.at(-1) ?? '';
    const spaced = withLines([...lines.slice(0, -1), trailer.replace('"rows":', '"rows": ')]);
    const escaped = withLines([...lines.slice(0, -1), trailer.replace('"end"', '"\\u0065nd"')]);

    await expectDamaged(spaced, /line 5 \(the trailer\) was changed after the export/);
    await expectDamaged(escaped, /the trailer\) was changed/);
    const reordered = withLines([...lines.slice(0, -1), trailer.replace('{"end":true,"rows":', '{"rows":').replace(',"strategies"', ',"end":true,"strategies"')]);
    expect(reordered).not.toEqual(spaced);
    await expectDamaged(reordered, /the trailer\) was changed/);
    const added = withLines([...lines.slice(0, -1), trailer.replace('"}', '","later":1}')]);
    expect((await readAll(added)).at(-1)).toMatchObject({ kind: 'end', checksumMatches: true });
    expect((await readAll(spaced, { acceptEdits: true })).at(-1)).toMatchObject({ kind: 'end', checksumMatches: true });
  });

  it('rejects a same-value respelling', async () => {
    const respelled = withLines([lines[0] ?? '', (lines[1] ?? '').replace('"MomentumBot"', '"\\u004domentumBot"'), ...lines.slice(2)]);

    await expectDamaged(respelled, /checksum does not match/);
  });

  it('rejects a missing trailer', async () => {
    await expectDamaged(withLines(lines.slice(0, -1)), /ends after line 4 without its trailer line/);
  });

  it('rejects a missing final newline', async () => {
    await expectDamaged(file.subarray(0, file.length - 1), /line 5 ends without a line break/);
  });

  it('rejects data after the trailer', async () => {
    await expectDamaged(Buffer.concat([file, Buffer.from('\n')]), /extra data after the trailer line, at line 6/);
    await expectDamaged(Buffer.concat([file, file]), /extra data after the trailer line, at line 6/);
  });

  it('rejects a removed row', async () => {
    await expectDamaged(withLines([lines[0] ?? '', ...lines.slice(2)]), /trailer counts 3 rows but the file contains 2/);
  });

  it('rejects a duplicated row', async () => {
    await expectDamaged(withLines([lines[0] ?? '', lines[1] ?? '', ...lines.slice(1)]), /trailer counts 3 rows but the file contains 4/);
  });

  it('rejects a wrong strategy count', async () => {
    const trailer = JSON.parse(lines.at(-1) ?? '');
    const wrong = `${JSON.stringify({ ...trailer, strategies: 2 })}\n`;

    await expectDamaged(withLines([...lines.slice(0, -1), wrong]), /trailer counts 2 strategies but the file contains 3/);
  });

  it('rejects an edited row', async () => {
    const edited = (lines[1] ?? '').replace('"iteration_count\\": 4', '"iteration_count\\": 5');

    const error = await expectDamaged(withLines([lines[0] ?? '', edited, ...lines.slice(2)]), /line 2 \(strategy "MomentumBot"\) was changed/);
    expect(error.hint).toMatch(/--accept-edits/);
  });

  it('rejects an edited header', async () => {
    const edited = (lines[0] ?? '').replace('varsctl test', 'varsctl edit');

    await expectDamaged(withLines([edited, ...lines.slice(1)]), /checksum does not match/);
  });

  it('rejects an empty file', async () => {
    await expectDamaged(Buffer.alloc(0), /test.jsonl is empty/);
  });

  it('rejects a file that is not an export', async () => {
    await expectDamaged(Buffer.from('id,strategy_id\n1,a\n'), /not a varsctl export file: line 1 is not JSON/);
    await expectDamaged(Buffer.from('{"format": "other", "version": 1}\n'), /not a varsctl export file: line 1 has no "format"/);
    await expectDamaged(Buffer.from('[1, 2]\n'), /not a varsctl export file: line 1 is not a JSON object/);
  });

  it('rejects a newer version', async () => {
    const header = JSON.parse(lines[0] ?? '');
    const newer = `${JSON.stringify({ ...header, version: 2, added: 'member' })}\n`;

    const error = await expectDamaged(withLines([newer, ...lines.slice(1)]), /export format version 2; this varsctl reads version 1 only/);
    expect(error.hint).toMatch(/made by a newer varsctl/);
  });

  it('rejects an invalid header', async () => {
    const header = JSON.parse(lines[0] ?? '');
    const invalid = `${JSON.stringify({ ...header, source: { dialect: 'mysql', table: 'vars_backup' } })}\n`;

    await expectDamaged(withLines([invalid, ...lines.slice(1)]), /line 1 \(the header\): source.dialect/);
  });

  it('rejects an unknown row member', async () => {
    const record = JSON.parse(lines[1] ?? '');
    const extended = `${JSON.stringify({ ...record, comment: 'x' })}\n`;

    await expectDamaged(withLines([lines[0] ?? '', extended, ...lines.slice(2)]), /line 2: .*comment/);
  });

  it('rejects a missing row member', async () => {
    const { variables: _removed, ...record } = JSON.parse(lines[1] ?? '');

    await expectDamaged(withLines([lines[0] ?? '', `${JSON.stringify(record)}\n`, ...lines.slice(2)]), /line 2: variables/);
  });

  it('rejects a second header', async () => {
    await expectDamaged(withLines([lines[0] ?? '', lines[0] ?? '', ...lines.slice(1)]), /line 2 is a second header/);
  });

  it('rejects a blank line', async () => {
    await expectDamaged(withLines([lines[0] ?? '', '\n', ...lines.slice(1)]), /line 2 is not valid JSON/);
  });

  it('rejects invalid UTF-8', async () => {
    const broken = Buffer.concat([Buffer.from(lines[0] ?? ''), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from(lines.slice(1).join(''))]);

    await expectDamaged(broken, /line 2 is not valid UTF-8/);
  });

  it('rejects a byte order mark', async () => {
    await expectDamaged(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), file]), /line 1 starts with a byte order mark/);
  });

  it('rejects an invalid trailer', async () => {
    const trailer = JSON.parse(lines.at(-1) ?? '');
    const invalid = `${JSON.stringify({ ...trailer, sha256: trailer.sha256.toUpperCase() })}\n`;

    await expectDamaged(withLines([...lines.slice(0, -1), invalid]), /the trailer\): sha256/);
  });

  it('throws before the end entry', async () => {
    const kinds: string[] = [];
    const truncated = withLines(lines.slice(0, -1));
    const { readArchive } = await import('../../src/archive/index.js');

    await expect(async () => {
      for await (const entry of readArchive([truncated], { name: 't', acceptEdits: false })) {
        kinds.push(entry.kind);
      }
    }).rejects.toThrow(CorruptDataError);
    expect(kinds).toEqual(['header', 'row', 'row', 'row']);
  });

  it('reads the sample rows', async () => {
    expect((await readAll(encode(sampleRows()))).at(-1)?.kind).toBe('end');
  });
});
