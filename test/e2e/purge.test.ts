import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createTestDatabase, DIALECTS, insertRow, type TestDatabase } from '../support/db.js';
import { tableRows } from './export-support.js';
import { runVarsctl } from './run.js';
import { botTimestamp, DAY_SECONDS, seedBotTable } from './seed.js';

const MOMENTUM = '{"iteration_count": 4, "last_price": 187.99, "notes": null}';

describe.each(DIALECTS)('purge on %s', (dialect) => {
  let db: TestDatabase;
  let state: string;
  let purgedFolder: string;

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    state = mkdtempSync(path.join(tmpdir(), 'varsctl-state-'));
    purgedFolder = path.join(state, 'varsctl', 'purged');
    await seedBotTable(db, [
      { strategyId: 'MomentumBot', variables: MOMENTUM, ageSeconds: 40 * DAY_SECONDS },
      { strategyId: 'OldWheel', variables: '{"phase": NaN}', ageSeconds: 100 * DAY_SECONDS },
      { strategyId: 'Recent', variables: '{"a": 1}', ageSeconds: 2 * DAY_SECONDS },
      { strategyId: 'Live', variables: '{"a": 2}', ageSeconds: 5 },
    ]);
    await insertRow(db, { id: 'dup', last_updated: null, variables: MOMENTUM, strategy_id: 'MomentumBot' });
  });

  afterEach(async () => {
    await db.close();
    rmSync(state, { recursive: true, force: true });
  });

  function varsctl(...args: string[]) {
    return runVarsctl(['--db', db.url, ...args], { env: { XDG_STATE_HOME: state } });
  }

  async function strategyIds(): Promise<string[]> {
    return [...new Set((await tableRows(db)).map((row) => row.strategy_id ?? ''))].sort();
  }

  function backupFiles(): string[] {
    return existsSync(purgedFolder) ? readdirSync(purgedFolder) : [];
  }

  it('requires a selector', async () => {
    const result = await varsctl('purge', '--yes');

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/purge needs at least one selector/);
    expect(await strategyIds()).toHaveLength(5);
  });

  it('deletes a named strategy', async () => {
    const result = await varsctl('purge', 'MomentumBot', '--yes');

    expect(result.exitCode, result.stderr).toBe(0);
    expect(await strategyIds()).toEqual(['INITIAL VALUE', 'Live', 'OldWheel', 'Recent']);
    expect(result.stderr).toMatch(/^STRATEGY\s+ROWS\s+LAST BACKUP \(NEW YORK\)\s+AGE\s+SELECTED BY$/m);
    expect(result.stderr).toMatch(/^MomentumBot\s+2\s+.*40 d ago\s+named$/m);
    expect(result.stderr).toMatch(/purged 1 strategy \(2 rows\) from /);
  });

  it('keeps a backup that restore brings back', async () => {
    const before = await tableRows(db);

    const result = await varsctl('-q', 'purge', 'MomentumBot', 'OldWheel', '--yes');

    expect(result.exitCode, result.stderr).toBe(0);
    const [name] = backupFiles();
    expect(name).toMatch(/^purged-\d{8}-\d{6}-.*\.jsonl$/);
    const file = path.join(purgedFolder, name ?? '');
    expect(result.stderr).toBe(`saved the purged rows to ${file}; varsctl restore ${file} brings them back\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(purgedFolder).mode & 0o777).toBe(0o700);

    const restored = await varsctl('restore', file);
    expect(restored.exitCode, restored.stderr).toBe(0);
    expect(await tableRows(db)).toEqual(before);
  });

  it('selects by age with --older-than', async () => {
    const result = await varsctl('purge', '--older-than', '30d', '--yes');

    expect(result.exitCode, result.stderr).toBe(0);
    expect(await strategyIds()).toEqual(['INITIAL VALUE', 'Live', 'Recent']);
    expect(result.stderr).toMatch(/^OldWheel\s+1\s+.*100 d ago\s+older-than$/m);
  });

  it('combines selectors as a union', async () => {
    const result = await varsctl('purge', 'Recent', '--older-than', '50d', '--placeholder', '--yes');

    expect(result.exitCode, result.stderr).toBe(0);
    expect(await strategyIds()).toEqual(['Live', 'MomentumBot']);
  });

  it('deletes the placeholder row', async () => {
    const result = await varsctl('purge', '--placeholder', '--yes');

    expect(result.exitCode, result.stderr).toBe(0);
    expect(await strategyIds()).toEqual(['Live', 'MomentumBot', 'OldWheel', 'Recent']);
    expect(result.stderr).toMatch(/^INITIAL VALUE\s+1\s+.*placeholder$/m);
  });

  it('keeps the live check for real states under the placeholder name', async () => {
    await insertRow(db, { id: 'named-initial', last_updated: botTimestamp(db, 5), variables: '{"x": 1}', strategy_id: 'INITIAL VALUE' });

    const result = await varsctl('purge', '--placeholder', '--yes');

    expect(result.exitCode).toBe(4);
    expect(result.stderr).toMatch(/INITIAL VALUE.*live|live.*INITIAL VALUE/s);
    expect(await strategyIds()).toEqual(['INITIAL VALUE', 'Live', 'MomentumBot', 'OldWheel', 'Recent']);
  });

  it('succeeds when nothing matches', async () => {
    const result = await varsctl('purge', '--older-than', '1000d', '--yes');

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('nothing to purge: no strategy matches the selectors\n');
    expect(backupFiles()).toEqual([]);
  });

  it('names a strategy of unknown age it skipped', async () => {
    await insertRow(db, { id: 'no-time', last_updated: null, variables: '{"a": 3}', strategy_id: 'NoTime' });

    const result = await varsctl('purge', '--older-than', '1000d', '--yes');

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain("--older-than skipped 1 strategy whose last_updated is not a readable time: 'NoTime'; name it to purge it");
    expect(await strategyIds()).toContain('NoTime');
  });

  it('skips the backup with --no-backup', async () => {
    const result = await varsctl('purge', 'OldWheel', '--yes', '--no-backup');

    expect(result.exitCode, result.stderr).toBe(0);
    expect(await strategyIds()).not.toContain('OldWheel');
    expect(backupFiles()).toEqual([]);
    expect(result.stderr).not.toMatch(/saved the purged rows/);
  });

  it('writes the backup to --backup-dir', async () => {
    const folder = path.join(state, 'elsewhere', 'purged');

    const result = await varsctl('purge', 'OldWheel', '--yes', '--backup-dir', folder);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(readdirSync(folder)).toHaveLength(1);
    expect(backupFiles()).toEqual([]);
  });

  it('changes nothing with --dry-run', async () => {
    const before = await tableRows(db);

    const result = await varsctl('purge', '--older-than', '30d', '--dry-run');

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/^MomentumBot\s+2\s/m);
    expect(result.stderr).toMatch(/dry run: would purge 2 strategies \(3 rows\); nothing was deleted/);
    expect(await tableRows(db)).toEqual(before);
    expect(backupFiles()).toEqual([]);
  });

  it('names a live strategy in a dry run', async () => {
    const result = await varsctl('purge', 'Live', 'OldWheel', '--dry-run');

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain("warning: 1 strategy looks live (a backup within the live window): 'Live'; the purge would stop there unless given --force");
    expect(await strategyIds()).toContain('Live');
  });

  it('prints JSON with --json', async () => {
    const result = await varsctl('--json', 'purge', '--older-than', '30d', '--yes');

    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ dry_run: false, deleted: true, rows: 3 });
    expect(report.backup).toMatch(/purged-.*\.jsonl$/);
    expect(report.strategies.map((entry: { strategy_id: string }) => entry.strategy_id)).toEqual(['OldWheel', 'MomentumBot']);
    expect(report.strategies[0]).toMatchObject({ rows: 1, selected_by: ['older-than'] });
    expect(report.strategies[0].last_updated_iso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('requires --yes without a terminal', async () => {
    const before = await tableRows(db);

    const result = await runVarsctl(['--db', db.url, 'purge', 'OldWheel'], { env: { XDG_STATE_HOME: state }, input: 'y\n' });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/purge needs a confirmation, but there is no terminal to ask on/);
    expect(await tableRows(db)).toEqual(before);
    expect(backupFiles()).toEqual([]);
  });

  it('rejects an unknown strategy', async () => {
    const result = await varsctl('purge', 'oldwheel', '--yes');

    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/did you mean 'OldWheel'/);
    expect(await strategyIds()).toHaveLength(5);
  });

  it('needs --force for a live strategy', async () => {
    const rejected = await varsctl('purge', 'Live', '--yes');
    expect(rejected.exitCode).toBe(4);
    expect(rejected.stderr).toMatch(/strategy 'Live' looks live/);
    expect(await strategyIds()).toContain('Live');

    const forced = await varsctl('purge', 'Live', '--yes', '--force');
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(await strategyIds()).not.toContain('Live');
  });

  it('rejects an invalid duration', async () => {
    const result = await varsctl('purge', '--older-than', '30', '--yes');

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--older-than needs a unit, got "30"/);
  });
});
