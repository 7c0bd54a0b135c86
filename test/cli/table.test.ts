import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';

import { renderTable } from '../../src/cli/render/table.js';

const plain = new Chalk({ level: 0 });
const colour = new Chalk({ level: 1 });

describe('renderTable', () => {
  it('pads columns two spaces apart', () => {
    const text = renderTable([{ header: 'KEY' }, { header: 'VALUE' }], [['qty', '10'], ['last_price', '187.99']], plain);
    expect(text).toBe('KEY         VALUE\nqty         10\nlast_price  187.99\n');
  });

  it('aligns right columns to the right', () => {
    const text = renderTable([{ header: 'NAME' }, { header: 'ROWS', align: 'right' }], [['a', '1'], ['b', '12345']], plain);
    expect(text).toBe('NAME   ROWS\na         1\nb     12345\n');
  });

  it('leaves no trailing spaces', () => {
    const text = renderTable([{ header: 'VALUE' }, { header: 'NOTE' }], [['a long value', '']], plain);
    expect(text.split('\n')).toEqual(['VALUE         NOTE', 'a long value', '']);
  });

  it('counts wide characters as two columns', () => {
    const text = renderTable([{ header: 'KEY' }, { header: 'V' }], [['中文', 'x'], ['🚀', 'y']], plain);
    expect(text).toBe('KEY   V\n中文  x\n🚀    y\n');
  });

  it('counts Latin and combined letters as one column', () => {
    const text = renderTable([{ header: 'KEY' }, { header: 'V' }], [['Élan', 'x'], ['e\u0301e', 'y']], plain);
    expect(text).toBe('KEY   V\nÉlan  x\ne\u0301e    y\n');
  });

  it('ignores colour codes when measuring', () => {
    const text = renderTable([{ header: 'TYPE' }, { header: 'V' }], [[colour.yellow('str -> date'), 'x']], colour);
    const lines = text.split('\n');
    expect(lines[0]).toBe(`${colour.bold('TYPE')}         ${colour.bold('V')}`);
    expect(lines[1]).toBe(`${colour.yellow('str -> date')}  x`);
  });

  it('fills a missing cell with spaces', () => {
    const text = renderTable([{ header: 'A' }, { header: 'B' }, { header: 'C' }], [['1', '', '3']], plain);
    expect(text).toBe('A  B  C\n1     3\n');
  });

  it('lays out 10,000 rows', () => {
    const rows = Array.from({ length: 10_000 }, (_, index) => [`Strategy-${index}`, String(index)]);
    const lines = renderTable([{ header: 'STRATEGY' }, { header: 'ROWS', align: 'right' }], rows, plain).split('\n');
    expect(lines).toHaveLength(10_002);
    expect(lines[10_000]).toBe('Strategy-9999  9999');
  });

  describe('with a fit', () => {
    const columns = [{ header: 'NAME' }, { header: 'N', align: 'right' as const }, { header: 'NOTE' }];

    it('cuts long cells to the room left', () => {
      const rows = [['a'.repeat(40), '1', ''], ['short', '22', '']];

      const text = renderTable(columns, rows, plain, { width: 26, column: 0, minWidth: 4 });

      expect(text.split('\n')).toEqual([`NAME${' '.repeat(12)}   N  NOTE`, `${'a'.repeat(15)}…   1`, `short${' '.repeat(11)}  22`, '']);
    });

    it('keeps cells that fit', () => {
      const rows = [['a'.repeat(16), '1', '']];

      const text = renderTable(columns, rows, plain, { width: 25, column: 0, minWidth: 4 });

      expect(text).toBe(`NAME${' '.repeat(12)}  N  NOTE
${'a'.repeat(16)}  1
`);
    });

    it('counts the last column as its header', () => {
      const rows = [['a'.repeat(16), '1', 'a long note that runs past the width']];

      const text = renderTable(columns, rows, plain, { width: 25, column: 0, minWidth: 4 });

      expect(text.split('\n')[1]).toBe(`${'a'.repeat(16)}  1  a long note that runs past the width`);
    });

    it('cuts no narrower than minWidth', () => {
      const rows = [['a'.repeat(40), '1', '']];

      const text = renderTable(columns, rows, plain, { width: 5, column: 0, minWidth: 10 });

      expect(text.split('\n')[1]).toBe(`${'a'.repeat(9)}…  1`);
    });

    it('cuts wide characters by columns', () => {
      const rows = [['中'.repeat(20), '1', '']];

      const text = renderTable(columns, rows, plain, { width: 19, column: 0, minWidth: 4 });

      // 10 columns are left, and a fifth wide character would not fit beside
      // the ellipsis, so the column is 9 wide.
      expect(text.split('\n')[1]).toBe(`${'中'.repeat(4)}…  1`);
    });
  });
});
