import type { ChalkInstance } from 'chalk';

import { displayWidth } from './text.js';

/**
 * Plain-text tables for stdout: no borders, two spaces between columns, and
 * no trailing spaces, so they read well in a terminal and in `grep`/`awk`.
 */

/** Spaces between two columns. */
export const COLUMN_GAP = 2;

export interface Column {
  readonly header: string;
  readonly align?: 'left' | 'right';
}

// SGR sequences such as `\u001b[1m`, the only escapes `style` puts in a cell.
const STYLE_ESCAPE = /\u001b\[[0-9;]*m/g;

/**
 * Renders rows under bold headers, ending with a newline. Cells must already
 * be printable (no newlines or control characters). Colour comes only from
 * `style`, so it is off exactly when `style` has colour off.
 *
 * Time is linear in the number of cells. cli-table3, used before, lays out
 * in time quadratic in the rows: 47 s of CPU for a list of 10,000 strategies.
 */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[], style: ChalkInstance): string {
  const header = columns.map((column) => style.bold(column.header));
  const lines = [header, ...rows];

  const widths = columns.map((_, index) => Math.max(...lines.map((cells) => cellWidth(cells[index] ?? ''))));

  const rendered = lines.map((cells) => {
    const padded = columns.map((column, index) => pad(cells[index] ?? '', widths[index] ?? 0, column.align ?? 'left'));
    return padded.join(' '.repeat(COLUMN_GAP)).trimEnd();
  });
  return `${rendered.join('\n')}\n`;
}

function cellWidth(cell: string): number {
  return displayWidth(cell.includes('\u001b') ? cell.replace(STYLE_ESCAPE, '') : cell);
}

function pad(cell: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(width - cellWidth(cell), 0));
  return align === 'right' ? fill + cell : cell + fill;
}
