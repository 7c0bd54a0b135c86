/**
 * Python's `\d` in `re` and `int()` accept every Unicode decimal digit, not
 * only 0-9. This is the set CPython 3.11 knows (Unicode 14.0), listed by the
 * code point of each script's zero, because the digits 0-9 of every script
 * are consecutive. It is fixed here rather than taken from V8's `\p{Nd}`,
 * whose newer Unicode version has more digits than the bot's Python.
 */
const DIGIT_ZEROS: readonly number[] = [
  0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6, 0xe50, 0xed0,
  0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620,
  0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10, 0x104a0, 0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0,
  0x112f0, 0x11450, 0x114d0, 0x11650, 0x116c0, 0x11730, 0x118e0, 0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60,
  0x16ac0, 0x16b50, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0, 0x1e950, 0x1fbf0,
];

/** The value 0-9 of a code point that Python counts as a decimal digit, else -1. */
export function pythonDigitValue(codePoint: number): number {
  if (codePoint >= 0x30 && codePoint <= 0x39) {
    return codePoint - 0x30;
  }
  if (codePoint < 0x660) {
    return -1;
  }

  for (const zero of DIGIT_ZEROS) {
    if (codePoint >= zero && codePoint <= zero + 9) {
      return codePoint - zero;
    }
  }

  return -1;
}

/** A regex character class (for the `u` flag) of what Python's `re` matches with `\\d`. */
export function pythonDigitClass(): string {
  const ranges = DIGIT_ZEROS.map((zero) => `\\u{${zero.toString(16)}}-\\u{${(zero + 9).toString(16)}}`);
  return `[${ranges.join('')}]`;
}
