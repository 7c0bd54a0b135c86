import { serializeValue, type VarValue } from '../../vars/index.js';
import { printable } from './text.js';

/**
 * Formats a value for a person to read in a table: numbers, NaN and
 * Infinity spelled exactly as stored, strings in double quotes with
 * non-ASCII characters shown as themselves rather than `\uXXXX`, and
 * control characters escaped. The result is one line.
 */
export function displayValue(value: VarValue): string {
  switch (value.type) {
    case 'str':
      return displayString(value.value);
    case 'list':
      return `[${value.items.map(displayValue).join(', ')}]`;
    case 'dict': {
      const entries = [...value.entries].map(([key, item]) => `${displayString(key)}: ${displayValue(item)}`);
      return `{${entries.join(', ')}}`;
    }
    default:
      return serializeValue(value);
  }
}

function displayString(text: string): string {
  // JSON.stringify escapes quotes, backslashes, C0 controls and lone
  // surrogates; printable() then escapes DEL and the C1 controls.
  return printable(JSON.stringify(text));
}
