import type { Vars, VarValue } from '../vars/index.js';
import type { ValueOutline } from '../vars/value-outline.js';
import { printable, truncate } from './render/text.js';

/** Warnings and type labels for the strings the bot's loader converts or rejects. */

/**
 * Warnings for a value about to be set: strings the current bot turns into
 * a date or datetime on load, and strings that make bots before Lumibot
 * 4.4.14 fail the whole load (so they restore no variable at all).
 */
export async function valueWarnings(key: string, value: VarValue): Promise<string[]> {
  const { Vars, dateConversions, loadFailures } = await import('../vars/index.js');
  const vars = Vars.empty();
  vars.set(key, value);

  const warnings: string[] = [];
  for (const conversion of dateConversions(vars, 'current')) {
    warnings.push(
      `${printable(conversion.path)} = ${shortString(conversion.value)} is stored as a str, ` +
        `but the bot loads it as a ${conversion.becomes}`,
    );
  }
  for (const failure of loadFailures(vars, 'legacy')) {
    warnings.push(
      `${printable(failure.path)} = ${shortString(failure.value)} would make older bots load no variable at all: ` +
        `it ${failure.reason}`,
    );
  }
  return warnings;
}

/**
 * The TYPE column of `show`: the Python type the bot has after loading,
 * `str -> date` for a string it converts, and for a list or dict the
 * strings inside that it converts, e.g. `dict (2 str -> date)`.
 */
export async function loadedTypeLabel(value: VarValue): Promise<string> {
  const { loadedType } = await import('../vars/index.js');
  const loaded = loadedType(value);

  if (value.type !== 'list' && value.type !== 'dict') {
    return scalarTypeLabel(value.type, loaded);
  }

  const counts = new Map<string, number>();
  countConversions(value, loadedType, counts);
  return containerTypeLabel(loaded, counts);
}

/** `loadedTypeLabel` of an outlined value, which is not built. */
export function outlineTypeLabel(outline: ValueOutline): string {
  if (outline.type !== 'list' && outline.type !== 'dict') {
    return scalarTypeLabel(outline.type, outline.loadedType);
  }
  return containerTypeLabel(outline.type, outline.conversions);
}

function scalarTypeLabel(type: string, loaded: string): string {
  if (type === 'str') {
    return loaded === 'str' ? 'str' : `str -> ${loaded}`;
  }
  return loaded;
}

/** Labels a list or dict with the strings inside that the loader converts, e.g. `dict (2 str -> date)`. */
function containerTypeLabel(type: string, conversions: Iterable<readonly [string, number]>): string {
  const inside = [...conversions].map(([becomes, count]) => `${count} str -> ${becomes}`);
  return inside.length === 0 ? type : `${type} (${inside.join(', ')})`;
}

/**
 * Counts, in document order of first appearance, what the bot's object_hook
 * turns the strings inside `value` into: the string values of dicts at any
 * depth, but not list items or keys, as `dateConversions` does. This walk
 * builds no path per string, which a state of a million values would pay for.
 */
function countConversions(value: VarValue, loadedType: (value: VarValue) => string, counts: Map<string, number>): void {
  if (value.type === 'dict') {
    for (const item of value.entries.values()) {
      if (item.type === 'str') {
        const loaded = loadedType(item);
        if (loaded === 'date' || loaded === 'datetime') {
          counts.set(loaded, (counts.get(loaded) ?? 0) + 1);
        }
      } else {
        countConversions(item, loadedType, counts);
      }
    }
  } else if (value.type === 'list') {
    for (const item of value.items) {
      countConversions(item, loadedType, counts);
    }
  }
}

/** `loadedTypeLabel` of every variable, by key. */
export async function loadedTypeLabels(vars: Vars): Promise<Map<string, string>> {
  const labels = new Map<string, string>();
  for (const [key, value] of vars.entries()) {
    labels.set(key, await loadedTypeLabel(value));
  }
  return labels;
}

function shortString(text: string): string {
  return printable(JSON.stringify(truncate(text, 40)));
}
