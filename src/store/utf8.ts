import { isUtf8 } from 'node:buffer';

import { UsageError } from '../errors.js';

/**
 * Lossless text for bytes that may not be valid UTF-8 (an SQLite TEXT column
 * holds any bytes). Valid UTF-8 decodes as usual; each byte of an invalid
 * sequence becomes the lone surrogate U+DC80 + byte, as Python's
 * "surrogateescape" does. Valid UTF-8 never yields a lone surrogate, so
 * encoding gives back the exact bytes.
 */

const ESCAPE_BASE = 0xdc00;

// A low surrogate in U+DC80..U+DCFF with no high surrogate before it.
const ESCAPED_BYTE = /(?<![\ud800-\udbff])[\udc80-\udcff]/;
const ESCAPED_BYTES = /(?<![\ud800-\udbff])[\udc80-\udcff]/g;

export function decodeEscaped(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buffer)) {
    return buffer.toString('utf8');
  }

  let text = '';
  let start = 0;
  let index = 0;
  while (index < buffer.length) {
    const length = validSequenceLength(buffer, index);
    if (length > 0) {
      index += length;
      continue;
    }
    text += buffer.toString('utf8', start, index) + String.fromCharCode(ESCAPE_BASE + (buffer[index] ?? 0));
    index += 1;
    start = index;
  }
  return text + buffer.toString('utf8', start, index);
}

export function encodeEscaped(text: string): Buffer {
  if (isWellFormed(text) || !ESCAPED_BYTE.test(text)) {
    return Buffer.from(text, 'utf8');
  }

  const parts: Buffer[] = [];
  let start = 0;
  for (const match of text.matchAll(ESCAPED_BYTES)) {
    parts.push(Buffer.from(text.slice(start, match.index), 'utf8'), Buffer.of(match[0].charCodeAt(0) - ESCAPE_BASE));
    start = match.index + 1;
  }
  parts.push(Buffer.from(text.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/** Counts the bytes a text is stored as: its UTF-8, with each escaped byte one byte. */
export function storedByteLength(text: string): number {
  return isWellFormed(text) ? Buffer.byteLength(text, 'utf8') : encodeEscaped(text).length;
}

/** Byte offset of the first byte that is not valid UTF-8, or null when there is none. */
export function invalidUtf8Offset(text: string): number | null {
  if (isWellFormed(text)) {
    return null;
  }
  const match = ESCAPED_BYTE.exec(text);
  return match === null ? null : Buffer.byteLength(text.slice(0, match.index), 'utf8');
}

/**
 * Length of the well-formed UTF-8 sequence at `index` (Unicode's table of
 * well-formed byte sequences), or 0 when the byte there starts none.
 */
function validSequenceLength(bytes: Buffer, index: number): number {
  const first = bytes[index] ?? 0;
  if (first < 0x80) {
    return 1;
  }

  let length: number;
  let low = 0x80;
  let high = 0xbf;
  if (first >= 0xc2 && first <= 0xdf) {
    length = 2;
  } else if (first >= 0xe0 && first <= 0xef) {
    length = 3;
    low = first === 0xe0 ? 0xa0 : 0x80;
    high = first === 0xed ? 0x9f : 0xbf;
  } else if (first >= 0xf0 && first <= 0xf4) {
    length = 4;
    low = first === 0xf0 ? 0x90 : 0x80;
    high = first === 0xf4 ? 0x8f : 0xbf;
  } else {
    return 0;
  }

  for (let offset = 1; offset < length; offset += 1) {
    const byte = bytes[index + offset];
    const [min, max] = offset === 1 ? [low, high] : [0x80, 0xbf];
    if (byte === undefined || byte < min || byte > max) {
      return 0;
    }
  }
  return length;
}

/** Why a text cannot be written as it is: where its first lone surrogate is, and what it stands for. */
export interface UnpairedSurrogate {
  /** UTF-8 byte offset of the surrogate in the text. */
  readonly byteOffset: number;
  /**
   * True for U+DC80..U+DCFF, a byte that is not UTF-8 as decodeEscaped
   * writes it: SQLite stores that byte back, PostgreSQL cannot. False for
   * any other lone surrogate, which no database stores as it is.
   */
  readonly escapedByte: boolean;
  /**
   * True when escaped bytes of the text together spell valid UTF-8, which
   * decodeEscaped never writes. Stored, those bytes read back as other
   * characters, so the text names another strategy or value than it seems.
   */
  readonly spellsUtf8: boolean;
}

const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

// A lone surrogate that is not an escaped byte (see ESCAPED_BYTE).
const OTHER_UNPAIRED = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udc7f\udd00-\udfff]/g;

/** Finds the first lone surrogate of a text, or returns null for well-formed text (the usual case, checked natively). */
export function unpairedSurrogate(text: string): UnpairedSurrogate | null {
  if (isWellFormed(text)) {
    return null;
  }

  const match = UNPAIRED_SURROGATE.exec(text);
  if (match === null) {
    return null;
  }
  const unit = match[0].charCodeAt(0);
  const escapedByte = unit >= 0xdc80 && unit <= 0xdcff;
  return {
    byteOffset: Buffer.byteLength(text.slice(0, match.index), 'utf8'),
    escapedByte,
    spellsUtf8: escapedByte && escapesSpellUtf8(text),
  };
}

/**
 * Tells whether escaped bytes of a text together spell valid UTF-8. Other
 * lone surrogates are set aside as U+FFFD first, because UTF-8 cannot
 * encode them, and the round trip would then differ for their sake alone.
 */
function escapesSpellUtf8(text: string): boolean {
  const escapesOnly = text.replace(OTHER_UNPAIRED, '\ufffd');
  return decodeEscaped(encodeEscaped(escapesOnly)) !== escapesOnly;
}

/**
 * Tells whether a text has no lone surrogate, the usual case. For a one-byte
 * string V8 returns without a scan (20,000 calls on a 20 KB ASCII text took
 * 1 ms here), so the regular expressions above run only on other texts.
 */
function isWellFormed(text: string): boolean {
  // String.prototype.isWellFormed is in Node.js 20 but not in the ES2022 lib.
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/**
 * Rejects a file or folder path typed with bytes that are not UTF-8 (see
 * rawArguments). Node.js would open the path with U+FFFD in their place,
 * which names another file, or creates one.
 */
export function requireExactPath(file: string, label: string): void {
  const offset = invalidUtf8Offset(file);
  if (offset === null) {
    return;
  }
  throw new UsageError(`the ${label} ${JSON.stringify(file)} is not valid UTF-8 at byte ${offset}, so varsctl cannot open it by that name`, {
    hint: 'rename it to a UTF-8 name, or reach it through a symbolic link that has one',
  });
}
