import type { ChalkInstance } from 'chalk';

import type { VariablesDiff } from '../../archive/diff.js';
import { escapeInvisible } from '../../archive/index.js';
import { printable, quote, truncate } from '../render/text.js';
import { formatAge } from '../time.js';
import type { PlannedStrategy, RestorePlan } from './restore-plan.js';

/** Values longer than this many columns are shortened with `…` in the text view; --json has them whole. */
const VALUE_WIDTH = 72;

const rows = (count: number) => (count === 1 ? '1 row' : `${count} rows`);

/**
 * Renders one strategy of a restore plan for people, with its key changes below it:
 *
 *     'MomentumBot': changed, 1 row replaces 2 (edited in the file)
 *       ~ iteration_count: 4 -> 5
 *       + entry_price: 188.01
 *       - notes: null
 */
export function renderPlannedStrategy(strategy: PlannedStrategy, diff: VariablesDiff | null, style: ChalkInstance): string {
  const notes: string[] = [];
  if (strategy.edited) {
    notes.push('edited in the file');
  }
  if (strategy.live.live) {
    const age = strategy.live.ageMs === null ? 'at an unknown time' : formatAge(strategy.live.ageMs / 1000);
    notes.push(`looks live: last backup ${age}`);
  }
  const suffix = notes.length > 0 ? ` (${notes.join('; ')})` : '';

  const lines = [`${quote(strategy.strategyId)}: ${describeStatus(strategy, style)}${suffix}`];
  if (diff !== null) {
    // One push per line: push(...lines) passes each line as an argument and
    // overflows the call stack for a diff of about 125,000 keys.
    for (const line of renderDiff(diff, style)) {
      lines.push(line);
    }
  }
  return `${lines.join('\n')}\n`;
}

function describeStatus(strategy: PlannedStrategy, style: ChalkInstance): string {
  switch (strategy.status) {
    case 'new':
      return `${style.green('new strategy')}, ${rows(strategy.rowsAfter)}`;
    case 'unchanged':
      return `${style.dim('unchanged')}, ${rows(strategy.rowsAfter)}`;
    case 'changed':
      return `${style.yellow('changed')}, ${rows(strategy.rowsAfter)} replace${strategy.rowsAfter === 1 ? 's' : ''} ${strategy.rowsBefore}`;
  }
}

function renderDiff(diff: VariablesDiff, style: ChalkInstance): string[] {
  const value = (text: string) => truncate(escapeInvisible(printable(text)), VALUE_WIDTH);

  switch (diff.kind) {
    case 'same':
      return [`  ${style.dim('same variables text; only id or last_updated differ')}`];
    case 'text':
      return [
        `  ${style.dim('the texts cannot both be read as variables, so they are compared whole:')}`,
        `  ${style.red('-')} ${diff.before === null ? 'NULL' : value(diff.before)}`,
        `  ${style.green('+')} ${diff.after === null ? 'NULL' : value(diff.after)}`,
      ];
    case 'keys':
      if (diff.layoutOnly) {
        return [`  ${style.dim('same keys and values; only key order or spacing differ')}`];
      }
      return [
        ...diff.changed.map((change) => `  ${style.yellow('~')} ${printable(change.key)}: ${value(change.before)} -> ${value(change.after)}`),
        ...diff.added.map((entry) => `  ${style.green('+')} ${printable(entry.key)}: ${value(entry.text)}`),
        ...diff.removed.map((entry) => `  ${style.red('-')} ${printable(entry.key)}: ${value(entry.text)}`),
      ];
  }
}

/**
 * Converts one strategy of a restore plan to a JSON object for --json. Values are the
 * stored texts (the bot's dialect), as strings, because NaN and big integers
 * are not standard JSON.
 */
export function planEntryJson(strategy: PlannedStrategy, diff: VariablesDiff | null): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    strategy_id: strategy.strategyId,
    status: strategy.status,
    rows_before: strategy.rowsBefore,
    rows_after: strategy.rowsAfter,
    last_updated: strategy.lastUpdated?.text ?? null,
    looks_live: strategy.live.live,
    edited: strategy.edited,
  };

  if (diff?.kind === 'keys') {
    entry['added'] = diff.added.map((added) => ({ key: added.key, value: added.text }));
    entry['removed'] = diff.removed.map((removed) => ({ key: removed.key, value: removed.text }));
    entry['changed'] = diff.changed.map((change) => ({ key: change.key, before: change.before, after: change.after }));
  } else if (diff?.kind === 'text') {
    entry['text_before'] = diff.before;
    entry['text_after'] = diff.after;
  }
  return entry;
}

/** `3 strategies (1 new, 1 changed, 1 unchanged)`. */
export function describePlan(plan: RestorePlan): string {
  const count = (status: string) => plan.strategies.filter((strategy) => strategy.status === status).length;
  const total = plan.strategies.length === 1 ? '1 strategy' : `${plan.strategies.length} strategies`;
  return `${total} (${count('new')} new, ${count('changed')} changed, ${count('unchanged')} unchanged)`;
}
