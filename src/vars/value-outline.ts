/**
 * ValueOutline: what the `show` table needs from one value of a checked
 * variables text, read from the text without building the value.
 *
 * Building a 10 MB list of dicts allocates a `Map` per dict and an object
 * per scalar, and the garbage collector then costs more than the parse. The
 * outline walks the text once to count the strings the bot's loader
 * converts, and keeps only the dicts that repeat a key. The parts of the
 * value are then read on demand, in the order the built value lists them.
 */

import { loadedType } from './loader.js';
import { Parser, skipValueQuickly } from './parser.js';
import { CLOSE_BRACE, CLOSE_BRACKET, COMMA, OPEN_BRACE, OPEN_BRACKET, QUOTE } from './scanner.js';
import type { PyTypeName, VarValue } from './value.js';

/** A type the loader converts a string to. */
export type Conversion = 'date' | 'datetime';

/** The kind of a value's text, which decides how its parts are read. Every scalar but a string is a 'scalar'. */
export type SourceKind = 'dict' | 'list' | 'str' | 'scalar';

/** One entry of a dict as the built dict lists it. */
export interface SourceEntry {
  readonly key: string;
  /** Offset of the entry's value in the text. */
  readonly valueStart: number;
}

export interface ValueOutline {
  /** The Python type of the value. */
  readonly type: PyTypeName;
  /** `loadedType` of the value itself: for a string, 'date' or 'datetime' when the loader converts it. */
  readonly loadedType: string;
  /**
   * The strings inside the value that the loader converts, counted per
   * conversion in order of first appearance: the string values of dicts at
   * any depth, but not list items or keys, as the loader's object_hook receives them.
   */
  readonly conversions: ReadonlyArray<readonly [Conversion, number]>;
  /** Reads the parts of the value. */
  readonly reader: SourceReader;
  /** Offset of the value in the reader's text. */
  readonly start: number;
}

/**
 * Outline the value at `start` of `text`, a text that `Vars.parse` checked.
 * `depth` counts the lists and dicts around the value: 1 for a variable.
 *
 * @throws Error when the text at `start` is not a checked value, which is a
 *   bug in the caller.
 */
export function outlineValue(text: string, start: number, depth = 1): ValueOutline {
  const reader = new SourceReader(text);
  const kind = reader.kindAt(start);

  if (kind === 'dict' || kind === 'list') {
    const counter = new ConversionCounter(text);
    counter.walk(start);
    reader.setRepeatedKeyDicts(counter.repeatedKeyDicts);
    return { type: kind, loadedType: kind, conversions: counter.conversions(), reader, start };
  }

  const value = reader.valueAt(start, depth);
  return { type: value.type, loadedType: loadedType(value), conversions: [], reader, start };
}

/**
 * Reads the parts of the values of a checked text: the items of a list, the
 * entries of a dict in the order of the built dict, and scalars.
 */
export class SourceReader extends Parser {
  /** The effective entries of every dict that repeats a key, by the dict's offset. */
  private repeatedKeyDicts: ReadonlyMap<number, readonly SourceEntry[]> = new Map();

  /** Uses the dicts with a repeated key found by the walk over the value. */
  setRepeatedKeyDicts(dicts: ReadonlyMap<number, readonly SourceEntry[]>): void {
    this.repeatedKeyDicts = dicts;
  }

  kindAt(position: number): SourceKind {
    switch (this.text.charCodeAt(position)) {
      case OPEN_BRACE:
        return 'dict';
      case OPEN_BRACKET:
        return 'list';
      case QUOTE:
        return 'str';
      default:
        return 'scalar';
    }
  }

  /** Builds the value at `position`; `depth` counts the lists and dicts around it. */
  valueAt(position: number, depth: number): VarValue {
    this.position = position;
    return this.parseValue(depth);
  }

  /** Decodes the string whose opening quote is at `position`. */
  stringAt(position: number): string {
    this.position = position;
    return this.scanString(true);
  }

  /**
   * Yields the offset of each item of the list at `position`. `depth`
   * counts the lists and dicts around the list.
   */
  *listItems(position: number, depth: number): Generator<number> {
    this.position = position + 1;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.position) === CLOSE_BRACKET) {
      return;
    }

    for (;;) {
      const itemStart = this.position;
      yield itemStart;

      // The caller may have moved the position while reading the item.
      this.position = this.skipChecked(itemStart, depth + 1);
      if (this.atClose(CLOSE_BRACKET)) {
        return;
      }
    }
  }

  /**
   * Yields the entries of the dict at `position` as the built dict lists
   * them: a repeated key keeps the position of its first occurrence and
   * takes its last value. `depth` counts the lists and dicts around the dict.
   */
  *dictEntries(position: number, depth: number): Generator<SourceEntry> {
    const repeated = this.repeatedKeyDicts.get(position);
    if (repeated !== undefined) {
      yield* repeated;
      return;
    }

    this.position = position + 1;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.position) === CLOSE_BRACE) {
      return;
    }

    for (;;) {
      const key = this.scanString(true);
      // Past the colon and the whitespace around it.
      this.skipWhitespace();
      this.position += 1;
      this.skipWhitespace();

      const valueStart = this.position;
      yield { key, valueStart };

      this.position = this.skipChecked(valueStart, depth + 1);
      if (this.atClose(CLOSE_BRACE)) {
        return;
      }
    }
  }

  /** Skips the value at `position`, which the text's check already accepted. */
  private skipChecked(position: number, depth: number): number {
    const end = skipValueQuickly(this.text, position, depth);
    if (end < 0) {
      throw new Error(`no valid value at offset ${position}: SourceReader reads only texts that Vars.parse checked`);
    }
    return end;
  }

  /** After an item: true past the closing bracket, false past the comma and the whitespace after it. */
  private atClose(close: number): boolean {
    this.skipWhitespace();
    const next = this.text.charCodeAt(this.position);
    this.position += 1;
    if (next === close) {
      return true;
    }
    this.skipWhitespace();
    return false;
  }
}

const BACKSLASH = 0x5c;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/** The first conversion found in a value, if any. */
const FIRST_NONE = 0;
const FIRST_DATE = 1;
const FIRST_DATETIME = 2;

// The fields of one dict entry on the stack of `ConversionCounter`.
const KEY_HASH = 0;
const KEY_START = 1;
const VALUE_START = 2;
const DATES = 3;
const DATETIMES = 4;
const FIRST = 5;
const ENTRY_FIELDS = 6;

/** Dicts with at most this many entries are checked for equal key hashes pair by pair, larger ones with a Set. */
const PAIRWISE_KEY_LIMIT = 16;

/**
 * Counts the strings of a checked value that the loader converts, in one
 * walk over the text that builds nothing but the strings it must test.
 *
 * Each walk step leaves the counts of the value it walked in `dates`,
 * `datetimes` and `first`. A dict keeps its entries' counts on a stack
 * until it ends, because a later repeated key replaces an earlier value.
 */
class ConversionCounter extends Parser {
  readonly repeatedKeyDicts = new Map<number, SourceEntry[]>();

  private dates = 0;
  private datetimes = 0;
  private first = FIRST_NONE;

  /**
   * The stack of the entries of the dicts being walked, ENTRY_FIELDS numbers
   * per entry. Offsets and counts fit in 32 bits because V8 strings are
   * shorter than 2^30 code units.
   */
  private entries = new Int32Array(64 * ENTRY_FIELDS);
  private entryCount = 0;

  private readonly seenHashes = new Set<number>();
  /** Whether the string last skipped by `skipString` contains an escape. */
  private stringHasEscape = false;

  conversions(): Array<readonly [Conversion, number]> {
    const dates = ['date', this.dates] as const;
    const datetimes = ['datetime', this.datetimes] as const;
    const ordered = this.first === FIRST_DATE ? [dates, datetimes] : [datetimes, dates];
    return ordered.filter(([, count]) => count > 0);
  }

  /** Walks the value at `position` and returns the offset after it. */
  walk(position: number): number {
    const code = this.text.charCodeAt(position);
    if (code === OPEN_BRACE) {
      return this.walkDict(position);
    }
    if (code === OPEN_BRACKET) {
      return this.walkList(position);
    }

    this.setCounts(0, 0, FIRST_NONE);
    if (code === QUOTE) {
      return this.skipString(position);
    }
    return this.skipNumberOrConstant(position);
  }

  /**
   * Returns the offset after the number or constant at `position`. The text
   * was checked, so the value ends at the first comma, closing bracket,
   * whitespace or end of text.
   */
  private skipNumberOrConstant(position: number): number {
    const text = this.text;
    for (;;) {
      const code = text.charCodeAt(position);
      if (code === COMMA || code === CLOSE_BRACKET || code === CLOSE_BRACE || code <= 0x20 || code !== code) {
        return position;
      }
      position += 1;
    }
  }

  private walkList(start: number): number {
    let dates = 0;
    let datetimes = 0;
    let first = FIRST_NONE;

    let position = this.skipSpace(start + 1);
    if (this.text.charCodeAt(position) === CLOSE_BRACKET) {
      this.setCounts(0, 0, FIRST_NONE);
      return position + 1;
    }

    for (;;) {
      position = this.walk(position);
      dates += this.dates;
      datetimes += this.datetimes;
      if (first === FIRST_NONE) {
        first = this.first;
      }

      position = this.skipSpace(position);
      if (this.text.charCodeAt(position) === CLOSE_BRACKET) {
        break;
      }
      position = this.skipSpace(position + 1);
    }

    this.setCounts(dates, datetimes, first);
    return position + 1;
  }

  private walkDict(start: number): number {
    const base = this.entryCount;
    const text = this.text;

    let position = this.skipSpace(start + 1);
    if (text.charCodeAt(position) === CLOSE_BRACE) {
      this.setCounts(0, 0, FIRST_NONE);
      return position + 1;
    }

    for (;;) {
      const keyStart = position;
      position = this.skipString(keyStart);
      const keyHash = this.stringHasEscape ? hashString(this.stringAt(keyStart)) : hashText(text, keyStart + 1, position - 1);

      // Past the colon and the whitespace around it.
      position = this.skipSpace(this.skipSpace(position) + 1);
      const valueStart = position;

      if (text.charCodeAt(valueStart) === QUOTE) {
        position = this.skipString(valueStart);
        this.countString(valueStart, position);
      } else {
        position = this.walk(valueStart);
      }
      this.pushEntry(keyHash, keyStart, valueStart);

      position = this.skipSpace(position);
      if (text.charCodeAt(position) === CLOSE_BRACE) {
        break;
      }
      position = this.skipSpace(position + 1);
    }

    if (this.hasEqualKeyHashes(base)) {
      this.sumRepeatedKeyDict(start, base);
    } else {
      this.sumEntries(base);
    }
    this.entryCount = base;
    return position + 1;
  }

  /** Sets the counts of the dict string value text[start, end): one if the loader converts it. */
  private countString(start: number, end: number): void {
    this.setCounts(0, 0, FIRST_NONE);

    // Both patterns the current loader converts, `^\d{4}-\d{2}-\d{2}T` and
    // `^\d{4}-\d{2}-\d{2}$`, start with a decimal digit, so a string that
    // starts with any other ASCII character stays a str.
    const firstCode = this.text.charCodeAt(start + 1);
    const isAsciiDigit = firstCode >= DIGIT_0 && firstCode <= DIGIT_9;
    if (firstCode < 0x80 && !isAsciiDigit && firstCode !== BACKSLASH) {
      return;
    }

    const value = this.stringHasEscape ? this.stringAt(start) : this.text.slice(start + 1, end - 1);
    const loaded = loadedType({ type: 'str', value });
    if (loaded === 'date') {
      this.setCounts(1, 0, FIRST_DATE);
    } else if (loaded === 'datetime') {
      this.setCounts(0, 1, FIRST_DATETIME);
    }
  }

  private pushEntry(keyHash: number, keyStart: number, valueStart: number): void {
    const offset = this.entryCount * ENTRY_FIELDS;
    if (offset === this.entries.length) {
      const grown = new Int32Array(2 * offset);
      grown.set(this.entries);
      this.entries = grown;
    }

    const entries = this.entries;
    entries[offset + KEY_HASH] = keyHash;
    entries[offset + KEY_START] = keyStart;
    entries[offset + VALUE_START] = valueStart;
    entries[offset + DATES] = this.dates;
    entries[offset + DATETIMES] = this.datetimes;
    entries[offset + FIRST] = this.first;
    this.entryCount += 1;
  }

  private entryField(slot: number, field: number): number {
    return this.entries[slot * ENTRY_FIELDS + field]!;
  }

  /**
   * Checks whether two entries from `base` up have the same key hash. Equal
   * keys always do, so false proves that no key repeats.
   */
  private hasEqualKeyHashes(base: number): boolean {
    const end = this.entryCount;

    if (end - base <= PAIRWISE_KEY_LIMIT) {
      for (let slot = base + 1; slot < end; slot++) {
        const hash = this.entryField(slot, KEY_HASH);
        for (let other = base; other < slot; other++) {
          if (this.entryField(other, KEY_HASH) === hash) return true;
        }
      }
      return false;
    }

    const seen = this.seenHashes;
    seen.clear();
    for (let slot = base; slot < end; slot++) {
      const hash = this.entryField(slot, KEY_HASH);
      if (seen.has(hash)) return true;
      seen.add(hash);
    }
    return false;
  }

  /** Sums the counts of the entries from `base` up, in document order. */
  private sumEntries(base: number): void {
    let dates = 0;
    let datetimes = 0;
    let first = FIRST_NONE;

    for (let slot = base; slot < this.entryCount; slot++) {
      dates += this.entryField(slot, DATES);
      datetimes += this.entryField(slot, DATETIMES);
      if (first === FIRST_NONE) {
        first = this.entryField(slot, FIRST);
      }
    }
    this.setCounts(dates, datetimes, first);
  }

  /**
   * Sums the counts of the dict at `start`, whose entries from `base` up may
   * repeat a key, as the built dict contains them: each key at its first
   * position with its last value. A dict that does repeat a key is kept for
   * `SourceReader.dictEntries`.
   */
  private sumRepeatedKeyDict(start: number, base: number): void {
    // Map.set on an existing key keeps its position and replaces its value,
    // which is what a Python dict does with a repeated key.
    const lastSlots = new Map<string, number>();
    for (let slot = base; slot < this.entryCount; slot++) {
      lastSlots.set(this.stringAt(this.entryField(slot, KEY_START)), slot);
    }

    let dates = 0;
    let datetimes = 0;
    let first = FIRST_NONE;
    const builtEntries: SourceEntry[] = [];

    for (const [key, slot] of lastSlots) {
      dates += this.entryField(slot, DATES);
      datetimes += this.entryField(slot, DATETIMES);
      if (first === FIRST_NONE) {
        first = this.entryField(slot, FIRST);
      }
      builtEntries.push({ key, valueStart: this.entryField(slot, VALUE_START) });
    }

    if (lastSlots.size < this.entryCount - base) {
      this.repeatedKeyDicts.set(start, builtEntries);
    }
    this.setCounts(dates, datetimes, first);
  }

  private setCounts(dates: number, datetimes: number, first: number): void {
    this.dates = dates;
    this.datetimes = datetimes;
    this.first = first;
  }

  /** Decodes the string whose opening quote is at `position`. */
  private stringAt(position: number): string {
    this.position = position;
    return this.scanString(true);
  }

  /**
   * Returns the offset after the string whose opening quote is at `quote`
   * and sets `stringHasEscape`. The text was checked, so the string is
   * valid and only its end is looked for.
   */
  private skipString(quote: number): number {
    const text = this.text;
    let position = quote + 1;
    let hasEscape = false;

    for (;;) {
      const code = text.charCodeAt(position);
      if (code === QUOTE) {
        this.stringHasEscape = hasEscape;
        return position + 1;
      }
      if (code === BACKSLASH) {
        // The escaped character is never the end, and `\uXXXX` has no quote or backslash in its digits.
        hasEscape = true;
        position += 2;
      } else {
        position += 1;
      }
    }
  }

  private skipSpace(position: number): number {
    const text = this.text;
    let code = text.charCodeAt(position);
    // Whitespace is at most 0x20, and most tokens follow none or one space.
    while (code <= 0x20 && (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09)) {
      position += 1;
      code = text.charCodeAt(position);
    }
    return position;
  }
}

/** FNV-1a hash of text[start, end) by UTF-16 code units, equal to `hashString` of that slice. */
function hashText(text: string, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let position = start; position < end; position++) {
    hash = Math.imul(hash ^ text.charCodeAt(position), 0x01000193);
  }
  return hash | 0;
}

function hashString(text: string): number {
  return hashText(text, 0, text.length);
}
