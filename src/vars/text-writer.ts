/**
 * TextWriter: builds a long string from many small pieces without the
 * intermediate strings (V8 ropes) that concatenation leaves for the garbage
 * collector to copy.
 */

const INITIAL_CAPACITY = 1 << 12;

export class TextWriter {
  private buffer = new Uint16Array(INITIAL_CAPACITY);
  private length = 0;
  /** Bitwise OR of every code unit written, to tell if one byte per unit suffices. */
  private unitsSeen = 0;

  write(text: string): void {
    const count = text.length;
    this.reserve(count);

    const buffer = this.buffer;
    let length = this.length;
    let unitsSeen = 0;
    for (let i = 0; i < count; i++) {
      const unit = text.charCodeAt(i);
      unitsSeen |= unit;
      buffer[length++] = unit;
    }

    this.length = length;
    this.unitsSeen |= unitsSeen;
  }

  /** Write one code unit of at most 0xff. */
  writeByte(unit: number): void {
    this.reserve(1);
    this.buffer[this.length++] = unit;
  }

  reserve(count: number): void {
    if (this.length + count <= this.buffer.length) {
      return;
    }

    const grown = new Uint16Array(Math.max(this.buffer.length * 2, this.length + count));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  toString(): string {
    const units = this.buffer.subarray(0, this.length);

    if (this.unitsSeen <= 0xff) {
      const bytes = Uint8Array.from(units);
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    }
    return Buffer.from(units.buffer, units.byteOffset, units.byteLength).toString('utf16le');
  }
}
