import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { setVariable, type SetRequest } from '../../src/cli/set-variable.js';
import { isVarsctlError } from '../../src/errors.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { parseValue } from '../../src/vars/index.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/db.js';
import { botUpdate, readRows, readVariables, seedBotTable } from './seed.js';

const BOT = '{"qty": 4, "stop": 0.05}';
const BOT_BACKUP = '{"qty": 5, "stop": 0.05}';

function request(overrides: Partial<SetRequest> = {}): SetRequest {
  return {
    strategyId: 'Bot',
    change: { kind: 'set', key: 'qty', value: parseValue('10') },
    create: false,
    force: false,
    liveWindowMs: 5 * 60_000,
    dryRun: false,
    nowMs: Date.now(),
    ...overrides,
  };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe.each(DIALECTS)('setVariable on %s', (dialect) => {
  let db: TestDatabase;
  let store: Store;

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    await seedBotTable(db, [{ strategyId: 'Bot', variables: BOT }]);
    store = await openStore({ url: db.url, table: 'vars_backup', lockTimeoutMs: 5000 });
  });

  afterEach(async () => {
    await store.close();
    await db.close();
  });

  it('fails with a conflict when the bot writes between read and write', async () => {
    const error = await caught(setVariable(store, request(), { beforeWrite: () => botUpdate(db, 'Bot', BOT_BACKUP) }));

    expect(isVarsctlError(error) && error.exitCode).toBe(4);
    expect((error as Error).message).toBe("strategy 'Bot' changed since it was read; nothing was written");
    expect(await readVariables(db, 'Bot')).toBe(BOT_BACKUP);
  });

  it('fails with a conflict when only last_updated changed', async () => {
    const error = await caught(setVariable(store, request(), { beforeWrite: () => botUpdate(db, 'Bot', BOT, 1) }));

    expect(isVarsctlError(error) && error.exitCode).toBe(4);
    expect(await readVariables(db, 'Bot')).toBe(BOT);
  });

  it('fails with a conflict when the rows were deleted meanwhile', async () => {
    const error = await caught(
      setVariable(store, request(), { beforeWrite: () => db.exec("DELETE FROM vars_backup WHERE strategy_id = 'Bot'") }),
    );

    expect(isVarsctlError(error) && error.exitCode).toBe(4);
    expect(await readRows(db, 'Bot')).toEqual([]);
  });

  it('writes when nothing changed in between', async () => {
    let called = false;

    const outcome = await setVariable(store, request(), {
      beforeWrite: async () => {
        called = true;
      },
    });

    expect(called).toBe(true);
    expect(outcome.status).toBe('written');
    expect(outcome.oldText).toBe('4');
    expect(outcome.newText).toBe('10');
    expect(await readVariables(db, 'Bot')).toBe('{"qty": 10, "stop": 0.05}');
  });

  it('never calls the hook on a dry run', async () => {
    const outcome = await setVariable(store, request({ dryRun: true }), {
      beforeWrite: () => Promise.reject(new Error('dry run must not reach the write')),
    });

    expect(outcome.status).toBe('dry-run');
    expect(outcome.variables).toBe('{"qty": 10, "stop": 0.05}');
    expect(await readVariables(db, 'Bot')).toBe(BOT);
  });
});
