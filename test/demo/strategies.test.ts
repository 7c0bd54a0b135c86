import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { DEMO_STRATEGIES } from '../../src/demo/strategies.js';

const PYTHON = '/usr/bin/python3';

// Loads each text with Python's json module and dumps it again with the
// bot's settings (json.dumps defaults): the result must be the same bytes.
const ROUND_TRIP = `
import json, sys
texts = json.load(sys.stdin)
print(json.dumps([json.dumps(json.loads(text)) == text for text in texts]))
`;

const texts = DEMO_STRATEGIES.flatMap((strategy) => strategy.rows.map((row) => row.variables));

describe('demo strategies', () => {
  it('has 5 to 8 strategies', () => {
    expect(DEMO_STRATEGIES.length).toBeGreaterThanOrEqual(5);
    expect(DEMO_STRATEGIES.length).toBeLessThanOrEqual(8);
  });

  it('has exactly one strategy with duplicate rows', () => {
    const duplicated = DEMO_STRATEGIES.filter((strategy) => strategy.rows.length > 1);
    expect(duplicated.map((strategy) => strategy.strategyId)).toEqual(['PairsTrader']);
  });

  it('spells every text as json.dumps does', { skip: !existsSync(PYTHON) }, () => {
    const result = spawnSync(PYTHON, ['-c', ROUND_TRIP], { input: JSON.stringify(texts), encoding: 'utf8' });

    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(texts.map(() => true));
  });

  it('keeps every text ASCII, as ensure_ascii does', () => {
    for (const text of texts) {
      expect(text).toMatch(/^[\x20-\x7e]*$/);
    }
  });
});
