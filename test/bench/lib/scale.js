// BENCH_SCALE=small divides every table and state by ten and runs fewer
// rounds, for a quick check of the harness; the figures to publish come from
// the full scale.
export const SMALL = process.env.BENCH_SCALE === 'small';

if (process.env.BENCH_SCALE !== undefined && !['small', 'full'].includes(process.env.BENCH_SCALE)) {
  throw new Error(`BENCH_SCALE must be "small" or "full", got "${process.env.BENCH_SCALE}"`);
}

/** `full` at full scale, a tenth of it (at least 1) at small scale. */
export function scaled(full) {
  return SMALL ? Math.max(1, Math.round(full / 10)) : full;
}

/** Timed rounds per case: `full` at full scale, fewer at small scale. */
export function rounds(full) {
  const count = SMALL ? Math.max(3, Math.ceil(full / 2)) : full;
  // An odd count makes the median one real sample.
  return count % 2 === 1 ? count : count + 1;
}
