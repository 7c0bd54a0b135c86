// Start-up: `varsctl --version` and `varsctl --help` against `node -e 0`,
// and the modules `--help` loads (drivers, table rendering and validation
// must wait until a command needs them).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { writeMachineSection } from './lib/machine.js';
import { compare, runCommand } from './lib/measure.js';
import { CLI, formatMs, formatRatio, provenance, table, verdict, writeSection } from './lib/report.js';
import { rounds } from './lib/scale.js';

const TARGET = 1.5;

// Packages that only some commands need, so start-up must not load them.
const LAZY_PACKAGES = ['pg', 'pg-cursor', 'pg-copy-streams', 'better-sqlite3', 'cli-table3', 'zod', 'dotenv'];
const node = process.execPath;

function main() {
  const results = compare(
    [
      { key: 'anchor', label: '`node -e 0`', command: node, args: ['-e', '0'] },
      { key: 'version', label: '`varsctl --version`', command: node, args: [CLI, '--version'] },
      { key: 'help', label: '`varsctl --help`', command: node, args: [CLI, '--help'] },
    ],
    { runs: rounds(21), warmups: 2 },
  );

  const anchor = results.anchor;
  const rows = ['version', 'help'].map((key) => {
    const ratio = results[key].medianMs / anchor.medianMs;
    return [results[key].label, formatMs(results[key].medianMs), formatMs(anchor.medianMs), formatRatio(ratio), `at most ${TARGET}x`, verdict(ratio, TARGET)];
  });

  const loaded = modulesLoadedBy(['--help']);

  writeMachineSection();
  writeSection(
    'Start-up',
    [
      provenance('startup.bench.js'),
      '',
      `Cold start of a fresh process, ${rounds(21)} runs each; the anchor is \`node -e 0\`, the cost of starting Node.js at all.`,
      '',
      table(['command', 'varsctl', 'anchor `node -e 0`', 'ratio', 'target', 'result'], rows),
      '',
      `\`varsctl --help\` loads ${loaded.project.length} modules of varsctl and these packages: ${names(loaded.packages)}.`,
      `It does not load ${names(LAZY_PACKAGES.filter((name) => !loaded.packages.includes(name)))}.`,
      ...(loaded.eager.length > 0 ? [`**It loads ${names(loaded.eager)}, which only some commands need.**`] : []),
    ].join('\n'),
  );
}

/** The varsctl modules and npm packages a command line imports. */
function modulesLoadedBy(args) {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'varsctl-bench-imports-'));
  const traceFile = path.join(folder, 'imports.txt');
  try {
    const hooks = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lib/trace-imports.js');
    runCommand({ command: node, args: ['--import', hooks, CLI, ...args], env: { ...process.env, VARSCTL_BENCH_IMPORTS: traceFile } });

    const urls = [...new Set(readFileSync(traceFile, 'utf8').split('\n').filter((url) => url.startsWith('file:')))];
    const project = urls.filter((url) => !url.includes('/node_modules/') && !url.includes('/test/bench/'));
    const installed = urls.map((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1]);
    const packages = [...new Set([...installed, ...project.flatMap(bundledPackages)].filter(Boolean))].sort();
    return { project, packages, eager: packages.filter((name) => LAZY_PACKAGES.includes(name)) };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Lists the packages bundled into one loaded file of the bundle. esbuild heads the
 * code of each bundled source file with a comment naming its path, such as
 * `// node_modules/pg/lib/client.js`.
 */
function bundledPackages(url) {
  const source = readFileSync(fileURLToPath(url), 'utf8');
  return [...source.matchAll(/^\/\/ node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map((match) => match[1]);
}

function names(list) {
  return list.length === 0 ? 'none' : list.map((name) => `\`${name}\``).join(', ');
}

main();
