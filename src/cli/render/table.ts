import type { ChalkInstance } from 'chalk';

import { displayWidth, truncate } from './text.js';

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

/** How to fit a table into a terminal by shortening the cells of one column. */
export interface TableFit {
  /** Terminal columns a line may take. */
  readonly width: number;
  /** Index of the column whose long cells are cut, ending with `…`. Its cells must be plain text, without styles. */
  readonly column: number;
  /** Narrowest the cut column gets, however wide the other columns are. */
  readonly minWidth: number;
}

// SGR sequences such as `\u001b[1m`, the only escapes `style` puts in a cell.
const STYLE_ESCAPE = /\u001b\[[0-9;]*m/g;

/**
 * Renders rows under bold headers, ending with a newline. Cells must already
 * be printable (no newlines or control characters). Colour comes only from
 * `style`, so it is off exactly when `style` has colour off.
 *
 * With `fit`, cells of the fit column that would push a line past
 * `fit.width` are cut so the table stays aligned. The last column counts
 * only as wide as its header, because it contains free text such as notes and
 * one long note would otherwise cut every name. Lines with a note wider than
 * that header can still run past the width.
 *
 * Time is linear in the number of cells. cli-table3, used before, lays out
 * in time quadratic in the rows: 47 s of CPU for a list of 10,000 strategies.
 */
export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  style: ChalkInstance,
  fit?: TableFit,
): string {
  const header = columns.map((column) => style.bold(column.header));
  const lines: (readonly string[])[] = [header, ...rows];
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

  if (fit !== undefined) {
    shortenColumn(lines, cellWidths, widths, columns, fit);
  }

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

/** Cuts the cells of `fit.column` that are wider than the room the other columns leave, updating the measured widths in place. */
function shortenColumn(lines: (readonly string[])[], cellWidths: Float64Array, widths: number[], columns: readonly Column[], fit: TableFit): void {
  const columnCount = columns.length;
  const last = columnCount - 1;

  let othersWidth = 0;
  for (let column = 0; column < columnCount; column++) {
    if (column === fit.column) {
      continue;
    }
    const width = column === last ? cellWidth(columns[column]?.header ?? '') : (widths[column] ?? 0);
    othersWidth += width + COLUMN_GAP;
  }

  const headerWidth = cellWidth(columns[fit.column]?.header ?? '');
  const maxWidth = Math.max(fit.minWidth, headerWidth, fit.width - othersWidth);
  if ((widths[fit.column] ?? 0) <= maxWidth) {
    return;
  }

  // Line 0 is the header, which is never wider than maxWidth.
  let widest = headerWidth;
  for (let line = 1; line < lines.length; line++) {
    const index = line * columnCount + fit.column;
    const cells = lines[line] ?? [];
    if ((cellWidths[index] ?? 0) > maxWidth) {
      const shortened = [...cells];
      shortened[fit.column] = truncate(cells[fit.column] ?? '', maxWidth);
      lines[line] = shortened;
      cellWidths[index] = displayWidth(shortened[fit.column] ?? '');
    }
    widest = Math.max(widest, cellWidths[index] ?? 0);
  }
  widths[fit.column] = widest;
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
