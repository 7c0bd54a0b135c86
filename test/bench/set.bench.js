// `varsctl set` of one key in a 1 MB and a 10 MB state, against CPython
// loading the same text, changing the key and dumping it again.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { onCleanup } from './lib/cleanup.js';
import { LARGE_STRATEGY, prepareLargeState } from './lib/large-state.js';
import { writeMachineSection } from './lib/machine.js';
import { compare, runCommand } from './lib/measure.js';
import { psql } from './lib/postgres.js';
import {
  CLI,
  FLOOR_HEADER,
  GROWTH_HEADER,
  RATIO_HEADER,
  floorRow,
  growthRow,
  provenance,
  ratioRow,
  table,
  writeSection,
} from './lib/report.js';
import { rounds, scaled } from './lib/scale.js';

const TARGET = 1;
const SET_FLOOR = fileURLToPath(new URL('./lib/set-floor.js', import.meta.url));
const MEGABYTE = 1_000_000;
const SIZES = [scaled(MEGABYTE), scaled(10 * MEGABYTE)];
const RUNS = rounds(7);
const PYTHON = '/usr/bin/python3';
const KEY = 'iteration_count';

// What the bot does to the same text: json.loads, one assignment, json.dumps.
const PYTHON_SET = `import json, sys
with open(sys.argv[1], encoding='utf-8') as source:
    state = json.loads(source.read())
state[${JSON.stringify(KEY)}] = int(sys.argv[2])
text = json.dumps(state)
if len(sys.argv) > 3:
    with open(sys.argv[3], 'w', encoding='utf-8') as target:
        target.write(text)
`;

const folder = mkdtempSync(path.join(os.tmpdir(), 'varsctl-bench-set-'));
onCleanup(() => rmSync(folder, { recursive: true, force: true }));
const script = path.join(folder, 'set.py');
writeFileSync(script, PYTHON_SET);

function measure(data, name) {
  const stateFile = path.join(folder, `${name}.json`);
  writeFileSync(stateFile, data.variables);

  // Each run writes a new value: setting the value already stored writes nothing.
  let value = 1_000_000;
  const next = () => String((value += 1));
  const varsctl = (url) => () => [CLI, '--db', url, 'set', LARGE_STRATEGY, KEY, next(), '--force'];
  const floor = (dialect, target) => () => [SET_FLOOR, dialect, target, LARGE_STRATEGY, KEY, next()];

  const cases = [
    { key: 'postgres', label: 'varsctl set, PostgreSQL', command: process.execPath, args: varsctl(data.postgresUrl) },
    { key: 'sqlite', label: 'varsctl set, SQLite', command: process.execPath, args: varsctl(data.sqliteUrl) },
    { key: 'python', label: 'CPython `json`', command: PYTHON, args: () => [script, stateFile, next()] },
    { key: 'floorPostgres', label: 'Node.js floor, PostgreSQL', command: process.execPath, args: floor('postgresql', data.postgresUrl) },
    { key: 'floorSqlite', label: 'Node.js floor, SQLite', command: process.execPath, args: floor('sqlite', data.sqliteFile) },
  ];
  for (const entry of cases) {
    entry.cwd = folder;
    entry.memory = true;
  }
  const timings = compare(cases, { runs: RUNS });

  checkBotIdentical(data, stateFile, name);
  return timings;
}

/** Fails unless the text set wrote is the one Python's json.dumps writes for the same change. */
function checkBotIdentical(data, stateFile, name) {
  runCommand({ command: process.execPath, args: [CLI, '--db', data.postgresUrl, 'set', LARGE_STRATEGY, KEY, '42', '--force'], cwd: folder });
  const expectedFile = path.join(folder, `${name}.expected.json`);
  runCommand({ command: PYTHON, args: [script, stateFile, '42', expectedFile] });

  const stored = psql(data.database, `SELECT variables FROM vars_backup WHERE strategy_id = '${LARGE_STRATEGY}' LIMIT 1`);
  if (stored !== readFileSync(expectedFile, 'utf8')) {
    throw new Error(`varsctl set stored a text that differs from json.dumps for the ${name} state`);
  }
}

function main() {
  const results = SIZES.map((bytes, index) => {
    const name = `set_${index}`;
    const data = prepareLargeState(folder, name, bytes);
    return { bytes: data.variables.length, timings: measure(data, name) };
  });

  const size = (bytes) => `${(bytes / MEGABYTE).toFixed(1)} MB`;
  const rows = results.flatMap(({ bytes, timings }) => [
    ratioRow(`set, PostgreSQL, ${size(bytes)} state`, timings.postgres, timings.python, TARGET),
    ratioRow(`set, SQLite, ${size(bytes)} state`, timings.sqlite, timings.python, TARGET),
  ]);
  const floors = results.flatMap(({ bytes, timings }) => [
    floorRow(`set, PostgreSQL, ${size(bytes)} state`, timings.floorPostgres, timings.python, TARGET),
    floorRow(`set, SQLite, ${size(bytes)} state`, timings.floorSqlite, timings.python, TARGET),
  ]);
  const [small, large] = results;
  const growth = ['postgres', 'sqlite', 'python'].map((key) =>
    growthRow(small.timings[key].label, small.timings[key], large.timings[key], 10),
  );

  writeMachineSection();
  writeSection(
    'set',
    [
      provenance('set.bench.js'),
      '',
      `Sets \`${KEY}\` (an int near the start) to a new value in a state of ${results.map(({ bytes }) => size(bytes)).join(' or ')}, with \`--force\` because each run makes the strategy look live.`,
      'varsctl reads the row, parses the text losslessly, changes the key and writes the row back in a compare-and-swap transaction.',
      `The anchor is CPython (\`${PYTHON}\`) reading the same text from a file, \`json.loads\`, one assignment and \`json.dumps\`, with no database at all. ${RUNS} runs each.`,
      'After the runs the script checks that the text varsctl stored equals the text json.dumps writes for the same change.',
      '',
      table(RATIO_HEADER, rows),
      '',
      'The floor reads the same row with the same driver, replaces the int by a text search instead of parsing, and writes the row back in one transaction:',
      '',
      table(FLOOR_HEADER, floors),
      '',
      'Growth with the state:',
      '',
      table(GROWTH_HEADER, growth),
    ].join('\n'),
  );
}

main();
