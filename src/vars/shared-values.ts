/**
 * Values the parser hands out many times: immutable scalars that need no
 * source, and a bounded cache of short strings.
 */

import type { BoolValue, FloatValue, IntValue, NoneValue, StrValue } from './value.js';

// Values without a source are immutable and identical wherever they occur,
// so one object each serves every occurrence.
export const NONE: NoneValue = Object.freeze({ type: 'NoneType' });
export const TRUE: BoolValue = Object.freeze({ type: 'bool', value: true });
export const FALSE: BoolValue = Object.freeze({ type: 'bool', value: false });
export const NAN: FloatValue = Object.freeze({ type: 'float', value: NaN });
export const INFINITY: FloatValue = Object.freeze({ type: 'float', value: Infinity });
export const NEGATIVE_INFINITY: FloatValue = Object.freeze({ type: 'float', value: -Infinity });
export const SMALL_INTS: readonly IntValue[] = Array.from({ length: 1024 }, (_, value) =>
  Object.freeze({ type: 'int', value: BigInt(value) }),
);

/**
 * Short strings (keys above all) repeat across a document, so one copy of
 * each recent one is shared instead of slicing a new string per occurrence,
 * and likewise one StrValue per string value. The cache is a fixed-size
 * table indexed by a hash, so it stays bounded.
 */
const SHARED_STRING_MAX_LENGTH = 16;
const SHARED_STRING_SLOTS = 4096;
const sharedStrings: Array<string | undefined> = new Array<string | undefined>(SHARED_STRING_SLOTS).fill(undefined);
const sharedStrValues: Array<StrValue | undefined> = new Array<StrValue | undefined>(SHARED_STRING_SLOTS).fill(undefined);

/** Find the slot of text[start, end), or -1 when it is too long to share. */
function slotOf(text: string, start: number, end: number): number {
  const length = end - start;
  if (length > SHARED_STRING_MAX_LENGTH) {
    return -1;
  }

  let hash = length;
  for (let i = start; i < end; i++) {
    hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  }
  return hash & (SHARED_STRING_SLOTS - 1);
}

function isCachedAt(slot: number, text: string, start: number, end: number): boolean {
  const cached = sharedStrings[slot];
  return cached !== undefined && cached.length === end - start && text.startsWith(cached, start);
}

/** Return text[start, end), shared with earlier occurrences when short. */
export function sliceShared(text: string, start: number, end: number): string {
  const slot = slotOf(text, start, end);
  if (slot < 0) {
    return text.slice(start, end);
  }
  if (isCachedAt(slot, text, start, end)) {
    return sharedStrings[slot]!;
  }

  const fresh = text.slice(start, end);
  sharedStrings[slot] = fresh;
  sharedStrValues[slot] = undefined;
  return fresh;
}

/** Return the str value of text[start, end), which needs no source, shared when short. */
export function strValueShared(text: string, start: number, end: number): StrValue {
  const slot = slotOf(text, start, end);
  if (slot < 0) {
    return { type: 'str', value: text.slice(start, end) };
  }

  if (!isCachedAt(slot, text, start, end)) {
    sharedStrings[slot] = text.slice(start, end);
    sharedStrValues[slot] = undefined;
  }
  sharedStrValues[slot] ??= Object.freeze({ type: 'str', value: sharedStrings[slot]! });
  return sharedStrValues[slot]!;
}
