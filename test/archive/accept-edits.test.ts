import { describe, expect, it } from 'vitest';

import { diffVariables } from '../../src/archive/diff.js';
import { CorruptDataError } from '../../src/errors.js';
import { encode, linesOf, readAll, readError, row, rowsOf } from './support.js';

const MOMENTUM = '{"iteration_count": 4, "last_price": 187.99, "notes": null}';
const file = encode([row('MomentumBot', MOMENTUM), row('INITIAL VALUE', 'INITIAL VALUE'), row('Broken', '{"a": 1} trailing')]);
const lines = linesOf(file);

function editLine(index: number, edit: (line: string) => string): Buffer {
  const edited = [...lines];
  edited[index] = edit(edited[index] ?? '');
  return Buffer.from(edited.join(''), 'utf8');
}

function editVariables(index: number, variables: string | null): Buffer {
  return editLine(index, (line) => `${JSON.stringify({ ...JSON.parse(line), variables })}\n`);
}

describe('accept edits', () => {
  it('accepts an edited variables text', async () => {
    const edited = editVariables(1, '{"iteration_count": 5, "last_price": NaN}');

    const entries = await readAll(edited, { acceptEdits: true });
    const rows = rowsOf(entries);

    expect(rows[0]?.variables).toBe('{"iteration_count": 5, "last_price": NaN}');
    expect(entries.filter((entry) => entry.kind === 'row' && entry.edited)).toHaveLength(1);
    expect(entries.at(-1)).toMatchObject({ kind: 'end', checksumMatches: false });
  });

  it('rejects the same edit without the option', async () => {
    const error = await readError(editVariables(1, '{"iteration_count": 5}'));

    expect(error).toBeInstanceOf(CorruptDataError);
    expect(error.message).toMatch(/line 2 \(strategy "MomentumBot"\) was changed after the export/);
  });

  it('rejects edited variables the bot cannot load', async () => {
    const error = await readError(editVariables(1, '{"iteration_count": 5,}'), { acceptEdits: true });

    expect(error).toBeInstanceOf(CorruptDataError);
    expect(error.message).toMatch(/line 2 of test.jsonl \(strategy "MomentumBot"\) was edited and its variables is not a text the bot can load/);
  });

  it('rejects edited variables nested too deep', async () => {
    const deep = `{"tree": ${'['.repeat(949)}${']'.repeat(949)}}`;

    const error = await readError(editVariables(1, deep), { acceptEdits: true });

    expect(error).toBeInstanceOf(CorruptDataError);
    expect(error.message).toMatch(
      /line 2 of test.jsonl \(strategy "MomentumBot"\) was edited and its variables text is beyond varsctl's nesting limit: nesting deeper than 900 levels/,
    );
    expect(error.message).not.toContain('the bot can load');
    expect((error as CorruptDataError).hint).toBe(
      "beyond 900 levels the bot's json.loads may raise RecursionError " +
        "(Python's default recursion limit is 1000 frames, and the bot's own call stack uses part of it), " +
        'so flatten the value in the file, then restore again',
    );
  });

  it('rejects edited variables that are not an object', async () => {
    const error = await readError(editVariables(1, '[1, 2]'), { acceptEdits: true });

    expect(error.message).toMatch(/not a text the bot can load: the top-level value is a list/);
  });

  it('rejects edited variables set to null', async () => {
    const error = await readError(editVariables(1, null), { acceptEdits: true });

    expect(error.message).toMatch(/its variables is null/);
  });

  it('keeps unedited unloadable texts', async () => {
    const rows = rowsOf(await readAll(editVariables(1, '{"iteration_count": 5}'), { acceptEdits: true }));

    expect(rows[2]?.variables).toBe('{"a": 1} trailing');
  });

  it('accepts an edited placeholder row', async () => {
    const edited = editLine(2, (line) => {
      const record = JSON.parse(line);
      return `${JSON.stringify({ ...record, last_updated: { ...record.last_updated, text: '2026-12-05 10:00:00' } })}\n`;
    });

    const rows = rowsOf(await readAll(edited, { acceptEdits: true }));

    expect(rows[1]?.lastUpdated?.text).toBe('2026-12-05 10:00:00');
  });

  it('accepts a renamed strategy', async () => {
    const edited = editLine(1, (line) => line.replace('"strategy_id":"MomentumBot"', '"strategy_id":"MomentumBot v2"'));

    const rows = rowsOf(await readAll(edited, { acceptEdits: true }));

    expect(rows[0]?.strategyId).toBe('MomentumBot v2');
  });

  it('accepts a reformatted line', async () => {
    const edited = editLine(1, (line) => `${JSON.stringify(JSON.parse(line), null, 0).replace(/,"/g, ', "')}\n`);

    const entries = await readAll(edited, { acceptEdits: true });

    expect(entries.some((entry) => entry.kind === 'row' && entry.edited)).toBe(false);
    expect(entries.at(-1)).toMatchObject({ kind: 'end', checksumMatches: false });
  });

  it('accepts Windows line endings', async () => {
    const crlf = Buffer.from(lines.map((line) => line.replace(/\n$/, '\r\n')).join(''), 'utf8');

    const entries = await readAll(crlf, { acceptEdits: true });

    expect(rowsOf(entries)[0]?.variables).toBe(MOMENTUM);
    expect(entries.at(-1)).toMatchObject({ kind: 'end', checksumMatches: false });
  });

  it('still rejects a removed line', async () => {
    const removed = Buffer.from([lines[0], ...lines.slice(2)].join(''), 'utf8');

    const error = await readError(removed, { acceptEdits: true });

    expect(error.message).toMatch(/trailer counts 3 rows but the file contains 2/);
  });

  it('still rejects a truncated file', async () => {
    const error = await readError(file.subarray(0, file.length - 10), { acceptEdits: true });

    expect(error).toBeInstanceOf(CorruptDataError);
  });

  it('still rejects a broken line', async () => {
    const error = await readError(editLine(1, (line) => line.replace('"variables":"', '"variables":')), { acceptEdits: true });

    expect(error.message).toMatch(/line 2 is not valid JSON/);
  });
});

describe('variables diff', () => {
  it('finds nothing for equal texts', () => {
    expect(diffVariables(MOMENTUM, MOMENTUM)).toEqual({ kind: 'same' });
  });

  it('lists added, removed and changed keys', () => {
    const diff = diffVariables(MOMENTUM, '{"iteration_count": 5, "last_price": 187.99, "entry_price": NaN}');

    expect(diff).toEqual({
      kind: 'keys',
      added: [{ key: 'entry_price', text: 'NaN' }],
      removed: [{ key: 'notes', text: 'null' }],
      changed: [{ key: 'iteration_count', before: '4', after: '5' }],
      layoutOnly: false,
    });
  });

  it('compares values by exact text', () => {
    const diff = diffVariables('{"a": 1.0}', '{"a": 1.00}');

    expect(diff).toMatchObject({ kind: 'keys', changed: [{ key: 'a', before: '1.0', after: '1.00' }] });
  });

  it('notices layout-only changes', () => {
    const diff = diffVariables('{"a": 1, "b": 2}', '{"b": 2, "a": 1}');

    expect(diff).toMatchObject({ kind: 'keys', layoutOnly: true });
  });

  it('compares unreadable texts whole', () => {
    expect(diffVariables('INITIAL VALUE', '{"a": 1}')).toEqual({ kind: 'text', before: 'INITIAL VALUE', after: '{"a": 1}' });
    expect(diffVariables(null, '{"a": 1}')).toEqual({ kind: 'text', before: null, after: '{"a": 1}' });
  });
});
