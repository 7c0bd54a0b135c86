import fc from 'fast-check';

/**
 * Property and fuzz tests draw their inputs from one fixed seed, so the
 * suite gives the same result on every run and CI never fails by chance.
 * `FUZZ_SEED=<number>` replays a given seed, and `FUZZ_SEED=random` draws a
 * new one to search further; fast-check prints the seed of any failure.
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
