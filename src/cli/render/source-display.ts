import { serializeValue } from '../../vars/index.js';
import type { ValueOutline } from '../../vars/value-outline.js';
import { appendItems, appendString, displayBudget, DisplayPrefix, truncatePrefix } from './display-prefix.js';
import { truncate } from './text.js';
import { displayValue } from './value.js';

/**
 * Returns what `truncatedDisplayValue` returns for the outlined value, read
 * from its source text: only the lists, dicts and scalars that the start of
 * the display text shows are read, and nothing else of the value is built.
 */
export function truncatedDisplaySource(outline: ValueOutline, maxWidth: number): string {
  const prefix = new DisplayPrefix(displayBudget(maxWidth));
  appendSource(prefix, outline, outline.start, 1);

  if (prefix.complete) {
    return truncate(prefix.text(), maxWidth);
  }
  const decided = truncatePrefix(prefix.text(), maxWidth);
  if (decided !== null) {
    return decided;
  }

  // Zero-width graphemes filled the budget, so the whole text decides the cut.
  return truncate(displayValue(outline.reader.valueAt(outline.start, 1)), maxWidth);
}

// Mirrors `appendValue` in show-value.ts part by part; a test compares the two.
// `depth` counts the lists and dicts around the value at `position`.
function appendSource(prefix: DisplayPrefix, outline: ValueOutline, position: number, depth: number): void {
  const reader = outline.reader;

  switch (reader.kindAt(position)) {
    case 'str':
      appendString(prefix, reader.stringAt(position));
      return;
    case 'list':
      appendItems(prefix, '[', ']', reader.listItems(position, depth), (itemStart) => appendSource(prefix, outline, itemStart, depth + 1));
      return;
    case 'dict':
      appendItems(prefix, '{', '}', reader.dictEntries(position, depth), ({ key, valueStart }) => {
        appendString(prefix, key);
        prefix.append(': ');
        appendSource(prefix, outline, valueStart, depth + 1);
      });
      return;
    case 'scalar':
      prefix.append(serializeValue(reader.valueAt(position, depth)));
  }
}
