/**
 * The duration options end to end: purge's --older-than and the
 * --live-window of set, restore and purge share one grammar, with the
 * unitless and zero rules of each option.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/db.js';
import { tableRows } from './export-support.js';
import { runVarsctl } from './run.js';
import { DAY_SECONDS, seedBotTable } from './seed.js';

const HOUR_SECONDS = 3_600;

describe.each(DIALECTS)('duration options on %s', (dialect) => {
  let db: TestDatabase;
  let state: string;

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    state = mkdtempSync(path.join(tmpdir(), 'varsctl-durations-'));
    await seedBotTable(db, [
      { strategyId: 'TwoDays', variables: '{"a": 1}', ageSeconds: 2 * DAY_SECONDS },
      { strategyId: 'OneDay', variables: '{"a": 2}', ageSeconds: DAY_SECONDS },
      { strategyId: 'OneHour', variables: '{"a": 3}', ageSeconds: HOUR_SECONDS },
      { strategyId: 'OneMinute', variables: '{"a": 4}', ageSeconds: 60 },
    ]);
  });

  afterEach(async () => {
    await db.close();
    rmSync(state, { recursive: true, force: true });
  });

  function varsctl(...args: string[]) {
    return runVarsctl(['--db', db.url, ...args], { env: { XDG_STATE_HOME: state } });
  }

  /** Returns the strategies that a dry-run purge with these options selects. */
  async function selected(...args: string[]): Promise<string[]> {
    const result = await varsctl('--json', 'purge', '--dry-run', ...args);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { strategies: { strategy_id: string }[] };
    return report.strategies.map((entry) => entry.strategy_id).sort();
  }

  it.each([
    ['30h', ['TwoDays']],
    ['1d12h', ['TwoDays']],
    ['1.5d', ['TwoDays']],
    ['1d 12h', ['TwoDays']],
    ['12H', ['OneDay', 'TwoDays']],
    ['50m', ['OneDay', 'OneHour', 'TwoDays']],
    ['50min', ['OneDay', 'OneHour', 'TwoDays']],
    ['90m', ['OneDay', 'TwoDays']],
    ['1w', []],
  ])('--older-than %s selects by age', async (text, expected) => {
    expect(await selected('--older-than', text)).toEqual(expected);
  });

  it.each([
    ['30', '--older-than needs a unit, got "30"'],
    ['0d', '--older-than must be longer than zero, got "0d"'],
    ['3 days', '--older-than must be a duration such as 30s, 5m, 2h or 1d, got "3 days"'],
  ])('--older-than %s is rejected', async (text, message) => {
    const before = await tableRows(db);

    const result = await varsctl('purge', '--older-than', text, '--yes');

    expect(result.exitCode).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(`error: ${message}`);
    expect(result.stderr).toMatch(/^hint: .*for example --older-than 30d/m);
    expect(await tableRows(db)).toEqual(before);
  });

  it.each([
    ['90', 'OneMinute', 4],
    ['1h30m', 'OneHour', 4],
    ['1w', 'OneDay', 4],
    ['2 min', 'OneMinute', 4],
    ['30s', 'OneMinute', 0],
    ['0', 'OneMinute', 0],
  ])('set --live-window %s on %s exits %i', async (text, strategyId, exitCode) => {
    const result = await varsctl('set', strategyId, 'b', '1', '--live-window', text);

    expect(result.exitCode, result.stderr).toBe(exitCode);
    if (exitCode === 4) {
      expect(result.stderr).toMatch(new RegExp(`strategy '${strategyId}' looks live`));
    }
  });

  it('purge --live-window takes the same grammar', async () => {
    const result = await varsctl('purge', 'OneHour', '--live-window', '1h30m', '--yes');

    expect(result.exitCode).toBe(4);
    expect(result.stderr).toMatch(/looks live/);
    expect(await selected('OneHour', '--live-window', '1h30m')).toEqual(['OneHour']);
  });

  it('restore --live-window takes the same grammar', async () => {
    const file = path.join(state, 'export.jsonl');
    expect((await varsctl('export', 'OneHour', '-o', file)).exitCode).toBe(0);

    const live = await varsctl('restore', file, '--yes', '--live-window', '1d2h');
    const quiet = await varsctl('restore', file, '--yes', '--live-window', '1.5m');

    expect(live.exitCode).toBe(4);
    expect(live.stderr).toMatch(/looks live/);
    expect(quiet.exitCode, quiet.stderr).toBe(0);
  });

  it('--live-window rejects an invalid value', async () => {
    const result = await varsctl('set', 'OneDay', 'b', '1', '--live-window', '5 weeks');

    expect(result.exitCode).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe('error: --live-window must be a duration such as 30s, 5m, 2h or 1d, got "5 weeks"');
    expect(result.stderr).toMatch(/^hint: units: ms, s \(or sec\), m \(or min\), h, d, w, combined as in 1d12h; a number without a unit is seconds; for example --live-window 10m$/m);
  });

  it('--wait-backup takes fractions', async () => {
    const result = await varsctl('set', 'OneDay', 'b', '1', '--wait-backup', '1.5s');

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/no backup of strategy 'OneDay' within 1 s; the value is still as written/);
  });
});
