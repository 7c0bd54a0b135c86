import { Vars, VarsParseError, serializeValue } from '../vars/index.js';

/** One top-level key with its value spelled as stored. */
export interface KeyText {
  readonly key: string;
  readonly text: string;
}

export interface KeyChange {
  readonly key: string;
  readonly before: string;
  readonly after: string;
}

/**
 * How a strategy's `variables` would change. `keys` when both texts are
 * variables the bot can load; `text` when either is not (SQL NULL, the
 * placeholder, invalid JSON), so only the raw texts can be compared.
 */
export type VariablesDiff =
  | { readonly kind: 'same' }
  | {
      readonly kind: 'keys';
      readonly added: readonly KeyText[];
      readonly removed: readonly KeyText[];
      readonly changed: readonly KeyChange[];
      /** True when no key or value changed, only key order or spacing. */
      readonly layoutOnly: boolean;
    }
  | { readonly kind: 'text'; readonly before: string | null; readonly after: string | null };

/**
 * Compares the `variables` text in the database with the one a restore
 * would write. Values compare by their exact text, so `1.0` and `1.00`
 * differ, as they would in the stored bytes.
 */
export function diffVariables(before: string | null, after: string | null): VariablesDiff {
  if (before === after) {
    return { kind: 'same' };
  }

  const beforeVars = tryParse(before);
  const afterVars = tryParse(after);
  if (beforeVars === null || afterVars === null) {
    return { kind: 'text', before, after };
  }

  const added: KeyText[] = [];
  const removed: KeyText[] = [];
  const changed: KeyChange[] = [];

  for (const [key, value] of afterVars.entries()) {
    const previous = beforeVars.get(key);
    const text = serializeValue(value);
    if (previous === undefined) {
      added.push({ key, text });
    } else if (serializeValue(previous) !== text) {
      changed.push({ key, before: serializeValue(previous), after: text });
    }
  }

  for (const [key, value] of beforeVars.entries()) {
    if (!afterVars.has(key)) {
      removed.push({ key, text: serializeValue(value) });
    }
  }

  const layoutOnly = added.length === 0 && removed.length === 0 && changed.length === 0;
  return { kind: 'keys', added, removed, changed, layoutOnly };
}

function tryParse(text: string | null): Vars | null {
  if (text === null) {
    return null;
  }
  try {
    return Vars.parse(text);
  } catch (error) {
    if (error instanceof VarsParseError) {
      return null;
    }
    throw error;
  }
}
