/**
 * TextWriter: builds a long string from many small pieces in one growing
 * buffer, without the intermediate strings (V8 ropes) that concatenation
 * leaves for the garbage collector to copy.
 *
 * The buffer holds one byte per code unit, as the output of `json.dumps` is
 * ASCII, and the result is made with one copy into a one-byte string. Only
 * when a code unit above 0xff arrives (raw text kept from a parsed `source`)
 * does the buffer widen to two bytes per unit.
 */

const INITIAL_CAPACITY = 1 << 12;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export class TextWriter {
  private bytes: Buffer = Buffer.allocUnsafe(INITIAL_CAPACITY);
  /** Set, and used instead of `bytes`, once a code unit above 0xff was written. */
  private wide: Uint16Array | undefined;
  private length = 0;

  write(text: string): void {
    const count = text.length;
    this.reserve(count);

    if (this.wide !== undefined) {
      this.writeWide(text, 0);
      return;
    }

    const bytes = this.bytes;
    let length = this.length;
    for (let i = 0; i < count; i++) {
      const unit = text.charCodeAt(i);
      if (unit > 0xff) {
        this.length = length;
        this.widen();
        this.writeWide(text, i);
        return;
      }
      bytes[length++] = unit;
    }
    this.length = length;
  }

  /** Write one code unit of at most 0xff. */
  writeByte(unit: number): void {
    this.reserve(1);
    if (this.wide !== undefined) {
      this.wide[this.length++] = unit;
    } else {
      this.bytes[this.length++] = unit;
    }
  }

  /**
   * Write `text` between double quotes when it is all printable ASCII other
   * than `"` and `\`, the strings `json.dumps` writes as they are, and return
   * true. Otherwise write nothing and return false, so the caller escapes it.
   * One pass both checks and copies, since most strings need no escape.
   */
  writeQuotedIfPrintable(text: string): boolean {
    const count = text.length;
    this.reserve(count + 2);
    if (this.wide !== undefined) {
      return false;
    }

    const bytes = this.bytes;
    let length = this.length;
    bytes[length++] = QUOTE;
    for (let i = 0; i < count; i++) {
      const unit = text.charCodeAt(i);
      if (unit < 0x20 || unit > 0x7e || unit === QUOTE || unit === BACKSLASH) {
        return false;
      }
      bytes[length++] = unit;
    }
    bytes[length++] = QUOTE;
    this.length = length;
    return true;
  }

  reserve(count: number): void {
    const capacity = this.wide === undefined ? this.bytes.length : this.wide.length;
    if (this.length + count <= capacity) {
      return;
    }

    const size = Math.max(capacity * 2, this.length + count);
    if (this.wide === undefined) {
      const grown = Buffer.allocUnsafe(size);
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    } else {
      const grown = new Uint16Array(size);
      grown.set(this.wide.subarray(0, this.length));
      this.wide = grown;
    }
  }

  toString(): string {
    if (this.wide === undefined) {
      return this.bytes.toString('latin1', 0, this.length);
    }

    const units = this.wide.subarray(0, this.length);
    return Buffer.from(units.buffer, units.byteOffset, units.byteLength).toString('utf16le');
  }

  private widen(): void {
    const wide = new Uint16Array(Math.max(this.bytes.length, INITIAL_CAPACITY));
    for (let i = 0; i < this.length; i++) {
      wide[i] = this.bytes[i]!;
    }
    this.wide = wide;
  }

  /** Write text from index `from` on, into the wide buffer, which has room for all of it. */
  private writeWide(text: string, from: number): void {
    const wide = this.wide!;
    let length = this.length;
    for (let i = from; i < text.length; i++) {
      wide[length++] = text.charCodeAt(i);
    }
    this.length = length;
  }
}
