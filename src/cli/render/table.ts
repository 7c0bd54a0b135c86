import type { ChalkInstance } from 'chalk';
import Table from 'cli-table3';

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

const NO_BORDERS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: ' '.repeat(COLUMN_GAP),
};

/**
 * Renders rows under bold headers, ending with a newline. Cells must already
 * be printable (no newlines or control characters). Colour comes only from
 * `style`, never from cli-table3's own defaults, so it is off exactly when
 * `style` has colour off.
 */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[], style: ChalkInstance): string {
  const table = new Table({
    head: columns.map((column) => style.bold(column.header)),
    colAligns: columns.map((column) => column.align ?? 'left'),
    chars: NO_BORDERS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });

  for (const row of rows) {
    table.push([...row]);
  }

  const lines = table.toString().split('\n');
  return `${lines.map((line) => line.trimEnd()).join('\n')}\n`;
}

