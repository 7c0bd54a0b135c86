/**
 * runCommand when a signal arrives while a write commits: a child process
 * loads the built context module, because a signal to the test process
 * would end vitest.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { describe, expect, it } from 'vitest';

import { REPO_ROOT } from '../e2e/run.js';
import { runUntilReady, type ChildResult } from '../support/signal-child.js';

const CONTEXT_MODULE = pathToFileURL(path.join(REPO_ROOT, 'dist', 'cli', 'context.js')).href;

/**
 * Runs `action` (the source of an async function of the context) as the
 * purge command and sends SIGINT once it prints `ready`.
 */
function runPurgeAction(action: string): Promise<ChildResult> {
  const source = `
    import { runCommand } from ${JSON.stringify(CONTEXT_MODULE)};
    const command = {
      name: () => 'purge',
      optsWithGlobals: () => ({ table: 'vars_backup', color: false, lockTimeout: '5000' }),
    };
    // Signal listeners alone do not keep the process alive until the signal comes.
    const alive = setInterval(() => undefined, 1000);
    runCommand(command, ${action}).then(
      () => console.log('resolved'),
      (error) => console.log('rejected: ' + error.message),
    ).finally(() => clearInterval(alive));`;
  return runUntilReady(source, 'SIGINT');
}

describe('interrupt after a commit', () => {
  it('exits 0 when the report completes', async () => {
    const result = await runPurgeAction(`async (context) => {
      console.log('ready');
      // The commit is acknowledged shortly after the signal, as a slow DELETE would be.
      await new Promise((resolve) => process.once('SIGINT', () => setTimeout(resolve, 50)));
      context.setInterruptState({ committed: true, consequence: 'the purge was committed' });
      console.log('purged 2 strategies');
    }`);

    expect(result.stdout).toContain('purged 2 strategies');
    expect(result.stdout).toContain('resolved');
    expect(result.exitCode).toBe(0);
  });

  it('says the purge committed when the report hangs', async () => {
    const result = await runPurgeAction(`async (context) => {
      context.setInterruptState({ committed: true, consequence: 'the purge was committed: 2 rows were deleted' });
      console.log('ready');
      await new Promise(() => undefined);
    }`);

    expect(result.stdout).toContain('rejected: purge interrupted by SIGINT: the purge was committed: 2 rows were deleted');
    expect(result.exitCode).toBe(130);
  });

  it('exits 130 when nothing committed', async () => {
    const result = await runPurgeAction(`async () => {
      console.log('ready');
      await new Promise((resolve) => process.once('SIGINT', () => setTimeout(resolve, 50)));
    }`);

    expect(result.stdout).toContain('rejected: purge interrupted by SIGINT: nothing was deleted');
    expect(result.exitCode).toBe(130);
  });
});
