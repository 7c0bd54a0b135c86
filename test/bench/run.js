// Runs every test/bench/*.bench.js in turn, each in a process of its own, so
// one benchmark's memory and module cache cannot skew the next. Arguments
// filter by file name: `node test/bench/run.js list export` runs only those.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const folder = path.dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);

const scripts = readdirSync(folder)
  .filter((name) => name.endsWith('.bench.js'))
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort();

let failed = 0;
for (const script of scripts) {
  console.error(`\n=== ${script}`);
  const result = spawnSync(process.execPath, [path.join(folder, script)], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed += 1;
    console.error(`${script} failed (exit ${result.status ?? result.signal})`);
  }
}

if (failed > 0) {
  console.error(`\n${failed} of ${scripts.length} benchmarks failed`);
  process.exitCode = 1;
}
