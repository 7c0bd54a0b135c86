import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';

import { diffVariables } from '../../src/archive/diff.js';
import { renderPlannedStrategy } from '../../src/cli/archive/restore-render.js';
import type { PlannedStrategy } from '../../src/cli/archive/restore-plan.js';
import { renderVariablesTable } from '../../src/cli/render/show.js';
import { Vars } from '../../src/vars/index.js';

// More entries than a spread into one call takes before the call stack
// overflows (about 125,000 on Node.js 20 with its default stack size).
const KEY_COUNT = 150_001;

const plain = new Chalk({ level: 0 });

function wideText(value: number): string {
  const entries: string[] = [];
  for (let index = 0; index < KEY_COUNT; index++) {
    entries.push(`"k${index}": ${value}`);
  }
  return `{${entries.join(', ')}}`;
}

describe('renderers with 150,001 keys', () => {
  it('show table renders every key', () => {
    const vars = Vars.parse(wideText(1));

    const lines = renderVariablesTable(vars, { types: new Map(), width: 80, full: false, style: plain }).split('\n');

    expect(lines).toHaveLength(KEY_COUNT + 2);
    expect(lines[0]).toBe('KEY      TYPE  VALUE');
    expect(lines[1]).toBe('k0       int   1');
    expect(lines[KEY_COUNT]).toBe('k150000  int   1');
  });

  it('restore plan lists every changed key', () => {
    const strategy: PlannedStrategy = {
      strategyId: 'Wide',
      status: 'changed',
      rowsBefore: 1,
      rowsAfter: 1,
      lastUpdated: null,
      live: { live: false, ageMs: null },
      edited: false,
    };
    const diff = diffVariables(wideText(1), wideText(2));

    const lines = renderPlannedStrategy(strategy, diff, plain).split('\n');

    expect(lines).toHaveLength(KEY_COUNT + 2);
    expect(lines[0]).toBe("'Wide': changed, 1 row replaces 1");
    expect(lines[1]).toBe('  ~ k0: 1 -> 2');
    expect(lines[KEY_COUNT]).toBe('  ~ k150000: 1 -> 2');
  });
});
