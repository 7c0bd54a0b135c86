/**
 * varsctl against a running bot: the reference bot's loop (load, change,
 * back up, idle) runs on one strategy while spawned varsctl processes set,
 * export and restore it. The database records every write in order (see
 * support/history.ts), and the bot logs every state it wrote, so the checks
 * below compare three independent records.
 *
 * A lost update shows in `counter`. The bot increments it once per
 * iteration from the value it loads. Suppose a varsctl write carried an
 * older counter (a write made from a stale read). The bot would then count
 * on from that older value, so the count would end below the number of
 * iterations, and the history would show the counter going down.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';

import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, type TestContext } from 'vitest';

import { fileInput, readArchive } from '../../src/archive/index.js';
import { setVariable } from '../../src/cli/set-variable.js';
import { ConflictError } from '../../src/errors.js';
import { openStore, type RestoreRow, type Store } from '../../src/store/index.js';
import { parseValue } from '../../src/vars/index.js';
import { runVarsctl, type RunResult } from '../e2e/run.js';
import { readVariables, seedBotTable } from '../e2e/seed.js';
import { refbotLoad, refbotMissingReason } from '../interop/support/refbot.js';
import { titled } from '../interop/support/skip.js';
import { createTestDatabase, DIALECTS, requireRealPostgres, type TestDatabase } from '../support/db.js';
import { installHistory, readHistory, type HistoryEntry } from './support/history.js';
import { LiveBot, sleep, type BotEvent } from './support/live-bot.js';
import { runPool } from './support/pool.js';

const STRATEGY = 'LiveBot';
const SIDECAR = 'Sidecar';
const SIDECAR_TEXT = '{"qty": 1, "symbol": "SPY"}';
/** The keys the bot itself changes every iteration; varsctl's sets use `note_N` keys. */
const BOT_KEYS = ['counter', 'price', 'stamp'] as const;

const COMMANDS = 64;
const CONCURRENCY = 4;

// Generous, because every command is a process start and the suite shares two cores.
const STORM_TIMEOUT_MS = 240_000;

const refbotReason = refbotMissingReason();

type Command =
  | { readonly kind: 'set'; readonly key: string; readonly value: number; readonly args: string[] }
  | { readonly kind: 'export'; readonly file: string; readonly args: string[] }
  | { readonly kind: 'restore-live' | 'restore-other'; readonly args: string[] };

type Finished = Command & { readonly result: RunResult };

type Variables = Record<string, unknown>;

/**
 * What `set --wait-backup` reported. A set can also meet a bot backup
 * between its own read and write: then it writes nothing and exits 4
 * before any waiting (`conflict`).
 */
type WaitOutcome = 'survived' | 'overwritten' | 'conflict' | 'unexpected';

function waitOutcome(result: RunResult): WaitOutcome {
  if (result.exitCode === 0) {
    return 'survived';
  }
  if (result.exitCode === 4 && /error: the bot's backup .* over \d+: it had loaded its variables before the set landed/.test(result.stderr)) {
    return 'overwritten';
  }
  if (result.exitCode === 4 && /changed since it was read; nothing was written/.test(result.stderr)) {
    return 'conflict';
  }
  return 'unexpected';
}

function parse(text: string | null): Variables {
  return JSON.parse(text ?? 'null') as Variables;
}

function counterOf(text: string | null): number {
  return parse(text)['counter'] as number;
}

function withoutKey(variables: Variables, key: string): Variables {
  const copy = { ...variables };
  delete copy[key];
  return copy;
}

function describeRun(finished: Finished): string {
  return `${finished.args.join(' ')} -> exit ${finished.result.exitCode}: ${finished.result.stderr.trim()}`;
}

/** Builds the mixed command sequence: 5 sets, an export, a restore of the live strategy and one of another, repeated. */
function buildCommands(folder: string, before: string): Command[] {
  const commands: Command[] = [];
  for (let index = 0; index < COMMANDS; index += 1) {
    const slot = index % 8;
    if (slot < 5) {
      const key = `note_${index}`;
      commands.push({ kind: 'set', key, value: index, args: ['set', STRATEGY, key, String(index), '--force'] });
    } else if (slot === 5) {
      const file = path.join(folder, `export-${index}.jsonl`);
      commands.push({ kind: 'export', file, args: ['export', '-o', file] });
    } else if (slot === 6) {
      commands.push({ kind: 'restore-live', args: ['restore', before, STRATEGY, '--yes'] });
    } else {
      commands.push({ kind: 'restore-other', args: ['restore', before, SIDECAR, '--yes'] });
    }
  }
  return commands;
}

describe.skipIf(refbotReason !== null).each(DIALECTS)(titled('live bot on %s', refbotReason), (dialect) => {
  let db: TestDatabase | undefined;
  let folder: string;
  let bot: LiveBot | undefined;

  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-live-'));
  });

  afterEach(async () => {
    bot?.kill();
    bot = undefined;
    await db?.close();
    db = undefined;
    rmSync(folder, { recursive: true, force: true });
  });

  /** Creates a database with the live strategy at counter 0, a second strategy, and the write history on. */
  async function seed(context: TestContext): Promise<TestDatabase> {
    if (dialect === 'postgresql') {
      requireRealPostgres(context);
    }
    const created = await createTestDatabase(dialect);
    db = created;
    await seedBotTable(created, [
      { strategyId: STRATEGY, variables: '{"counter": 0}' },
      { strategyId: SIDECAR, variables: SIDECAR_TEXT },
    ]);
    await installHistory(created);
    return created;
  }

  function varsctl(database: TestDatabase, ...args: string[]): Promise<RunResult> {
    return runVarsctl(['--db', database.url, ...args], { timeoutMs: 60_000 });
  }

  it('keeps every backup while varsctl writes', async (context) => {
    const database = await seed(context);
    const before = path.join(folder, 'before.jsonl');
    expect((await varsctl(database, 'export', '-o', before)).exitCode).toBe(0);

    bot = LiveBot.start(database.url, STRATEGY, path.join(folder, 'bot.jsonl'), { workMs: 5, idleMs: 30 });
    await bot.waitForBackups(3);
    const running = bot;
    const commands = buildCommands(folder, before);
    const finished = await runPool(
      commands.map((command) => async (): Promise<Finished> => ({ ...command, result: await varsctl(database, ...command.args) })),
      CONCURRENCY,
    );
    const botResult = await running.stop();
    const events = running.events();

    // The bot: every iteration loaded and backed up, and its count is whole.
    expect(events.filter((event) => event.event === 'load' && event.status !== 'loaded')).toEqual([]);
    expect(events.filter((event) => event.event === 'backup' && event.status !== 'updated')).toEqual([]);
    expect(botResult.counter).toBe(botResult.iterations);
    expect(counterOf(await readVariables(database, STRATEGY))).toBe(botResult.iterations);

    // varsctl: each command either did its work or reported a conflict.
    const sets = finished.filter((command) => command.kind === 'set');
    const applied = sets.filter((command) => command.result.exitCode === 0);
    const conflicts = sets.filter((command) => command.result.exitCode === 4);
    expect(sets.filter((command) => command.result.exitCode !== 0 && command.result.exitCode !== 4).map(describeRun)).toEqual([]);
    expect(conflicts.filter((command) => !/changed since it was read; nothing was written/.test(command.result.stderr)).map(describeRun)).toEqual([]);
    expect(applied.length).toBeGreaterThan(0);

    const exports = finished.filter((command) => command.kind === 'export');
    expect(exports.filter((command) => command.result.exitCode !== 0).map(describeRun)).toEqual([]);
    const liveRestores = finished.filter((command) => command.kind === 'restore-live');
    expect(liveRestores.filter((command) => command.result.exitCode !== 4 || !/looks live/.test(command.result.stderr)).map(describeRun)).toEqual([]);
    const otherRestores = finished.filter((command) => command.kind === 'restore-other');
    expect(otherRestores.filter((command) => command.result.exitCode !== 0).map(describeRun)).toEqual([]);
    expect(await readVariables(database, SIDECAR)).toBe(SIDECAR_TEXT);

    const history = await readHistory(database, STRATEGY);
    const botTexts = new Set(events.filter((event) => event.event === 'backup').map((event) => event.text));
    const setValues = new Map(sets.map((command) => [command.key, command.value]));
    const appliedKeys = new Set(applied.map((command) => command.key));

    expect(historyProblems(history, botTexts, setValues, appliedKeys, dialect)).toEqual([]);
    expect(finalStateProblems(parse(await readVariables(database, STRATEGY)), appliedKeys, setValues)).toEqual([]);

    // Each applied set is in the history, each conflicting one nowhere.
    const written = new Set(history.flatMap((entry) => Object.keys(parse(entry.variables))));
    expect(applied.filter((command) => !written.has(command.key)).map(describeRun)).toEqual([]);
    expect(conflicts.filter((command) => written.has(command.key)).map(describeRun)).toEqual([]);

    const exportFiles = exports.map((command) => command.file);
    expect(await exportProblems(exportFiles, history, events, setValues, appliedKeys)).toEqual([]);
  }, STORM_TIMEOUT_MS);

  it('rejects a stale read of counter', async (context) => {
    const database = await seed(context);
    bot = LiveBot.start(database.url, STRATEGY, path.join(folder, 'bot.jsonl'), { workMs: 5, idleMs: 30 });
    const running = bot;
    await running.waitForBackups(2);
    const store = await openStore({ url: database.url, table: 'vars_backup', lockTimeoutMs: 5000 });

    // The hook runs between the read and the compare-and-swap, and waits for
    // one more bot backup, so the read is stale by the time of the write.
    const waitForNextBackup = async () => {
      const seen = running.backups().length;
      while (running.backups().length <= seen) {
        await sleep(5);
      }
    };

    try {
      for (const key of ['counter', 'note_stale']) {
        const request = {
          strategyId: STRATEGY,
          change: { kind: 'set' as const, key, value: parseValue('1000') },
          create: false,
          force: true,
          liveWindowMs: 300_000,
          dryRun: false,
          nowMs: Date.now(),
        };
        await expect(setVariable(store, request, { beforeWrite: waitForNextBackup })).rejects.toBeInstanceOf(ConflictError);
      }
    } finally {
      await store.close();
    }

    const botResult = await running.stop();
    expect(botResult.counter).toBe(botResult.iterations);
    const history = await readHistory(database, STRATEGY);
    expect(history.filter((entry) => entry.variables?.includes('1000'))).toEqual([]);
  });

  it('reports whether a set survived the next backup', async (context) => {
    const database = await seed(context);
    // Half of each iteration lies between the bot's load and its backup, so
    // some sets land there and are overwritten, and the rest survive.
    bot = LiveBot.start(database.url, STRATEGY, path.join(folder, 'bot.jsonl'), { workMs: 200, idleMs: 200 });
    const running = bot;
    await running.waitForBackups(1);

    const attempts: { key: string; result: RunResult; outcome: WaitOutcome }[] = [];
    for (let index = 0; index < 12; index += 1) {
      const key = `wait_${index}`;
      const result = await varsctl(database, 'set', STRATEGY, key, String(index), '--force', '--wait-backup', '20s');
      attempts.push({ key, result, outcome: waitOutcome(result) });

      const outcomes = new Set(attempts.map((attempt) => attempt.outcome));
      if (attempts.length >= 4 && outcomes.has('survived') && outcomes.has('overwritten')) {
        break;
      }
    }
    const botResult = await running.stop();
    const final = parse(await readVariables(database, STRATEGY));
    const keysWith = (outcome: WaitOutcome) => attempts.filter((attempt) => attempt.outcome === outcome).map((attempt) => attempt.key);

    expect(attempts.filter((attempt) => attempt.outcome === 'unexpected').map((attempt) => attempt.result.stderr)).toEqual([]);
    expect(keysWith('survived').length).toBeGreaterThan(0);
    expect(keysWith('overwritten').length).toBeGreaterThan(0);

    // The report matches what the bot did: a survivor was loaded and stays,
    // an overwritten value never came back.
    expect(keysWith('survived').filter((key) => !(key in final))).toEqual([]);
    expect([...keysWith('overwritten'), ...keysWith('conflict')].filter((key) => key in final)).toEqual([]);
    expect(botResult.counter).toBe(botResult.iterations);
  }, STORM_TIMEOUT_MS);

  it('times out waiting for a stopped bot', async (context) => {
    const database = await seed(context);

    const result = await varsctl(database, 'set', STRATEGY, 'qty', '5', '--wait-backup', '1s');

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/error: no backup of strategy 'LiveBot' within 1 s; the value is still as written/);
    expect(parse(await readVariables(database, STRATEGY))['qty']).toBe(5);
  });
});

/**
 * Checks the recorded writes of the live strategy. The counter never goes
 * down, and every write that is not a bot backup is one applied set on top
 * of the state just before it. So only a bot backup ever drops a key.
 */
function historyProblems(
  history: readonly HistoryEntry[],
  botTexts: ReadonlySet<string | null>,
  setValues: ReadonlyMap<string, number>,
  appliedKeys: ReadonlySet<string>,
  dialect: string,
): string[] {
  const problems: string[] = [];

  for (let index = 1; index < history.length; index += 1) {
    const previous = history[index - 1] as HistoryEntry;
    const current = history[index] as HistoryEntry;
    const before = parse(previous.variables);
    const after = parse(current.variables);
    const where = `write ${current.seq} (${current.variables})`;

    if (counterOf(current.variables) < counterOf(previous.variables)) {
      problems.push(`${where}: counter went down from ${counterOf(previous.variables)}`);
    }
    if (botTexts.has(current.variables)) {
      continue;
    }

    if (dialect === 'postgresql' && current.writer !== 'varsctl') {
      problems.push(`${where}: written by "${current.writer}", which is neither the bot's logged state nor varsctl`);
    }
    const added = Object.keys(after).filter((key) => !(key in before));
    const key = added[0];
    if (added.length !== 1 || key === undefined || !appliedKeys.has(key)) {
      problems.push(`${where}: not one applied set on top of write ${previous.seq}; added ${JSON.stringify(added)}`);
      continue;
    }
    if (after[key] !== setValues.get(key) || !isDeepStrictEqual(withoutKey(after, key), before)) {
      problems.push(`${where}: not exactly write ${previous.seq} plus ${key}`);
    }
  }
  return problems;
}

/** Lists the note keys of a state that no applied set wrote with that value. */
function finalStateProblems(final: Variables, appliedKeys: ReadonlySet<string>, setValues: ReadonlyMap<string, number>): string[] {
  return Object.keys(final)
    .filter((key) => !BOT_KEYS.includes(key as (typeof BOT_KEYS)[number]))
    .filter((key) => !appliedKeys.has(key) || final[key] !== setValues.get(key))
    .map((key) => `final state holds ${key} = ${JSON.stringify(final[key])}, which no applied set wrote`);
}

/**
 * Restores every export taken during the run into a fresh SQLite database
 * and checks the live strategy there. Its text must be one the table really
 * held, and its bot keys those of the bot backup with the same counter.
 * The last export goes through the restore command and must load in the
 * bot. The others go through the store call that command makes, which
 * saves a process start each.
 */
async function exportProblems(
  files: readonly string[],
  history: readonly HistoryEntry[],
  events: readonly BotEvent[],
  setValues: ReadonlyMap<string, number>,
  appliedKeys: ReadonlySet<string>,
): Promise<string[]> {
  const folder = mkdtempSync(path.join(tmpdir(), 'varsctl-live-restore-'));
  const file = path.join(folder, 'restored.db');
  new Database(file).close();
  const url = `sqlite:///${file}`;
  const store = await openStore({ url, table: 'vars_backup', lockTimeoutMs: 5000 });
  const verify = new Database(file, { readonly: true, fileMustExist: true });
  const heldTexts = new Set(history.map((entry) => entry.variables));
  const backups = new Map(events.filter((event) => event.event === 'backup').map((event) => [event.counter, parse(event.text)]));
  const problems: string[] = [];

  try {
    for (const [index, exportFile] of files.entries()) {
      if (index < files.length - 1) {
        await restoreThroughStore(store, exportFile);
      } else {
        const restored = await runVarsctl(['--db', url, 'restore', exportFile, '--yes', '--force']);
        if (restored.exitCode !== 0) {
          problems.push(`${exportFile}: restore exited ${restored.exitCode}: ${restored.stderr}`);
          continue;
        }
      }

      const row = verify.prepare('SELECT variables FROM vars_backup WHERE strategy_id = ?').all(STRATEGY) as { variables: string }[];
      const text = row.length === 1 ? (row[0]?.variables ?? null) : null;
      if (!heldTexts.has(text)) {
        problems.push(`${exportFile}: ${text} is not a state the table held`);
        continue;
      }

      const variables = parse(text);
      const botState = backups.get(variables['counter'] as number);
      for (const key of BOT_KEYS) {
        if (botState === undefined || !isDeepStrictEqual(variables[key], botState[key])) {
          problems.push(`${exportFile}: ${key} = ${JSON.stringify(variables[key])} is not what the bot wrote with that counter`);
        }
      }
      problems.push(...finalStateProblems(variables, appliedKeys, setValues).map((problem) => `${exportFile}: ${problem}`));
    }

    const loaded = await refbotLoad(url, STRATEGY);
    if (!loaded.loaded) {
      problems.push(`the bot cannot load the last restored export: ${loaded.error}`);
    }
  } finally {
    verify.close();
    await store.close();
    rmSync(folder, { recursive: true, force: true });
  }
  return problems;
}

/** Reads and verifies a whole export, then replaces its strategies in `store` as the restore command does. */
async function restoreThroughStore(store: Store, exportFile: string): Promise<void> {
  const input = await fileInput(exportFile);
  const rows: RestoreRow[] = [];
  for await (const entry of readArchive(input.open(), { name: exportFile, acceptEdits: false })) {
    if (entry.kind === 'row') {
      rows.push(entry.row);
    }
  }

  async function* replay(): AsyncGenerator<RestoreRow> {
    yield* rows;
  }
  await store.replaceStrategies([...new Set(rows.map((row) => row.strategyId))], replay());
}
