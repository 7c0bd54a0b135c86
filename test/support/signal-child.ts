import { spawn } from 'node:child_process';

/** What a child process printed and how it ended. */
export interface ChildResult {
  readonly stdout: string;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * Runs `source` as an ES module in a child process and sends it `signal`
 * once it prints `ready`. Signal tests need a child, because a signal to
 * the test process would end vitest.
 */
export function runUntilReady(source: string, signal: NodeJS.Signals): Promise<ChildResult> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });

  return new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (stdout.includes('ready\n') && !child.killed) {
        child.kill(signal);
      }
    });
    child.on('error', reject);
    child.on('close', (exitCode, received) => resolve({ stdout, exitCode, signal: received }));
  });
}
