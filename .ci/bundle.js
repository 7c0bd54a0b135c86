// Bundles the command line into dist/bundle/, the code bin/varsctl.js runs.
// A build step, run by `npm run build` on every machine, not only in CI.
//
// Node.js 20 resolves, reads and compiles each ES module on its own, and it
// also scans a CommonJS package such as commander for its exports. Loaded
// from dist/cli/, `varsctl --help` pays that for some 20 files. The bundle
// loads as a few files. Each module the CLI loads with `import()` stays in a
// separate chunk, so a command loads only the code it needs.
//
// tsc still writes dist/ module by module: the library export dist/vars/
// and the tests use that output.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'bundle');

// Packages bundled into the CLI: commander parses every command line, and
// chalk styles every command's output. The other dependencies stay
// separate packages: the database drivers, one of which is a native addon,
// and those only some commands load.
const BUNDLED = new Set(['commander', 'chalk']);

const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const external = Object.keys(manifest.dependencies).filter((name) => !BUNDLED.has(name));

// commander loads node:child_process when it is loaded, only to spawn the
// executable subcommands that varsctl does not have. That took about 2 ms of
// CPU per start on Node.js 20 (2-core AMD EPYC), against some 42 ms for
// `node -e 0`. Inside the bundle, commander gets a proxy that loads the
// module on the first property read instead.
const deferCommanderChildProcess = {
  name: 'defer-commander-child-process',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.importer.includes(`${path.sep}node_modules${path.sep}commander${path.sep}`)
        ? { path: 'node:child_process', namespace: 'deferred' }
        : undefined,
    );
    esbuild.onLoad({ filter: /.*/, namespace: 'deferred' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, name) => require('node:child_process')[name] });",
      loader: 'js',
    }));
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  // errors.ts names each error class after `new.target.name`.
  keepNames: true,
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  plugins: [deferCommanderChildProcess],
  // CommonJS code inside an ES module bundle calls require() for Node.js
  // built-ins, which an ES module does not define.
  banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
});

// Chunk names carry a content hash, so chunks of earlier builds would pile up.
const written = new Set(Object.keys(result.metafile.outputs).map((file) => path.resolve(root, file)));
for (const name of readdirSync(outdir)) {
  const file = path.join(outdir, name);
  if (!written.has(file)) {
    rmSync(file, { force: true });
  }
}
