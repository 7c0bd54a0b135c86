import type { ChalkInstance } from 'chalk';

import type { BackupRow, StrategyRows } from '../../store/types.js';
import type { Vars } from '../../vars/index.js';
import { formatNewYork } from '../time.js';
import { COLUMN_GAP, renderTable } from './table.js';
import { truncatedDisplayValue } from './show-value.js';
import { displayWidth, printable, quote } from './text.js';
import { displayValue } from './value.js';

/** The `show` table of one strategy's variables, and the note on duplicate rows. */

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

/**
 * Lines for stderr when a strategy has more than one row: every row, with
 * the one the bot loads marked. Empty for a single row.
 */
export function describeDuplicateRows(strategy: StrategyRows): string[] {
  if (strategy.rows.length < 2) {
    return [];
  }

  const lines = [
    `note: strategy ${quote(strategy.strategyId)} has ${strategy.rows.length} rows; ` +
      'the bot loads the one marked with * (ORDER BY last_updated DESC LIMIT 1):',
  ];
  strategy.rows.forEach((row, index) => {
    const marker = index === strategy.loadedIndex ? '*' : ' ';
    lines.push(`  ${marker} id ${printable(row.id ?? 'NULL')}  last_updated ${describeLastUpdated(row)}  ${describeSize(row)}`);
  });
  lines.push('  the bot writes the same variables into every row at its next backup');
  return lines;
}

function describeLastUpdated(row: BackupRow): string {
  if (row.lastUpdated === null) {
    return 'NULL';
  }
  if (row.lastUpdated.epochMicros === null) {
    return printable(row.lastUpdated.text);
  }
  return `${formatNewYork(row.lastUpdated.epochMicros)} (${printable(row.lastUpdated.text)})`;
}

function describeSize(row: BackupRow): string {
  if (row.variables === null) {
    return 'variables NULL';
  }
  return `${Buffer.byteLength(row.variables, 'utf8')} bytes`;
}
