import { formatBytes } from './render/size.js';

/**
 * A one-line progress display on stderr (rows done, megabytes, MB/s),
 * redrawn at most a few times a second. It is shown only when stderr is a
 * terminal and --quiet is off, so cron mail and pipes never see it.
 */
export interface Progress {
  update(rows: number, bytes: number): void;
  /** Erases the line, so the summary that follows starts clean. */
  done(): void;
}

const REDRAW_INTERVAL_MS = 250;

const MEBIBYTE = 1024 * 1024;

export function createProgress(verb: string, options: { quiet: boolean }, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (options.quiet || !stream.isTTY) {
    return { update: () => undefined, done: () => undefined };
  }

  const started = Date.now();
  // The first line appears after one interval, so a short command draws nothing.
  let lastDraw = started;
  let drawn = false;

  return {
    update(rows, bytes) {
      const now = Date.now();
      if (now - lastDraw < REDRAW_INTERVAL_MS) {
        return;
      }
      lastDraw = now;
      drawn = true;

      const seconds = Math.max((now - started) / 1000, 0.001);
      const rate = bytes / MEBIBYTE / seconds;
      stream.write(`\r\u001b[2K${verb} ${rows.toLocaleString('en-US')} ${rows === 1 ? 'row' : 'rows'}, ${formatBytes(bytes)}, ${rate.toFixed(1)} MB/s`);
    },
    done() {
      if (drawn) {
        stream.write('\r\u001b[2K');
        drawn = false;
      }
    },
  };
}
