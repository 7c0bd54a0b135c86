/**
 * Values the parser hands out many times: immutable scalars that need no
 * source, and a bounded cache of short strings.
 */

import type { BoolValue, FloatValue, IntValue, NoneValue } from './value.js';

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
 * Short strings (keys above all) repeat across a document; one copy of each
 * recent one is shared instead of slicing a new string per occurrence. The
 * cache is a fixed-size table indexed by a hash, so it stays bounded.
 */
const SHARED_STRING_MAX_LENGTH = 16;
const SHARED_STRING_SLOTS = 4096;
const sharedStrings: Array<string | undefined> = new Array<string | undefined>(SHARED_STRING_SLOTS).fill(undefined);

export function sliceShared(text: string, start: number, end: number): string {
  const length = end - start;
  if (length > SHARED_STRING_MAX_LENGTH) {
    return text.slice(start, end);
  }

  let hash = length;
  for (let i = start; i < end; i++) {
    hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  }

  const slot = hash & (SHARED_STRING_SLOTS - 1);
  const cached = sharedStrings[slot];
  if (cached !== undefined && cached.length === length && text.startsWith(cached, start)) {
    return cached;
  }

  const fresh = text.slice(start, end);
  sharedStrings[slot] = fresh;
  return fresh;
}
