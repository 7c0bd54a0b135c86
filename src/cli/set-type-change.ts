import { UsageError } from '../errors.js';
import { loadedType, parseValue, serializeValue, type VarValue } from '../vars/index.js';
import { printable, quote, truncate } from './render/text.js';
import { displayValue } from './render/value.js';

/**
 * Checks of `set` for a new value that the bot would load with another
 * Python type than the value it replaces, or with digits that a JSON tool
 * rounded to a double. Piping `--json` output or jq output back into `set`
 * produces both without any error.
 */

/** The flag that lets `set` store a value of another type. */
export const CHANGE_TYPE_FLAG = '--change-type';

const MAX_VALUE_WIDTH = 40;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export interface TypeCheck {
  readonly strategyId: string;
  readonly key: string;
  readonly oldValue: VarValue;
  readonly newValue: VarValue;
  /** True when --change-type was given. */
  readonly allowed: boolean;
  readonly dryRun: boolean;
}

/**
 * Returns the warnings about the new value's type and digits, or throws
 * UsageError when the type changes without --change-type. Replacing a None
 * only warns, because bots commonly start a variable as None and fill it in
 * later.
 */
export function checkTypeChange(check: TypeCheck): string[] {
  const key = printable(check.key);
  const oldType = loadedTypeName(check.oldValue);
  const newType = loadedTypeName(check.newValue);

  if (oldType === newType) {
    const rounded = roundingNote(check.oldValue, check.newValue);
    if (rounded !== null) {
      return [`${key}: ${rounded}; ${showAdvice(check)}`];
    }
    return nestedWarnings(check);
  }

  // Both values are rendered only here: a large list or dict costs a walk.
  const change = `from ${oldType} to ${newType} (was ${shortValue(check.oldValue)}, now ${shortValue(check.newValue)})`;
  if (check.allowed || check.oldValue.type === 'NoneType') {
    return [`${key} changes type ${change}`];
  }
  if (check.dryRun) {
    return [`${key} would change type ${change}, so the real run needs ${CHANGE_TYPE_FLAG}; if that is not meant, ${keepTypeAdvice(check)}`];
  }
  throw new UsageError(`VALUE changes the type of ${key} ${change}; nothing was written`, {
    hint: `${keepTypeAdvice(check)}; to write the new type anyway, add ${CHANGE_TYPE_FLAG}`,
  });
}

/**
 * Names the Python type the bot gets on load. As in the TYPE column of
 * `show`, a str that the loader turns into a date is a date.
 */
function loadedTypeName(value: VarValue): string {
  const loaded = loadedType(value);
  return loaded === value.type ? loaded : `${loaded} (stored as a str)`;
}

/**
 * Describes what to pass to keep the old type. It covers the usual mistakes
 * of tools and shells: a number that `--json` turned into a string, an int
 * that jq wrote for a whole float, and a null for a missing field.
 */
function keepTypeAdvice(check: TypeCheck): string {
  const { oldValue, newValue } = check;
  const oldType = loadedType(oldValue);

  const rounded = roundingNote(oldValue, newValue);
  if (rounded !== null) {
    return `${rounded}; ${showAdvice(check)}`;
  }
  if (newValue.type === 'str' && loadedType(newValue) === 'str') {
    const unquoted = parsedType(newValue.value);
    if (unquoted === oldType) {
      const text = newValue.value.trim();
      const separator = text.startsWith('-') ? ' after --' : '';
      return `to keep ${withArticle(oldType)}, pass ${truncate(text, MAX_VALUE_WIDTH)} unquoted${separator}`;
    }
  }
  if (oldValue.type === 'float' && newValue.type === 'int') {
    const asFloat = Number(newValue.value);
    if (BigInt(asFloat) === newValue.value) {
      return `to keep a float, pass ${serializeValue({ type: 'float', value: asFloat })}`;
    }
  }
  if (oldValue.type === 'int' && newValue.type === 'float') {
    return Number.isInteger(newValue.value)
      ? `to keep an int, pass ${BigInt(newValue.value)}`
      : 'to keep an int, pass a whole number without a decimal point or exponent';
  }
  if (oldType === 'str' && newValue.type !== 'str') {
    return 'to keep a str, quote VALUE as JSON or add --string';
  }
  if (oldType === 'date') {
    return 'to keep a date, pass a string of the form "YYYY-MM-DD"';
  }
  if (oldType === 'datetime') {
    return 'to keep a datetime, pass an ISO 8601 string such as "2025-01-02T09:30:00"';
  }
  if (newValue.type === 'NoneType') {
    return `a JSON tool such as jq prints null for a missing field; ${showAdvice(check)}`;
  }
  return showAdvice(check);
}

/** Nested values reported at most, so a large list does not flood the terminal. */
const MAX_NESTED_NOTES = 3;

/**
 * Warns about values inside a list or dict that a JSON tool changed on the
 * way through. The changes are an int rounded to a double, a whole float
 * written as an int, and NaN or Infinity turned into a string, as
 * `show --json` spells them. Only positions present in both values are
 * compared, so added and removed items are never reported.
 */
function nestedWarnings(check: TypeCheck): string[] {
  const notes: string[] = [];
  collectNestedNotes(check.oldValue, check.newValue, printable(check.key), notes);
  if (notes.length === 0) {
    return [];
  }

  const listed = notes.slice(0, MAX_NESTED_NOTES).join('; ');
  const more = notes.length > MAX_NESTED_NOTES ? `; and ${notes.length - MAX_NESTED_NOTES} more` : '';
  return [`inside ${printable(check.key)}, values look changed by a JSON tool: ${listed}${more}; ${showAdvice(check)}`];
}

function collectNestedNotes(oldValue: VarValue, newValue: VarValue, path: string, notes: string[]): void {
  if (oldValue.type === 'dict' && newValue.type === 'dict') {
    for (const [name, oldItem] of oldValue.entries) {
      const newItem = newValue.entries.get(name);
      if (newItem !== undefined) {
        collectNestedNotes(oldItem, newItem, `${path}.${printable(name)}`, notes);
      }
    }
    return;
  }
  if (oldValue.type === 'list' && newValue.type === 'list') {
    const length = Math.min(oldValue.items.length, newValue.items.length);
    for (let index = 0; index < length; index++) {
      collectNestedNotes(oldValue.items[index] as VarValue, newValue.items[index] as VarValue, `${path}[${index}]`, notes);
    }
    return;
  }

  const note = artefactNote(oldValue, newValue);
  if (note !== null) {
    notes.push(`${path} ${note}`);
  }
}

function artefactNote(oldValue: VarValue, newValue: VarValue): string | null {
  if (oldValue.type === 'int' && roundingNote(oldValue, newValue) !== null) {
    return `was ${oldValue.value}, now ${serializeValue(newValue)} (rounded to a double)`;
  }
  if (oldValue.type === 'float' && newValue.type === 'str' && !Number.isFinite(oldValue.value) && NON_FINITE.has(newValue.value)) {
    return `was the float ${serializeValue(oldValue)}, now the string "${newValue.value}"`;
  }
  if (oldValue.type === 'float' && newValue.type === 'int' && Number(newValue.value) === oldValue.value) {
    return `was the float ${serializeValue(oldValue)}, now the int ${newValue.value}`;
  }
  return null;
}

const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity']);

function showAdvice(check: TypeCheck): string {
  return `pass the value as varsctl show ${quote(check.strategyId)} ${quote(check.key)} prints it`;
}

/**
 * Notes an int beyond 2^53 replaced by what a JSON tool that reads numbers
 * as doubles writes back for it. That is the double's shortest digits
 * padded with zeros (jq 1.6 and JavaScript turn 18446744073709551621 into
 * 18446744073709552000), its exact value (18446744073709551616), or a float
 * equal to it (1.8446744073709552e+19). Number() of a bigint rounds to the
 * nearest double, so the test is exact. Returns null for any other pair, so
 * a new id one above the old one is usually not reported.
 */
function roundingNote(oldValue: VarValue, newValue: VarValue): string | null {
  if (oldValue.type !== 'int' || (oldValue.value <= MAX_SAFE && oldValue.value >= -MAX_SAFE)) {
    return null;
  }
  if (newValue.type !== 'int' && newValue.type !== 'float') {
    return null;
  }

  const rounded = Number(oldValue.value);
  if (newValue.type === 'float' ? newValue.value !== rounded : !isRoundedSpelling(newValue.value, rounded)) {
    return null;
  }
  // NOTE: just above 2^53 the rounded spelling can be the old value plus one
  // (9007199254740995 becomes 9007199254740996), so a new id set on purpose
  // there gets this note too.
  return `${serializeValue(newValue)} is the old ${oldValue.value} rounded to a double, so its digits look rounded by a JSON tool`;
}

/** True when `value` is the exact value of the double `rounded` or its shortest digits padded with zeros. */
function isRoundedSpelling(value: bigint, rounded: number): boolean {
  const shortest = String(rounded);
  // From 1e21 on, String() writes an exponent, which reads back as a float.
  const printed = /e/i.test(shortest) ? null : BigInt(shortest);
  return value === BigInt(rounded) || value === printed;
}

/** Returns the type of `text` read as VALUE in the bot's dialect, or null when it is not valid there. */
function parsedType(text: string): string | null {
  try {
    return parseValue(text).type;
  } catch {
    return null;
  }
}

function withArticle(typeName: string): string {
  return /^[aeiou]/i.test(typeName) ? `an ${typeName}` : `a ${typeName}`;
}

function shortValue(value: VarValue): string {
  return truncate(displayValue(value), MAX_VALUE_WIDTH);
}
