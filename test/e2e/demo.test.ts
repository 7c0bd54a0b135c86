import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DEMO_STRATEGIES } from '../../src/demo/strategies.js';
import { refbotLoad, refbotMissingReason } from '../interop/support/refbot.js';
import { runVarsctl } from './run.js';

const BOT_DDL = 'CREATE TABLE vars_backup (\n\tid TEXT, \n\tlast_updated TIMESTAMP, \n\tvariables TEXT, \n\tstrategy_id TEXT\n)';
const BOT_INDEX = 'CREATE INDEX ix_vars_backup_id ON vars_backup (id)';
const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface DemoRow {
  id: string;
  last_updated: string;
  kind: string;
  variables: string;
  strategy_id: string;
}

describe('demo', () => {
  let folder: string;
  let file: string;

  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-demo-test-'));
    file = path.join(folder, 'demo.db');
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  function readDemo(): { schema: string[]; rows: DemoRow[] } {
    const database = new Database(file, { readonly: true });
    try {
      const schema = database.prepare('SELECT sql FROM sqlite_master ORDER BY type DESC').pluck().all() as string[];
      const rows = database
        .prepare('SELECT id, last_updated, typeof(last_updated) AS kind, variables, strategy_id FROM vars_backup ORDER BY rowid')
        .all() as DemoRow[];
      return { schema, rows };
    } finally {
      database.close();
    }
  }

  it('creates the file and says how to use it', async () => {
    const result = await runVarsctl(['demo', file]);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`created ${file}: 7 strategies in 8 rows, plus the placeholder row\n`);
    expect(result.stderr).toContain(`  export DB_CONNECTION_STR=sqlite:///${file}\n`);
  });

  it("uses the bot's own table layout", async () => {
    await runVarsctl(['demo', file]);

    const { schema } = readDemo();

    expect(schema).toEqual([BOT_DDL, BOT_INDEX]);
  });

  it('writes rows as the bot does', async () => {
    await runVarsctl(['demo', file]);

    const { rows } = readDemo();
    const [placeholder, ...strategies] = rows;

    expect(placeholder?.strategy_id).toBe('INITIAL VALUE');
    expect(placeholder?.variables).toBe('INITIAL VALUE');
    expect(placeholder?.last_updated).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    expect(strategies).toHaveLength(8);
    for (const row of rows) {
      expect(row.id).toMatch(UUID4);
      expect(row.kind).toBe('text');
    }
    for (const row of strategies) {
      expect(row.last_updated).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?-0[45]:00$/);
    }
    const texts = DEMO_STRATEGIES.flatMap((strategy) => strategy.rows.map((row) => row.variables));
    expect(strategies.map((row) => row.variables).sort()).toEqual([...texts].sort());
  });

  it('rejects overwriting a file', async () => {
    writeFileSync(file, 'precious');

    const result = await runVarsctl(['demo', file]);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      `error: ${file} already exists; the demo does not overwrite files\n` +
        'hint: add --force to replace it, or give another path: varsctl demo other.db\n',
    );
    expect(readFileSync(file, 'utf8')).toBe('precious');
  });

  it('replaces a file with --force', async () => {
    writeFileSync(file, 'precious');

    const result = await runVarsctl(['demo', file, '--force']);

    expect(result.exitCode).toBe(0);
    expect(readDemo().rows).toHaveLength(9);
  });

  it('creates ./varsctl-demo.db by default', async () => {
    const result = await runVarsctl(['demo'], { cwd: folder });

    expect(result.exitCode).toBe(0);
    expect(existsSync(path.join(folder, 'varsctl-demo.db'))).toBe(true);
    expect(result.stderr).toContain('export DB_CONNECTION_STR=sqlite:///varsctl-demo.db\n');
  });

  it('reports a folder that does not exist', async () => {
    const result = await runVarsctl(['demo', path.join(folder, 'missing', 'demo.db')]);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^error: could not create the demo database .*missing\/demo\.db/);
  });

  it('lists as a live bot table', async () => {
    await runVarsctl(['demo', file]);

    const result = await runVarsctl(['list'], { env: { DB_CONNECTION_STR: `sqlite:///${file}` } });

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^MomentumBot\s+1\s.*\s\d+ s ago\s+13\s/m);
    expect(result.stdout).toMatch(/^PairsTrader\s+2 \(duplicates\)\s/m);
    expect(result.stdout).toMatch(/^INITIAL VALUE\s.*placeholder row/m);
  });

  it('makes MomentumBot look live to set', async () => {
    await runVarsctl(['demo', file]);

    const result = await runVarsctl(['set', 'MomentumBot', 'position_qty', '200'], { env: { DB_CONNECTION_STR: `sqlite:///${file}` } });

    expect(result.exitCode).toBe(4);
    expect(result.stderr).toMatch(/^error: strategy 'MomentumBot' looks live/);
  });

  it('shows list and a strategy with --temp --show', async () => {
    const result = await runVarsctl(['demo', '--temp', '--show']);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^STRATEGY\s+ROWS/);
    expect(result.stdout).toMatch(/^KEY\s+TYPE\s+VALUE$/m);
    expect(result.stdout).toMatch(/^last_order_id\s+int\s+9007199254741001$/m);
    expect(result.stderr).toContain('$ varsctl list');
    expect(result.stderr).toContain('$ varsctl show MomentumBot');

    const created = /created (\S+varsctl-demo\.db):/.exec(result.stderr)?.[1] ?? '';
    expect(existsSync(created)).toBe(true);
    rmSync(path.dirname(created), { recursive: true, force: true });
  });

  it.skipIf(refbotMissingReason() !== null)('holds state the bot loads', async () => {
    await runVarsctl(['demo', file]);

    for (const strategy of DEMO_STRATEGIES) {
      const loaded = await refbotLoad(`sqlite:///${file}`, strategy.strategyId);
      expect(loaded.error).toBeNull();
      expect(loaded.loaded).toBe(true);
    }
    const edge = await refbotLoad(`sqlite:///${file}`, 'MeanReversion NaN-Edge');
    expect(edge.vars['review_date']?.type).toBe('date');
    expect(edge.vars['zscore']?.repr).toBe('nan');
    expect(edge.vars['order_ids']?.repr).toBe('[9007199254740993, 18446744073709551623, -9223372036854775808]');
  });
});
