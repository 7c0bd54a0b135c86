/**
 * Runs `livebot.py` (a bot loop on the reference bot) as a child process and
 * reads the log of every state it loaded and backed up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { PYTHON } from '../../interop/support/refbot.js';

const LIVEBOT = fileURLToPath(new URL('./livebot.py', import.meta.url));

export interface BotEvent {
  readonly event: 'load' | 'backup';
  readonly iteration: number;
  /** load: loaded, no_table, no_row or error. backup: updated, inserted, unchanged, empty or failed. */
  readonly status: string;
  readonly error?: string | null;
  /** backup only: the counter this iteration wrote. */
  readonly counter?: number;
  /** The bot's state as `json.dumps` writes it; for a backup, the exact text written. */
  readonly text: string;
}

export interface BotResult {
  readonly iterations: number;
  readonly counter: number;
}

export interface LiveBotOptions {
  /** Time inside an iteration, between its load and its backup. */
  readonly workMs: number;
  /** Time between a backup and the next load. */
  readonly idleMs: number;
  readonly iterations?: number;
}

export class LiveBot {
  private readonly exited: Promise<{ code: number | null; stdout: string; stderr: string }>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly logFile: string,
  ) {
    this.exited = new Promise((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    this.exited.catch(() => undefined);
  }

  /** Starts the loop on `strategyId`; `url` is the SQLAlchemy URL, which for the test databases is varsctl's too. */
  static start(url: string, strategyId: string, logFile: string, options: LiveBotOptions): LiveBot {
    const args = [LIVEBOT, '--db', url, '--state-log', logFile, '--work-ms', String(options.workMs), '--idle-ms', String(options.idleMs)];
    if (options.iterations !== undefined) {
      args.push('--iterations', String(options.iterations));
    }
    args.push(strategyId);

    const child = spawn(PYTHON, args, {
      env: { ...process.env, PYTHONHASHSEED: '0', PYTHONIOENCODING: 'utf-8' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new LiveBot(child, logFile);
  }

  /** Reads every load and backup logged so far, in order. */
  events(): BotEvent[] {
    if (!existsSync(this.logFile)) {
      return [];
    }
    const lines = readFileSync(this.logFile, 'utf8').split('\n');
    // The last line may still be half-written.
    return lines.filter((line) => line.endsWith('}')).map((line) => JSON.parse(line) as BotEvent);
  }

  backups(): BotEvent[] {
    return this.events().filter((event) => event.event === 'backup');
  }

  /** Waits until the bot has backed up `count` times in all, failing after `timeoutMs`. */
  async waitForBackups(count: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.backups().length < count) {
      if (Date.now() > deadline) {
        throw new Error(`the bot backed up ${this.backups().length} times within ${timeoutMs} ms, expected ${count}`);
      }
      await sleep(10);
    }
  }

  /** Ends the loop after the iteration under way and returns the bot's own count. */
  async stop(): Promise<BotResult> {
    this.child.kill('SIGTERM');
    const { code, stdout, stderr } = await this.exited;
    if (code !== 0) {
      throw new Error(`livebot.py exited with ${code}\nstdout: ${stdout}\nstderr: ${stderr}`);
    }
    return JSON.parse(stdout) as BotResult;
  }

  /** Kills the process without waiting, for cleanup after a failed test. */
  kill(): void {
    if (this.child.exitCode === null) {
      this.child.kill('SIGKILL');
    }
  }
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
