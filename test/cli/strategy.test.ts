import { describe, expect, it } from 'vitest';

import { levenshtein, suggestNames } from '../../src/cli/strategy.js';

const NAMES = ['MomentumBot', 'OptionsWheel', 'Стратегия Волатильность 🚀', 'MeanReversion NaN-Edge', 'crypto-grid.bot v2', 'INITIAL VALUE'];

describe('suggestNames', () => {
  it('finds a name that differs in case', () => {
    expect(suggestNames('momentumbot', NAMES)).toEqual(['MomentumBot']);
  });

  it('finds a name with a trailing space', () => {
    expect(suggestNames('MomentumBot ', NAMES)).toEqual(['MomentumBot']);
  });

  it('finds a misspelled name', () => {
    expect(suggestNames('MomentunBot', NAMES)).toEqual(['MomentumBot']);
    expect(suggestNames('OptionWheel', NAMES)).toEqual(['OptionsWheel']);
  });

  it('finds a name that contains the request', () => {
    expect(suggestNames('crypto', NAMES)).toEqual(['crypto-grid.bot v2']);
  });

  it('finds a non-ASCII name without the emoji', () => {
    expect(suggestNames('стратегия волатильность', NAMES)).toEqual(['Стратегия Волатильность 🚀']);
  });

  it('suggests nothing for an unrelated name', () => {
    expect(suggestNames('Zebra', NAMES)).toEqual([]);
  });

  it('puts the nearest first and keeps at most the limit', () => {
    const names = ['bot1', 'bot2', 'bot12', 'Bot1'];
    expect(suggestNames('bot1', names, 2)).toEqual(['Bot1', 'bot12']);
  });

  it('never suggests the name itself', () => {
    expect(suggestNames('MomentumBot', NAMES)).toEqual([]);
  });
});

describe('levenshtein', () => {
  it('counts edits', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('abc', 'abc')).toBe(0);
  });

  it('counts an emoji as one character', () => {
    expect(levenshtein('a🚀', 'a🐻')).toBe(1);
  });
});
