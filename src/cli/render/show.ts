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

  const keyWidth = Math.max(displayWidth('KEY'), ...variables.map((variable) => displayWidth(variable.key)));
  const typeWidth = Math.max(displayWidth('TYPE'), ...variables.map((variable) => displayWidth(variable.type)));
  const valueWidth = Math.max(MIN_VALUE_WIDTH, options.width - keyWidth - typeWidth - 2 * COLUMN_GAP);

  const cells = variables.map(({ key, type, value }) => [
    key,
    type.includes('->') ? options.style.yellow(type) : type,
    options.full ? displayValue(value) : truncatedDisplayValue(value, valueWidth),
  ]);

  return renderTable([{ header: 'KEY' }, { header: 'TYPE' }, { header: 'VALUE' }], cells, options.style);
}
