import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { escapeInvisible, readArchive, type ArchiveEntry } from '../../src/archive/index.js';
import { digestHead } from '../../src/archive/digest.js';
import { rowLineHead } from '../../src/archive/row-line.js';
import { readUneditedRow } from '../../src/archive/unedited-row.js';
import { CorruptDataError } from '../../src/errors.js';
import { chunksOf, encode, linesOf, readAll, readError, row, rowsOf, sampleRows } from './support.js';

const rows = sampleRows();
const file = encode(rows);
const lines = linesOf(file);

async function readVerified(buffer: Buffer, verifiedSha256: string, acceptEdits = false): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  for await (const entry of readArchive(chunksOf(buffer, 4096), { name: 'test.jsonl', acceptEdits, verifiedSha256 })) {
    entries.push(entry);
  }
  return entries;
}

/** Builds a row line whose variables member is followed by a second one, with a row_sha256 computed over both. */
function doubledVariablesLine(): string {
  const entry = row('MomentumBot', '{"a": 1}');
  const variablesBytes = '"{\\"a\\": 1}","variables":"{\\"a\\": 2}"';
  const digest = createHash('sha256').update(digestHead(entry), 'utf8').update(variablesBytes, 'utf8').update(']').digest('hex');
  return `${rowLineHead(entry)}${variablesBytes},"row_sha256":"${digest}"}\n`;
}

describe('unedited row lines', () => {
  it('reads sample rows without escapes', () => {
    for (const [index, entry] of rows.entries()) {
      const bytes = Buffer.from((lines[index + 1] ?? '').slice(0, -1), 'utf8');
      const json = JSON.stringify(entry.variables);
      // A line with escapes that JSON.stringify does not make is left to the general reader.
      const expected = escapeInvisible(json) === json ? entry : undefined;

      expect(readUneditedRow(bytes), `line ${index + 2}`).toEqual(expected);
    }
  });

  it('leaves a respelled line to the general reader', () => {
    const bytes = Buffer.from((lines[1] ?? '').slice(0, -1).replace('"id":', '"id": '), 'utf8');

    expect(readUneditedRow(bytes)).toBeUndefined();
  });

  it('leaves a second variables member to the general reader', async () => {
    const line = doubledVariablesLine();
    const bytes = Buffer.from(line.slice(0, -1), 'utf8');
    const altered = Buffer.from([lines[0], line, ...lines.slice(2)].join(''), 'utf8');
    const error = await readError(altered);

    expect(readUneditedRow(bytes)).toBeUndefined();
    expect(error).toBeInstanceOf(CorruptDataError);
    expect(error.message).toMatch(/line 2 \(strategy "MomentumBot"\) was changed after the export/);
  });
});

describe('verified reread', () => {
  it('returns the digest for a later read', async () => {
    const entries = await readAll(file);
    const end = entries.at(-1);
    const beforeTrailer = file.subarray(0, file.length - Buffer.byteLength(lines.at(-1) ?? ''));

    expect(end).toMatchObject({ kind: 'end', sha256: createHash('sha256').update(beforeTrailer).digest('hex') });
  });

  it('reads the same rows again', async () => {
    const end = (await readAll(file)).at(-1);
    const sha256 = end?.kind === 'end' ? end.sha256 : '';
    const entries = await readVerified(file, sha256);

    expect(rowsOf(entries)).toEqual(rows);
    expect(entries.at(-1)).toMatchObject({ kind: 'end', checksumMatches: true, sha256 });
  });

  it('rejects a file changed since', async () => {
    const changed = Buffer.from([lines[0], (lines[1] ?? '').replace('iteration', 'iteratiom'), ...lines.slice(2)].join(''), 'utf8');
    const end = (await readAll(file)).at(-1);
    const sha256 = end?.kind === 'end' ? end.sha256 : '';

    await expect(readVerified(changed, sha256, true)).rejects.toThrow(/changed after it was verified/);
  });

  it('throws before the end entry', async () => {
    const changed = Buffer.from([lines[0], (lines[1] ?? '').replace('iteration', 'iteratiom'), ...lines.slice(2)].join(''), 'utf8');
    const end = (await readAll(file)).at(-1);
    const sha256 = end?.kind === 'end' ? end.sha256 : '';
    const kinds: string[] = [];

    await expect(
      (async () => {
        for await (const entry of readArchive(chunksOf(changed, 4096), { name: 't', acceptEdits: true, verifiedSha256: sha256 })) {
          kinds.push(entry.kind);
        }
      })(),
    ).rejects.toBeInstanceOf(CorruptDataError);
    expect(kinds).not.toContain('end');
  });
});
