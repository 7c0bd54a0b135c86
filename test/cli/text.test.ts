import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { formatBytes } from '../../src/cli/render/size.js';
import { truncatePrefix, truncateSegmentedPrefix } from '../../src/cli/render/display-prefix.js';
import { displayWidth, printable, printableName, quote, segmentedWidth, truncate, truncateSegmented } from '../../src/cli/render/text.js';

describe('quote', () => {
  it('uses single quotes for plain names', () => {
    expect(quote('MomentumBot')).toBe("'MomentumBot'");
  });

  it('keeps surrounding spaces visible', () => {
    expect(quote('MomentumBot ')).toBe("'MomentumBot '");
  });

  it('switches to JSON for quotes and control characters', () => {
    expect(quote("it's")).toBe('"it\'s"');
    expect(quote('a\nb')).toBe('"a\\nb"');
  });

  it('escapes bidirectional controls and separators', () => {
    expect(quote('bidi\u202eevil')).toBe('"bidi\\u202eevil"');
    expect(quote('sep\u2028x')).toBe('"sep\\u2028x"');
  });
});

describe('printable', () => {
  it('escapes newlines, tabs and ESC', () => {
    expect(printable('a\nb\tc\u001b[31m')).toBe('a\\nb\\tc\\u001b[31m');
  });

  it('keeps non-ASCII text and surrogate pairs', () => {
    expect(printable('Стратегия 🚀 中文')).toBe('Стратегия 🚀 中文');
  });

  it('escapes line separators and bidirectional controls', () => {
    expect(printable('a\u2028b\u2029c')).toBe('a\\u2028b\\u2029c');
    expect(printable('a\u061cb')).toBe('a\\u061cb');
    expect(printable('\u202eevil\u202c \u2066x\u2069 \u200f')).toBe('\\u202eevil\\u202c \\u2066x\\u2069 \\u200f');
  });

  it('escapes lone surrogates', () => {
    expect(printable('x\ud83dy')).toBe('x\\ud83dy');
    expect(printable('\ude80')).toBe('\\ude80');
  });
});

describe('printableName', () => {
  it('keeps a plain name', () => {
    expect(printableName('MomentumBot v2')).toBe('MomentumBot v2');
  });

  it('quotes names a cell would hide', () => {
    expect(printableName('A ')).toBe('"A "');
    expect(printableName(' A')).toBe('" A"');
    expect(printableName('')).toBe('""');
    expect(printableName('A\t')).toBe('"A\\t"');
  });

  it('quotes and escapes characters that show as nothing', () => {
    expect(printableName('Bot\u200b')).toBe('"Bot\\u200b"');
    expect(printableName('Bot\u00ad')).toBe('"Bot\\u00ad"');
    expect(printableName('\ufeffBot')).toBe('"\\ufeffBot"');
  });

  it('tells an escaped byte from a spelled escape', () => {
    expect(printableName('Bad\udcff')).toBe('"Bad\\udcff"');
    expect(printableName('Bad\\udcff')).toBe('Bad\\udcff');
  });

  it('tells a newline from a spelled one', () => {
    expect(printableName('A\nB')).toBe('"A\\nB"');
    expect(printableName('A\\nB')).toBe('A\\nB');
  });
});

describe('displayWidth', () => {
  it('counts ASCII as one column each', () => {
    expect(displayWidth('SPY 500P')).toBe(8);
  });

  it('counts CJK and emoji as two', () => {
    expect(displayWidth('中文')).toBe(4);
    expect(displayWidth('🚀')).toBe(2);
    expect(displayWidth('💎🙌')).toBe(4);
  });

  it('counts a combining mark as zero', () => {
    expect(displayWidth('e\u0301')).toBe(1);
  });

  it('counts Latin letters as one column each', () => {
    expect(displayWidth('Stratégie-Élan ĀǅȀɐ ©®')).toBe(22);
  });

  it('agrees with segmenting on one-column text', () => {
    const chars: string[] = [];
    for (let code = 0x20; code <= 0x2ff; code++) {
      if (code < 0x7f || code >= 0xa0) {
        chars.push(String.fromCharCode(code));
      }
    }
    chars.push('…');

    // Grapheme breaks depend on neighbours, so pairs are checked as well.
    for (const first of chars) {
      expect(displayWidth(first)).toBe(segmentedWidth(first));
      for (let index = 0; index < chars.length; index += 7) {
        const pair = first + chars[index];
        expect(displayWidth(pair)).toBe(segmentedWidth(pair));
      }
    }
  });
});

describe('truncate', () => {
  it('leaves short text alone', () => {
    expect(truncate('abc', 3)).toBe('abc');
  });

  it('cuts to the width with an ellipsis', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
  });

  it('never splits a surrogate pair or a wide character', () => {
    expect(truncate('a🚀🚀🚀', 4)).toBe('a🚀…');
    expect(truncate('中文中文', 4)).toBe('中…');
  });

  it('keeps combining marks on the last kept character', () => {
    expect(truncate('abe\u0301fg', 4)).toBe('abe\u0301…');
  });

  it('agrees with segmenting on mixed text', () => {
    const pieces = ['a', 'Z', ' ', 'é', 'ǅ', '…', '中', '\u0301', '🚀', '\u200b', '\r\n', '\ufe0f', '👍🏽'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 12 }), fc.integer({ min: 0, max: 14 }), (parts, width) => {
        const text = parts.join('');
        expect(truncate(text, width)).toBe(truncateSegmented(text, width));
      }),
      { numRuns: 2000 },
    );
  });

  it('cuts a prefix as segmenting does', () => {
    const pieces = ['a', 'Z', ' ', 'é', 'ǅ', '…', '中', '\u0301', '🚀', '\u200b', '\r\n', '\ufe0f', '👍🏽'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 14 }), fc.integer({ min: 0, max: 14 }), (parts, width) => {
        const prefix = parts.join('');
        expect(truncatePrefix(prefix, width)).toBe(truncateSegmentedPrefix(prefix, width));
      }),
      { numRuns: 2000 },
    );
  });

  it('cuts a 10 MB text', () => {
    expect(truncate('x'.repeat(10_000_000), 5)).toBe('xxxx…');
  });
});

describe('formatBytes', () => {
  const cases: [number, string][] = [
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KB'],
    [1229, '1.2 KB'],
    [20_480, '20 KB'],
    [3.4 * 1024 * 1024, '3.4 MB'],
  ];

  it.each(cases)('formats %i bytes as %s', (bytes, expected) => {
    expect(formatBytes(bytes)).toBe(expected);
  });
});
