import { describe, expect, it } from 'vitest';

import { loadedTypeLabel } from '../../src/cli/bot-load.js';
import { Vars } from '../../src/vars/index.js';

async function labelOf(text: string): Promise<string> {
  const value = Vars.parse(`{"x": ${text}}`).get('x');
  if (value === undefined) {
    throw new Error('the test text has no variable x');
  }
  return loadedTypeLabel(value);
}

describe('loadedTypeLabel', () => {
  it('labels scalars with their loaded type', async () => {
    expect(await labelOf('1')).toBe('int');
    expect(await labelOf('"2025-01-02"')).toBe('str -> date');
    expect(await labelOf('"2025-01-02T10:00:00Z"')).toBe('str -> datetime');
    expect(await labelOf('"2025-13-02"')).toBe('str');
  });

  it('counts dict string values at any depth', async () => {
    const text = '{"a": "2025-01-02", "b": {"c": "2025-01-03T09:30:00"}, "d": [{"e": "2025-01-04"}]}';

    expect(await labelOf(text)).toBe('dict (2 str -> date, 1 str -> datetime)');
  });

  it('orders kinds by first appearance', async () => {
    expect(await labelOf('[{"t": "2025-01-03T09:30:00"}, {"d": "2025-01-02"}]')).toBe('list (1 str -> datetime, 1 str -> date)');
  });

  it('skips list items and keys', async () => {
    expect(await labelOf('["2025-01-02", ["2025-01-03"]]')).toBe('list');
    expect(await labelOf('{"2025-01-02": 1}')).toBe('dict');
  });

  it('counts the last value of a repeated key', async () => {
    expect(await labelOf('{"a": "2025-01-02", "a": "plain"}')).toBe('dict');
  });
});
