import { serializeValue, type VarValue } from '../../vars/index.js';
import { appendString, displayBudget, DisplayPrefix, truncatePrefix } from './display-prefix.js';
import { truncate } from './text.js';
import { displayValue } from './value.js';

/**
 * Returns `truncate(displayValue(value), maxWidth)` but builds and measures
 * only the start of the display text. The cell shows some 80 columns, and
 * building the text of a 10 MB list and segmenting all of it costs seconds.
 */
export function truncatedDisplayValue(value: VarValue, maxWidth: number): string {
  const prefix = new DisplayPrefix(displayBudget(maxWidth));
  appendValue(prefix, value);

  if (prefix.complete) {
    return truncate(prefix.text(), maxWidth);
  }
  return truncatePrefix(prefix.text(), maxWidth) ?? truncate(displayValue(value), maxWidth);
}

// Mirrors `displayValue` in value.ts part by part; a test compares the two.
function appendValue(prefix: DisplayPrefix, value: VarValue): void {
  switch (value.type) {
    case 'str':
      appendString(prefix, value.value);
      return;
    case 'list':
      prefix.append('[');
      for (let index = 0; index < value.items.length && !prefix.full; index++) {
        if (index > 0) {
          prefix.append(', ');
        }
        appendValue(prefix, value.items[index]!);
      }
      prefix.append(']');
      return;
    case 'dict': {
      prefix.append('{');
      let first = true;
      for (const [key, item] of value.entries) {
        if (prefix.full) {
          break;
        }
        if (!first) {
          prefix.append(', ');
        }
        first = false;
        appendString(prefix, key);
        prefix.append(': ');
        appendValue(prefix, item);
      }
      prefix.append('}');
      return;
    }
    default:
      prefix.append(serializeValue(value));
  }
}
