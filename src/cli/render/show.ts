import type { ChalkInstance } from 'chalk';

import type { Vars, VarValue } from '../../vars/index.js';
import type { ValueOutline } from '../../vars/value-outline.js';
import { truncatedDisplaySource } from './source-display.js';
import { COLUMN_GAP, renderTable } from './table.js';
import { truncatedDisplayValue } from './show-value.js';
import { displayWidth, printable } from './text.js';
import { displayValue } from './value.js';

/** The `show` table of one strategy's variables. */

/** Narrowest the value column gets, however long the keys are. */
const MIN_VALUE_WIDTH = 16;

export interface VariablesTableOptions {
  /** The TYPE label of each key, from `loadedTypeLabel`. */
  readonly types: ReadonlyMap<string, string>;
  /** Terminal columns the table may take. */
  readonly width: number;
  /** Show long values whole instead of shortening them to the width. */
  readonly full: boolean;
  readonly style: ChalkInstance;
}

/**
 * One variable of the table with its TYPE label, and its value either built
 * or outlined. An outlined value is read from its source text, so a large
 * value costs no tree of objects.
 */
export type VariableRow =
  | { readonly key: string; readonly type: string; readonly value: VarValue }
  | { readonly key: string; readonly type: string; readonly outline: ValueOutline };

export function renderVariablesTable(vars: Vars, options: VariablesTableOptions): string {
  const rows: VariableRow[] = [...vars.entries()].map(([key, value]) => ({ key, type: options.types.get(key) ?? value.type, value }));
  return renderVariableRows(rows, options);
}

/** Renders the table of `rows`, whose TYPE labels are already set. */
export function renderVariableRows(rows: readonly VariableRow[], options: Omit<VariablesTableOptions, 'types'>): string {
  const variables = rows.map((row) => ({ key: printable(row.key), type: row.type, row }));

  // A loop, not Math.max(...widths): spreading one argument per key
  // overflows the call stack at about 125,000 keys.
  let keyWidth = displayWidth('KEY');
  let typeWidth = displayWidth('TYPE');
  for (const variable of variables) {
    keyWidth = Math.max(keyWidth, displayWidth(variable.key));
    typeWidth = Math.max(typeWidth, displayWidth(variable.type));
  }
  const valueWidth = Math.max(MIN_VALUE_WIDTH, options.width - keyWidth - typeWidth - 2 * COLUMN_GAP);

  const cells = variables.map(({ key, type, row }) => [
    key,
    type.includes('->') ? options.style.yellow(type) : type,
    options.full ? fullCell(row) : truncatedCell(row, valueWidth),
  ]);

  return renderTable([{ header: 'KEY' }, { header: 'TYPE' }, { header: 'VALUE' }], cells, options.style);
}

function truncatedCell(row: VariableRow, maxWidth: number): string {
  return 'outline' in row ? truncatedDisplaySource(row.outline, maxWidth) : truncatedDisplayValue(row.value, maxWidth);
}

function fullCell(row: VariableRow): string {
  return displayValue('outline' in row ? row.outline.reader.valueAt(row.outline.start, 1) : row.value);
}
