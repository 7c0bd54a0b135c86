import { displayWidth, printable, segmentGraphemes, takesOneColumnEach } from './text.js';

/**
 * The start of the display text of a value, built part by part until it is
 * long enough to decide the shortened cell. `truncatedDisplayValue` builds
 * it from a value and `truncatedDisplaySource` from a value's source text.
 */

/**
 * Returns how many code units of display text are built for a cell of
 * `maxWidth` columns. A column takes at least one UTF-16 code unit unless a
 * grapheme has width 0, so this many code units almost always decide the
 * cut. When they do not, the caller builds the whole text.
 */
export function displayBudget(maxWidth: number): number {
  return 2 * Math.max(maxWidth, 0) + 64;
}

/** The start of a display text: parts are appended until it is `budget` code units long. */
export class DisplayPrefix {
  private readonly parts: string[] = [];
  private length = 0;
  /** False once a part was cut or left out. */
  complete = true;

  constructor(private readonly budget: number) {}

  /** Code units left before the budget is reached. */
  get room(): number {
    return this.budget - this.length;
  }

  get full(): boolean {
    return this.length >= this.budget;
  }

  append(part: string): void {
    if (this.full) {
      this.complete = false;
      return;
    }
    this.parts.push(part);
    this.length += part.length;
  }

  text(): string {
    return this.parts.join('');
  }
}

/**
 * Appends `open`, the items separated by `, ` while the prefix has room,
 * and `close`, as a list or dict is displayed. `appendItem` appends one
 * item, and is not called for the items after the prefix is full.
 */
export function appendItems<T>(prefix: DisplayPrefix, open: string, close: string, items: Iterable<T>, appendItem: (item: T) => void): void {
  prefix.append(open);
  let first = true;
  for (const item of items) {
    if (prefix.full) {
      break;
    }
    if (!first) {
      prefix.append(', ');
    }
    first = false;
    appendItem(item);
  }
  prefix.append(close);
}

const HIGH_SURROGATE_FIRST = 0xd800;
const HIGH_SURROGATE_LAST = 0xdbff;

/**
 * Appends `printable(JSON.stringify(text))`, or its start when `text` is
 * longer than the budget: the escaped start of a string is the start of the
 * escaped string, provided the cut does not split a surrogate pair.
 */
export function appendString(prefix: DisplayPrefix, text: string): void {
  if (prefix.full) {
    prefix.complete = false;
    return;
  }
  if (text.length <= prefix.room) {
    prefix.append(printable(JSON.stringify(text)));
    return;
  }

  let end = prefix.room;
  const last = text.charCodeAt(end - 1);
  if (last >= HIGH_SURROGATE_FIRST && last <= HIGH_SURROGATE_LAST) {
    end += 1;
  }
  // The quoted start is at least `room` code units long, so the prefix is
  // full after it. The closing quote is left out: it comes much later.
  prefix.append(printable(JSON.stringify(text.slice(0, end)).slice(0, -1)));
  prefix.complete = false;
}

/**
 * Returns `truncate` of a text that starts with `prefix`, or null when the
 * prefix does not decide it. The grapheme rules place a boundary by the text
 * before it and the one character after it, so every grapheme that ends
 * before the prefix's last one is a grapheme of the whole text too.
 */
export function truncatePrefix(prefix: string, maxWidth: number): string | null {
  // When the characters up to one past the cut take one column each, the
  // grapheme that overflows ends inside the prefix, and the cut needs no
  // segmenting, so a table of ASCII text never loads ICU's break rules.
  if (maxWidth >= 1 && prefix.length >= maxWidth + 2 && takesOneColumnEach(prefix.slice(0, maxWidth + 2))) {
    return `${prefix.slice(0, maxWidth - 1)}…`;
  }
  return truncateSegmentedPrefix(prefix, maxWidth);
}

/** Returns what `truncatePrefix` returns, grapheme by grapheme, without its shortcut. */
export function truncateSegmentedPrefix(prefix: string, maxWidth: number): string | null {
  let keptLength = 0;
  let width = 0;

  for (const { segment, index } of segmentGraphemes(prefix)) {
    const end = index + segment.length;
    if (end >= prefix.length) {
      // The last grapheme may go on past the prefix.
      return null;
    }
    // displayWidth of one grapheme is that grapheme's width.
    width += displayWidth(segment);
    if (width > maxWidth) {
      return `${prefix.slice(0, keptLength)}…`;
    }
    if (width <= maxWidth - 1) {
      keptLength = end;
    }
  }
  return null;
}
