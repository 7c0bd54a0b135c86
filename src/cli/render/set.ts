import { toStandardJson, type VarValue } from '../../vars/index.js';
import type { SetOutcome } from '../set-variable.js';
import { formatNewYork } from '../time.js';
import type { WaitOutcome } from '../wait-backup.js';
import { printable, quote, truncate } from './text.js';
import { displayValue } from './value.js';

/** Messages and `--json` output of the `set` command. */

const MAX_VALUE_WIDTH = 60;

/** Describes in one line for stderr what `set` did (or would do). */
export function describeSetOutcome(outcome: SetOutcome): string {
  const target = `${printable(outcome.strategyId)}.${printable(outcome.key)}`;
  const newValue = shortValue(outcome.newValue);
  const was = outcome.oldValue === null ? 'new key' : `was ${shortValue(outcome.oldValue)}`;

  if (outcome.status === 'unchanged') {
    return `${target} is already ${newValue}; nothing written`;
  }

  let action: string;
  if (outcome.action === 'create') {
    action = `create strategy ${quote(outcome.strategyId)} with ${printable(outcome.key)} = ${newValue}`;
  } else if (outcome.action === 'delete') {
    action = `delete ${target} (${was})`;
  } else {
    action = `set ${target} = ${newValue} (${was})`;
  }

  if (outcome.status === 'dry-run') {
    const live = outcome.live.live && !outcome.forced ? '; the strategy looks live, so the real run needs --force' : '';
    return `dry run: would ${action}; nothing written${live}`;
  }

  const rows = outcome.rowsUpdated > 1 ? ` in all ${outcome.rowsUpdated} rows` : '';
  return `${pastTense(action)}${rows}`;
}

/** Describes the backup that kept the value, for `set --wait-backup`. */
export function describeSurvival(outcome: SetOutcome, waited: WaitOutcome & { status: 'survived' }): string {
  const target = `${printable(outcome.strategyId)}.${printable(outcome.key)}`;
  const result = outcome.newValue === null ? `kept ${target} deleted` : `kept ${target} = ${shortValue(outcome.newValue)}`;
  return `the bot's backup${backupTime(waited.lastUpdated)} ${result}`;
}

/**
 * Renders `set --json` as one object. `old` and `new` are the stored
 * fragments in the bot's dialect. `old_value` and `new_value` are the same
 * values as standard JSON (exact integer digits, NaN as "NaN"), or null.
 */
export function renderSetJson(outcome: SetOutcome, waited: WaitOutcome | null): string {
  const fields: [string, string][] = [
    ['strategy_id', JSON.stringify(outcome.strategyId)],
    ['key', JSON.stringify(outcome.key)],
    ['action', JSON.stringify(outcome.action)],
    ['status', JSON.stringify(outcome.status)],
    ['old', JSON.stringify(outcome.oldText)],
    ['new', JSON.stringify(outcome.newText)],
    ['old_value', outcome.oldValue === null ? 'null' : toStandardJson(outcome.oldValue)],
    ['new_value', outcome.newValue === null ? 'null' : toStandardJson(outcome.newValue)],
    ['rows_updated', JSON.stringify(outcome.rowsUpdated)],
    ['last_updated', JSON.stringify(outcome.lastUpdated?.text ?? null)],
    ['looks_live', JSON.stringify(outcome.live.live)],
    ['warnings', JSON.stringify(outcome.warnings)],
    ['wait_backup', JSON.stringify(waited === null ? null : waitJson(waited))],
  ];

  // Assembled by hand because toStandardJson keeps integers beyond 2^53
  // exact, which a round trip through JSON.parse would round.
  const members = fields.map(([name, json]) => `${JSON.stringify(name)}:${json}`);
  return `{${members.join(',')}}\n`;
}

export function backupTime(lastUpdated: { epochMicros: bigint | null } | null): string {
  const epochMicros = lastUpdated?.epochMicros ?? null;
  return epochMicros === null ? '' : ` at ${formatNewYork(epochMicros)}`;
}

export function shortValue(value: VarValue | null): string {
  return value === null ? '(none)' : truncate(displayValue(value), MAX_VALUE_WIDTH);
}

function waitJson(waited: WaitOutcome): Record<string, unknown> {
  if (waited.status === 'overwritten') {
    return { status: waited.status, found: waited.foundText, last_updated: waited.lastUpdated?.text ?? null };
  }
  if (waited.status === 'survived') {
    return { status: waited.status, last_updated: waited.lastUpdated?.text ?? null };
  }
  return { status: waited.status };
}

function pastTense(action: string): string {
  return action.replace(/^create /, 'created ').replace(/^delete /, 'deleted ');
}
