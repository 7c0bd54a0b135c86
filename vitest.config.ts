import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Starts the in-process PGlite pool when TEST_DATABASE_URL is not set.
    globalSetup: ['test/support/global-setup.ts'],
    // Fixes the seed of every property test; see the file for FUZZ_SEED.
    setupFiles: ['test/support/fuzz-seed.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
