import type { BackupRow, StrategyRows } from '../../store/types.js';
import { storedByteLength } from '../../store/utf8.js';
import { formatNewYork } from '../time.js';
import { printable, quote } from './text.js';

/**
 * The note on a strategy's duplicate rows, kept apart from the table in
 * show.ts so that `show --raw` does not load the value model to print it.
 */

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
  return `${storedByteLength(row.variables)} bytes`;
}
