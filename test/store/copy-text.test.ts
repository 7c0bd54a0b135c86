import { describe, expect, it } from 'vitest';

import { copyTextField } from '../../src/store/postgres/copy-text.js';

describe('copyTextField', () => {
  const cases: [string | null, string][] = [
    [null, '\\N'],
    ['', ''],
    ['{"a": 1}', '{"a": 1}'],
    ['\\N', '\\\\N'],
    ['a\\u00e9', 'a\\\\u00e9'],
    ['tab\there', 'tab\\there'],
    ['line\nbreak\r', 'line\\nbreak\\r'],
    ['\\\t', '\\\\\\t'],
    ['\\.', '\\\\.'],
    ['Стратегия 🚀', 'Стратегия 🚀'],
  ];

  it.each(cases)('spells %j as %j', (value, expected) => {
    expect(copyTextField(value)).toBe(expected);
  });
});
