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
  const columnCount = columns.length;

  // Each cell is measured once, into cellWidths[line * columnCount + column].
  const cellWidths = new Float64Array(lines.length * columnCount);
  const widths = new Array<number>(columnCount).fill(0);
  lines.forEach((cells, line) => {
    for (let column = 0; column < columnCount; column++) {
      const width = cellWidth(cells[column] ?? '');
      cellWidths[line * columnCount + column] = width;
      widths[column] = Math.max(widths[column] ?? 0, width);
    }
  });

  const rendered = lines.map((cells, line) => {
    let text = '';
    for (let column = 0; column < columnCount; column++) {
      const cell = cells[column] ?? '';
      const fill = spaces((widths[column] ?? 0) - (cellWidths[line * columnCount + column] ?? 0));
      const padded = columns[column]?.align === 'right' ? fill + cell : cell + fill;
      text += column === 0 ? padded : GAP + padded;
    }
    return text.trimEnd();
  });
  return `${rendered.join('\n')}\n`;
}

const GAP = ' '.repeat(COLUMN_GAP);

/** Runs of spaces by length. Each is built once because a table repeats few lengths. */
const spaceRuns: string[] = [];

function spaces(count: number): string {
  if (count <= 0) {
    return '';
  }
  spaceRuns[count] ??= ' '.repeat(count);
  return spaceRuns[count];
}

function cellWidth(cell: string): number {
  return displayWidth(cell.includes('\u001b') ? cell.replace(STYLE_ESCAPE, '') : cell);
}
