import { serializeValue, type VarValue } from '../../vars/index.js';
import { appendItems, appendString, displayBudget, DisplayPrefix, truncatePrefix } from './display-prefix.js';
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
      appendItems(prefix, '[', ']', value.items, (item) => appendValue(prefix, item));
      return;
    case 'dict':
      appendItems(prefix, '{', '}', value.entries, ([key, item]) => {
        appendString(prefix, key);
        prefix.append(': ');
        appendValue(prefix, item);
      });
      return;
    default:
      prefix.append(serializeValue(value));
  }
}
