import type { ChalkInstance } from 'chalk';

import type { Vars } from '../../vars/index.js';
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

export function renderVariablesTable(vars: Vars, options: VariablesTableOptions): string {
  const variables = [...vars.entries()].map(([key, value]) => ({ key: printable(key), type: options.types.get(key) ?? value.type, value }));

  // A loop, not Math.max(...widths): spreading one argument per key
  // overflows the call stack at about 125,000 keys.
  let keyWidth = displayWidth('KEY');
  let typeWidth = displayWidth('TYPE');
  for (const variable of variables) {
    keyWidth = Math.max(keyWidth, displayWidth(variable.key));
    typeWidth = Math.max(typeWidth, displayWidth(variable.type));
  }
  const valueWidth = Math.max(MIN_VALUE_WIDTH, options.width - keyWidth - typeWidth - 2 * COLUMN_GAP);

  const cells = variables.map(({ key, type, value }) => [
    key,
    type.includes('->') ? options.style.yellow(type) : type,
    options.full ? displayValue(value) : truncatedDisplayValue(value, valueWidth),
  ]);

  return renderTable([{ header: 'KEY' }, { header: 'TYPE' }, { header: 'VALUE' }], cells, options.style);
}
