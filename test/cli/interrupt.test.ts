/**
 * The signal handling of interrupt.ts in a child process that loads the
 * built module, because a signal to the test process would end vitest.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { describe, expect, it } from 'vitest';

import { REPO_ROOT } from '../e2e/run.js';
import { runUntilReady, type ChildResult } from '../support/signal-child.js';

const MODULE_PATH = path.join(REPO_ROOT, 'dist', 'cli', 'interrupt.js');
const MODULE = pathToFileURL(MODULE_PATH).href;

/**
 * Runs `body` (an ES module body that has `interrupt` imported and prints
 * `ready` when the signal may come) and sends `signal` after `ready`.
 */
function runWithSignal(body: string, signal: NodeJS.Signals): Promise<ChildResult> {
  const source = `import * as interrupt from ${JSON.stringify(MODULE)};\n${body}`;
  return runUntilReady(source, signal);
}

// Spins for `ms` milliseconds without giving the event loop a turn.
const BUSY = 'const busy = (ms) => { const end = Date.now() + ms; while (Date.now() < end) {} };';

describe('interrupt handling', () => {
  it('keeps a signal that came during synchronous work', async () => {
    const result = await runWithSignal(
      `${BUSY}
      const { readFile } = await import('node:fs');
      const watch = interrupt.watchCommand('list', { consequence: 'nothing was changed' });
      // An I/O callback, like the end of a query: the loop has already polled
      // for signals in this turn, which is the hard case.
      readFile(${JSON.stringify(MODULE_PATH)}, async () => {
        console.log('ready');
        busy(1500);
        try {
          await interrupt.withDefaultSignalAction(async () => console.log('call ran'));
        } catch (error) {
          console.log(error.message, error.exitCode);
        }
        watch.dispose();
      });`,
      'SIGINT',
    );

    expect(result.stdout).toBe('ready\nlist interrupted by SIGINT: nothing was changed 130\n');
    expect(result.exitCode).toBe(0);
  });

  it('uses the default action during a call', async () => {
    const result = await runWithSignal(
      `${BUSY}
      const watch = interrupt.watchCommand('set', { consequence: 'nothing was written' });
      await interrupt.withDefaultSignalAction(async () => {
        console.log('ready');
        busy(3000);
      });
      console.log('survived');`,
      'SIGTERM',
    );

    expect(result.signal).toBe('SIGTERM');
    expect(result.stdout).toBe('ready\n');
  });

  it('keeps the handlers under a watch that cleans up', async () => {
    const result = await runWithSignal(
      `${BUSY}
      const command = interrupt.watchCommand('export', { consequence: 'no file was written' });
      const step = interrupt.watchInterrupts('export', 'no file was written');
      await interrupt.withDefaultSignalAction(async () => {
        console.log('ready');
        busy(1500);
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      console.log(step.signal.reason.message, step.signal.reason.exitCode, command.signal.aborted);
      step.dispose();
      command.dispose();`,
      'SIGTERM',
    );

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('ready\nexport interrupted by SIGTERM: no file was written 143 false\n');
  });

  it('ends the process at a second signal', async () => {
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', `import * as interrupt from ${JSON.stringify(MODULE)};
        interrupt.watchCommand('show', { consequence: 'nothing was changed' });
        setInterval(() => undefined, 1000);
        console.log('ready');`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));

    child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.kill('SIGINT');
    const signal = await new Promise((resolve) => child.on('close', (_code, received) => resolve(received)));

    expect(signal).toBe('SIGINT');
  });
});
