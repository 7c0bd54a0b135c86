import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { makeReadOnlyFolder } from '../archive/read-only.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/db.js';
import { exportedRows, insertLargeRows, readExport, tableRows, temporaryFiles } from './export-support.js';
import { runVarsctl, startVarsctl } from './run.js';
import { seedBotTable } from './seed.js';

const MOMENTUM = '{"iteration_count": 4, "last_price": 187.99, "notes": null}';
const EDGE = '{"zscore": NaN, "upper_band": Infinity, "big": 18446744073709551621}';
const UNICODE_NAME = 'Стратегия Волатильность 🚀';
const UNICODE = '{"\\u0437\\u0430\\u043c": "\\ud83d\\ude80"}';

describe.each(DIALECTS)('export on %s', (dialect) => {
  let db: TestDatabase;
  let folder: string;

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-export-'));
  });

  afterEach(async () => {
    await db.close();
    rmSync(folder, { recursive: true, force: true });
  });

  function varsctl(...args: string[]) {
    return runVarsctl(['--db', db.url, ...args]);
  }

  async function seedStrategies(): Promise<void> {
    await seedBotTable(db, [
      { strategyId: 'MomentumBot', variables: MOMENTUM },
      { strategyId: 'MeanReversion NaN-Edge', variables: EDGE },
      { strategyId: UNICODE_NAME, variables: UNICODE },
      { strategyId: 'Broken', variables: '\ufeff{"a": 1}' },
      { strategyId: 'Null', variables: null },
    ]);
  }

  it('writes every row to stdout', async () => {
    await seedStrategies();

    const result = await varsctl('export');

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/^exported 6 strategies \(6 rows, [\d.]+ (B|KB)\) to standard output\n$/);
    const rows = exportedRows(await readExport(result.stdoutBytes));
    const stored = await tableRows(db);
    expect(rows.map((row) => [row.strategyId, row.id, row.variables])).toEqual(
      expect.arrayContaining(stored.map((row) => [row.strategy_id, row.id, row.variables])),
    );
    expect(rows).toHaveLength(stored.length);
  });

  it('keeps every text byte for byte', async () => {
    await seedStrategies();

    const result = await varsctl('export');
    const rows = exportedRows(await readExport(result.stdoutBytes));

    const byName = new Map(rows.map((row) => [row.strategyId, row.variables]));
    expect(byName.get('MomentumBot')).toBe(MOMENTUM);
    expect(byName.get('MeanReversion NaN-Edge')).toBe(EDGE);
    expect(byName.get(UNICODE_NAME)).toBe(UNICODE);
    expect(byName.get('Broken')).toBe('\ufeff{"a": 1}');
    expect(byName.get('Null')).toBeNull();
    expect(byName.get('INITIAL VALUE')).toBe('INITIAL VALUE');
  });

  it('records the source in the header', async () => {
    await seedStrategies();

    const result = await varsctl('export');
    const [header] = await readExport(result.stdoutBytes);

    expect(header).toMatchObject({ kind: 'header', header: { source: { dialect, table: 'vars_backup' }, tool: 'varsctl 0.1.0' } });
  });

  it('exports named strategies only', async () => {
    await seedStrategies();

    const result = await varsctl('export', 'MomentumBot', UNICODE_NAME);

    expect(result.exitCode).toBe(0);
    const names = exportedRows(await readExport(result.stdoutBytes)).map((row) => row.strategyId);
    expect(names.sort()).toEqual(['MomentumBot', UNICODE_NAME].sort());
  });

  it('rejects an unknown strategy', async () => {
    await seedStrategies();

    const result = await varsctl('export', 'momentumbot');

    expect(result.exitCode).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/strategy 'momentumbot' not found/);
    expect(result.stderr).toMatch(/did you mean 'MomentumBot'/);
  });

  it('reports a missing table', async () => {
    const result = await varsctl('export', '-o', path.join(folder, 'backup.jsonl'));

    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/table vars_backup not found/);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('writes a file with mode 0600', async () => {
    await seedStrategies();
    const file = path.join(folder, 'backup.jsonl');

    const result = await varsctl('export', '-o', file);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^exported 6 strategies \\(6 rows, .*\\) to ${file}\\n$`));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(exportedRows(await readExport(readFileSync(file)))).toHaveLength(6);
    expect(readdirSync(folder)).toEqual(['backup.jsonl']);
  });

  it('prints a JSON summary with --json', async () => {
    await seedStrategies();
    const file = path.join(folder, 'backup.jsonl');

    const result = await varsctl('--json', 'export', '-o', file);

    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ file, strategies: 6, rows: 6, bytes: statSync(file).size });
  });

  it('rejects --json to stdout', async () => {
    await seedStrategies();

    const result = await varsctl('--json', 'export');

    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
  });

  it('keeps an existing file without --force', async () => {
    await seedStrategies();
    const file = path.join(folder, 'backup.jsonl');
    writeFileSync(file, 'previous backup');

    const result = await varsctl('export', '-o', file);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/the export file .* already exists/);
    expect(result.stderr).toMatch(/hint: add --force/);
    expect(readFileSync(file, 'utf8')).toBe('previous backup');
    expect(readdirSync(folder)).toEqual(['backup.jsonl']);
  });

  it('replaces an existing file with --force', async () => {
    await seedStrategies();
    const file = path.join(folder, 'backup.jsonl');
    writeFileSync(file, 'previous backup');

    const result = await varsctl('export', '-o', file, '--force');

    expect(result.exitCode).toBe(0);
    expect(exportedRows(await readExport(readFileSync(file)))).toHaveLength(6);
  });

  it('expands a date pattern', async () => {
    await seedStrategies();

    const result = await varsctl('export', '-o', path.join(folder, 'backup-%Y%m%d-%H%M%S.jsonl'));

    expect(result.exitCode).toBe(0);
    const [name] = readdirSync(folder);
    expect(name).toMatch(/^backup-\d{8}-\d{6}\.jsonl$/);
    expect(result.stderr).toContain(`to ${path.join(folder, name ?? '')}`);
  });

  it('rejects an unknown pattern conversion', async () => {
    await seedStrategies();

    const result = await varsctl('export', '-o', path.join(folder, 'backup-%Q.jsonl'));

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/unknown conversion "%Q"/);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('prints nothing with -q', async () => {
    await seedStrategies();

    const result = await varsctl('-q', 'export', '-o', path.join(folder, 'backup.jsonl'));

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('');
  });

  it('fails clearly on a full disk', async () => {
    await seedStrategies();

    const result = await varsctl('export', '-o', '/dev/full');

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^error: writing the export to \/dev\/full failed: no space left on the device \(ENOSPC\)$/m);
    expect(temporaryFiles('/dev')).toEqual([]);
  });

  it('fails clearly in a read-only folder', async (context) => {
    await seedStrategies();
    const readOnly = path.join(folder, 'read-only');
    const undo = makeReadOnlyFolder(readOnly);
    if (undo === null) {
      context.skip('cannot make a folder read-only here');
      return;
    }

    try {
      const result = await varsctl('export', '-o', path.join(readOnly, 'backup.jsonl'));

      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(/error: cannot create the export file in .*read-only/);
      expect(readdirSync(readOnly)).toEqual([]);
    } finally {
      undo();
    }
  });

  it('leaves no file after SIGINT', async () => {
    await seedBotTable(db, []);
    await insertLargeRows(db, 1500, 100_000);
    const file = path.join(folder, 'backup.jsonl');

    const running = startVarsctl(['--db', db.url, 'export', '-o', file], { timeoutMs: 60_000 });
    await waitFor(() => temporaryFiles(folder).length > 0 && statSync(path.join(folder, temporaryFiles(folder)[0] ?? '')).size > 0);
    running.child.kill('SIGINT');
    const result = await running.result;

    expect(result.exitCode).toBe(130);
    expect(result.stderr).toMatch(/^error: export interrupted by SIGINT: no file was written$/m);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('leaves no file after SIGTERM', async () => {
    await seedBotTable(db, []);
    await insertLargeRows(db, 1500, 100_000);
    const file = path.join(folder, 'backup.jsonl');

    const running = startVarsctl(['--db', db.url, 'export', '-o', file], { timeoutMs: 60_000 });
    await waitFor(() => temporaryFiles(folder).length > 0 && statSync(path.join(folder, temporaryFiles(folder)[0] ?? '')).size > 0);
    running.child.kill('SIGTERM');
    const result = await running.result;

    expect(result.exitCode).toBe(143);
    expect(result.stderr).toMatch(/export interrupted by SIGTERM/);
    expect(readdirSync(folder)).toEqual([]);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) {
      throw new Error('timed out waiting for the export to start writing');
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
