import fc from 'fast-check';

/**
 * Property and fuzz tests draw their inputs from one fixed seed, so two
 * runs of the same code draw the same inputs and give the same result.
 * `FUZZ_SEED=<number>` replays a seed that fast-check printed for a failure.
 * `FUZZ_SEED=random` draws a new seed to search further.
 */
const DEFAULT_SEED = 424242;

const requested = process.env['FUZZ_SEED'];

if (requested !== 'random') {
  const seed = requested === undefined || requested === '' ? DEFAULT_SEED : Number(requested);
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`invalid FUZZ_SEED ${JSON.stringify(requested)}: expected an integer or "random"`);
  }
  fc.configureGlobal({ seed });
}
