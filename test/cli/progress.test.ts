import { afterEach, describe, expect, it, vi } from 'vitest';

import { createProgress } from '../../src/cli/progress.js';

function terminal() {
  const written: string[] = [];
  const stream = { isTTY: true, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe('progress line', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.for([
    [1, 'saved 1 row,'],
    [2, 'saved 2 rows,'],
    [1234, 'saved 1,234 rows,'],
  ] as const)('counts %i rows', ([rows, expected]) => {
    vi.useFakeTimers();
    const { stream, written } = terminal();
    const progress = createProgress('saved', { quiet: false }, stream);

    vi.advanceTimersByTime(1000);
    progress.update(rows, 2048);

    expect(written.join('')).toContain(expected);
  });
});
