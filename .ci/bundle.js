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
// chalk styles every command's output. The PostgreSQL driver and its
// cursor and COPY streams are bundled too, into chunks that only PostgreSQL
// commands load, so that the plugin below can change one function of it. The
// other dependencies stay separate packages: better-sqlite3 is a native
// addon, and the rest load only for some commands.
const BUNDLED = new Set(['commander', 'chalk', 'pg', 'pg-cursor', 'pg-copy-streams']);

// Optional packages that pg requires only when asked to: the libpq binding
// and the Cloudflare Workers socket. varsctl installs neither.
const OPTIONAL_EXTERNAL = ['pg-native', 'pg-cloudflare'];

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

// When pg is loaded, it checks whether it runs in Cloudflare Workers. On
// Node.js 20, which has no global navigator, the check constructs a fetch
// Response, and that loads Node.js's bundled undici: 17 ms for
// `new Response(null)` in a fresh Node.js 20 process on a 2-core machine.
// A command-line program never runs in Workers, so inside the bundle the
// check returns false at once.
const PG_STREAM = `${path.sep}node_modules${path.sep}pg${path.sep}lib${path.sep}stream.js`;
const CLOUDFLARE_CHECK = 'function isCloudflareRuntime() {';
const skipCloudflareCheck = {
  name: 'skip-cloudflare-check',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]pg[\\/]lib[\\/]stream\.js$/ }, (args) => {
      if (!args.path.endsWith(PG_STREAM)) {
        return undefined;
      }
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(CLOUDFLARE_CHECK)) {
        return { contents: source, loader: 'js', warnings: [{ text: `${CLOUDFLARE_CHECK} not found in pg; PostgreSQL commands start slower` }] };
      }
      return { contents: source.replace(CLOUDFLARE_CHECK, `${CLOUDFLARE_CHECK}\n  return false;`), loader: 'js' };
    });
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
  external: [...external, ...OPTIONAL_EXTERNAL],
  // errors.ts names each error class after `new.target.name`.
  keepNames: true,
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  plugins: [deferCommanderChildProcess, skipCloudflareCheck],
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
