#!/usr/bin/env -S node --
// The `--` matters: Node 20 reads `--env-file` anywhere on its command line,
// even after the script name, and would take varsctl's own --env-file option
// for itself. After `--`, every argument belongs to varsctl.

// --verbose prints stack traces. Source maps point their lines at src/
// instead of the bundle, but Node reads a module's map only when source maps
// are on as the module loads, so they are turned on before the import. The
// check matches `--verbose` and `-v` as whole words, not inside `-qv`.
if (process.argv.includes('--verbose') || process.argv.includes('-v')) {
  process.setSourceMapsEnabled(true);
}

// Deprecation warnings are for the authors of the code that triggers them,
// and the operator can do nothing about them: pg 8 prints one whenever it
// reads ~/.pgpass, in the middle of varsctl's own one-line messages.
process.noDeprecation = true;

// dist/bundle/ is the CLI bundled by `npm run build` (.ci/bundle.js).
const { main } = await import('../dist/bundle/main.js');
await main(process.argv);
