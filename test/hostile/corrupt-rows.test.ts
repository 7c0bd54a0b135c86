/**
 * `variables` texts the bot cannot load, one strategy each, next to good
 * ones. `show` and `set` on a damaged strategy fail with exit 5, name the
 * strategy and the problem, and write nothing. `list` and `export` still
 * cover every other row and keep the damaged texts byte for byte.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { exportedRows, readExport, tableRows, type RawTableRow } from '../e2e/export-support.js';
import { runVarsctl, type RunResult } from '../e2e/run.js';
import { seedBotTable } from '../e2e/seed.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/db.js';

const GOOD = { Alpha: '{"qty": 1, "symbol": "SPY"}', Omega: '{"price": NaN, "big": 18446744073709551617}' };

/** Damaged texts by strategy, with the reason `list --json` gives for each. */
const DAMAGED: readonly { strategyId: string; variables: string | null; reason: RegExp }[] = [
  { strategyId: 'Truncated', variables: '{"qty": 1, "symbols": ["SPY", "QQ', reason: /unterminated string|expected/ },
  { strategyId: 'Initial', variables: 'INITIAL VALUE', reason: /expected a value/ },
  { strategyId: 'ByteOrderMark', variables: '\ufeff{"qty": 1}', reason: /byte order mark/ },
  { strategyId: 'TrailingGarbage', variables: '{"qty": 1} {"qty": 2}', reason: /extra data|trailing/i },
  { strategyId: 'SqlNull', variables: null, reason: /NULL/ },
  { strategyId: 'TopLevelList', variables: '[{"qty": 1}]', reason: /top-level value is a list/ },
  { strategyId: 'Empty', variables: '', reason: /expected a value|empty/ },
  { strategyId: 'Escapes', variables: '{"qty": "\u001b[2J\u0007"', reason: /./ },
];

interface ListEntry {
  readonly strategy_id: string;
  readonly keys: number | null;
  readonly error: string | null;
}

describe.each(DIALECTS)('damaged variables on %s', (dialect) => {
  let db: TestDatabase;
  let folder: string;
  let before: RawTableRow[];

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-corrupt-'));
    await seedBotTable(db, [
      ...Object.entries(GOOD).map(([strategyId, variables]) => ({ strategyId, variables })),
      ...DAMAGED.map(({ strategyId, variables }) => ({ strategyId, variables })),
    ]);
    before = await tableRows(db);
  });

  afterAll(async () => {
    await db.close();
    rmSync(folder, { recursive: true, force: true });
  });

  function varsctl(...args: string[]): Promise<RunResult> {
    return runVarsctl(['--db', db.url, ...args]);
  }

  it('lists every row with each problem', async () => {
    const result = await varsctl('--json', 'list');

    expect(result.exitCode).toBe(0);
    const entries = new Map((JSON.parse(result.stdout) as ListEntry[]).map((entry) => [entry.strategy_id, entry]));
    expect(entries.get('Alpha')).toMatchObject({ keys: 2, error: null });
    expect(entries.get('Omega')).toMatchObject({ keys: 2, error: null });
    for (const damaged of DAMAGED) {
      expect(entries.get(damaged.strategyId)?.keys).toBeNull();
      expect(entries.get(damaged.strategyId)?.error).toMatch(damaged.reason);
    }
    expect(result.stderr).toContain(`warning: the bot cannot load strategy 'Truncated'`);
  });

  it('lists as a table without raw control characters', async () => {
    const result = await varsctl('list');

    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n').filter((line) => line.startsWith('Alpha') || line.startsWith('Omega'))).toHaveLength(2);
    expect(result.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(result.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it('exports every row byte for byte', async () => {
    const result = await varsctl('export');

    expect(result.exitCode).toBe(0);
    const rows = exportedRows(await readExport(result.stdoutBytes));
    const exported = new Map(rows.map((row) => [row.strategyId, row.variables]));
    for (const damaged of DAMAGED) {
      expect(exported.get(damaged.strategyId)).toBe(damaged.variables);
    }
    expect(exported.get('Alpha')).toBe(GOOD.Alpha);
    expect(rows).toHaveLength(before.length);
  });

  it('restores damaged rows unchanged', async () => {
    const file = path.join(folder, 'export.jsonl');
    expect((await varsctl('export', '-o', file)).exitCode).toBe(0);
    const target = path.join(folder, `restored-${dialect}.db`);
    new Database(target).close();

    const result = await runVarsctl(['--db', `sqlite:///${target}`, 'restore', file, '--yes']);

    expect(result.exitCode).toBe(0);
    const restored = new Database(target, { readonly: true });
    try {
      const rows = restored.prepare('SELECT strategy_id, variables FROM vars_backup').all() as { strategy_id: string; variables: string | null }[];
      const byName = new Map(rows.map((row) => [row.strategy_id, row.variables]));
      for (const damaged of DAMAGED) {
        expect(byName.get(damaged.strategyId)).toBe(damaged.variables);
      }
    } finally {
      restored.close();
    }
    expect(readFileSync(file).length).toBeGreaterThan(0);
  });

  it.each(DAMAGED.map((damaged) => damaged.strategyId))('show %s exits 5', async (strategyId) => {
    const result = await varsctl('show', strategyId);

    expect(result.exitCode).toBe(5);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^error: the variables of strategy '${strategyId}' (cannot be parsed|are NULL)`, 'm'));
    expect(result.stderr).toMatch(/^hint: /m);
    expect(result.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  // set reads through the same parse as show, so three kinds of damage stand for all.
  it.each(['Truncated', 'SqlNull', 'TopLevelList'])('set %s exits 5 and writes nothing', async (strategyId) => {
    const result = await varsctl('set', strategyId, 'qty', '2', '--force');

    expect(result.exitCode).toBe(5);
    expect(result.stderr).toMatch(new RegExp(`^error: the variables of strategy '${strategyId}'`, 'm'));
    expect(await tableRows(db)).toEqual(before);
  });

  it('shows the good strategies', async () => {
    const result = await varsctl('show', 'Omega', 'big');

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('18446744073709551617\n');
  });
});
