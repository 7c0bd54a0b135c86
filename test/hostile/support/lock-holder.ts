/**
 * Another process holding an SQLite lock, as a bot in the middle of a write
 * does: Python's sqlite3 opens the file, runs `BEGIN EXCLUSIVE` (no other
 * connection may read or write) or `BEGIN IMMEDIATE` (others may still
 * read), and keeps the transaction open until released.
 */
import { spawn, type ChildProcess } from 'node:child_process';

import { PYTHON } from '../../interop/support/refbot.js';

const HOLD_LOCK = `
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN " + sys.argv[2])
print("locked", flush=True)
sys.stdin.read()
connection.execute("ROLLBACK")
`;

export type LockKind = 'EXCLUSIVE' | 'IMMEDIATE';

export class LockHolder {
  private constructor(
    private readonly child: ChildProcess,
    private readonly exited: Promise<number | null>,
  ) {}

  /** Starts the holder and returns once it has the lock. */
  static async hold(file: string, kind: LockKind): Promise<LockHolder> {
    const child = spawn(PYTHON, ['-c', HOLD_LOCK, file, kind], { stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));

    await new Promise<void>((resolve, reject) => {
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString('utf8').includes('locked')) {
          resolve();
        }
      });
      child.on('error', reject);
      void exited.then((code) => reject(new Error(`the lock holder exited with ${code} before locking: ${stderr}`)));
    });
    return new LockHolder(child, exited);
  }

  /** Rolls the holder's transaction back and waits for it to exit. */
  async release(): Promise<void> {
    this.child.stdin?.end();
    await this.exited;
  }
}
