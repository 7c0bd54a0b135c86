import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// Tests run without --expose-gc; turning the flag on here and fetching gc
// from a fresh context gives the same function. Collecting before each
// sample makes a measurement count what is kept, not garbage that V8 has
// not collected yet, which varies with the machine's load.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** JavaScript heap plus Buffer memory still reachable after a full collection. */
export function retainedBytes(): number {
  collect();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

/**
 * Tracks the peak of retainedBytes() over a run, sampling every `every`
 * calls to `sample()` since a full collection costs milliseconds.
 */
export class RetainedPeak {
  readonly baseline = retainedBytes();
  private peak = this.baseline;
  private calls = 0;

  constructor(private readonly every: number) {}

  sample(): void {
    this.calls += 1;
    if (this.calls % this.every === 0) {
      this.peak = Math.max(this.peak, retainedBytes());
    }
  }

  /** Growth over the baseline, including one last sample. */
  growth(): number {
    this.peak = Math.max(this.peak, retainedBytes());
    return this.peak - this.baseline;
  }
}
