// Vars serializer benchmark. It parses and re-serializes a generated 10 MB
// state document with varsctl's dialect code, with CPython's json.loads +
// json.dumps, and with V8's JSON.parse + JSON.stringify. The document has
// the shape a busy bot stores: positions, orders with big ids, fills,
// indicator series with NaN, and unicode notes.
//
// Every measurement runs in a fresh child process. Timing: rounds of the
// cases in a rotating order, each child running a few warm-up and timed
// runs, and the median over all timed runs. Memory: the peak RSS of a child
// that runs the case once, minus the peak RSS of a child that only reads the
// document. Results go to stdout and to the "Vars serializer" section of
// docs/benchmarks.md.
//
// `npm run bench -- vars` builds first; BENCH_SCALE=small uses a 1 MiB
// document. `node test/bench/vars.bench.js --write-document FILE` writes the
// document alone, for profiling by hand.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { provenance, table, writeSection } from './lib/report.js';
import { SMALL } from './lib/scale.js';

const DOCUMENT_BYTES = (SMALL ? 1 : 10) * 1024 * 1024;
const ROUNDS = SMALL ? 1 : 3;
const WARMUP_RUNS = 3;
const RUNS_PER_ROUND = 3;
const SEED = 20251204;

/** The targets: ratios of CPU time to the anchors, and peak memory to the document size. */
const MAX_VS_CPYTHON = 1;
const MAX_VS_V8 = 2;
const MAX_MEMORY_FACTOR = 5;

const benchFolder = path.dirname(fileURLToPath(import.meta.url));
const distVars = path.join(benchFolder, '../../dist/vars');
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

const CASES = [
  { mode: 'lossless', label: 'varsctl: `Vars.parse` + `toText`, nothing changed' },
  { mode: 'edit', label: 'varsctl: `Vars.parse` + `set` one key + `toText`' },
  { mode: 'read-edit', label: 'varsctl: `Vars.parse` + read every variable + `set` one key + `toText`' },
  { mode: 'full', label: 'varsctl: `parseValue` + every value spelled anew as `json.dumps` does' },
  { mode: 'v8', label: 'V8: `JSON.parse` + `JSON.stringify` (NaN and Infinity as null)' },
  { mode: 'python', label: 'CPython: `json.loads` + `json.dumps`' },
];

async function main() {
  const vars = await import(path.join(distVars, 'index.js'));
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'varsctl-bench-vars-'));
  process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

  const text = vars.serializeValue(vars.fromJs(generateState(createRandom(SEED), DOCUMENT_BYTES)));
  const files = { document: path.join(scratch, 'state.json'), strict: path.join(scratch, 'state-strict.json') };
  writeFileSync(files.document, text);
  // JSON.parse rejects NaN and Infinity, so V8 gets the same text with those tokens as null.
  writeFileSync(files.strict, text.replace(/(?<=[[:,] ?)(NaN|-?Infinity)(?=[,\]}])/g, 'null'));

  const stats = documentStats(vars, text);
  console.error(`document: ${mib(text.length)} MiB, ${stats.values} values`);

  const samples = new Map(CASES.map(({ mode }) => [mode, { wall: [], cpu: [] }]));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (let index = 0; index < CASES.length; index += 1) {
      const { mode } = CASES[(index + round) % CASES.length];
      const timing = measureTiming(mode, files);
      samples.get(mode).wall.push(...timing.wall);
      samples.get(mode).cpu.push(...timing.cpu);
    }
  }

  const baselineKb = { node: measureColdRun('baseline', files).peakKb, python: measureColdRun('python-baseline', files).peakKb };
  const results = CASES.map(({ mode, label }) => {
    const { peakKb, coldCpuMs } = measureColdRun(mode, files);
    const extraKb = peakKb - (mode === 'python' ? baselineKb.python : baselineKb.node);
    const { wall, cpu } = samples.get(mode);
    return { mode, label, wallMs: median(wall), cpuMs: median(cpu), coldCpuMs, runs: cpu.length, extraKb };
  });

  const body = report(text.length, stats, results);
  console.log(body);
  writeSection('Vars serializer', body);
}

function measureTiming(mode, files) {
  if (mode === 'python') {
    return runPython(['timing', files.document, String(WARMUP_RUNS), String(RUNS_PER_ROUND)]);
  }
  return runNodeChild(mode, mode === 'v8' ? files.strict : files.document);
}

/** Run the case once in a fresh process: `{ peakKb, coldCpuMs }`. */
function measureColdRun(mode, files) {
  if (mode === 'python' || mode === 'python-baseline') {
    return runPython([mode === 'python' ? 'memory' : 'baseline', files.document, '0', '0']);
  }
  return runNodeChild(`${mode}-memory`, mode === 'v8' ? files.strict : files.document);
}

function runNodeChild(mode, file) {
  const output = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', mode, file], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(output);
}

async function runChild(mode, file) {
  const text = readFileSync(file, 'utf8');
  const vars = await import(path.join(distVars, 'index.js'));
  const { serializeCanonical } = await import(path.join(distVars, 'serialize.js'));

  const operations = {
    baseline: () => text.length,
    lossless: () => vars.Vars.parse(text).toText(),
    edit: () => {
      const state = vars.Vars.parse(text);
      state.set('iteration_count', vars.fromJs(123456n));
      return state.toText();
    },
    'read-edit': () => {
      const state = vars.Vars.parse(text);
      for (const entry of state.entries()) void entry;
      state.set('iteration_count', vars.fromJs(123456n));
      return state.toText();
    },
    full: () => serializeCanonical(vars.parseValue(text)),
    v8: () => JSON.stringify(JSON.parse(text)),
  };

  const operation = operations[mode.replace(/-memory$/, '')];
  if (mode.endsWith('-memory')) {
    // One cold run, as one command of varsctl does it: its peak memory and CPU time.
    global.gc();
    const cpuStarted = process.cpuUsage();
    const result = operation();
    // Writing the output needs it flat, so flatten any rope here too.
    const length = typeof result === 'string' ? Buffer.byteLength(result) : result;
    const cpuUsed = process.cpuUsage(cpuStarted);
    process.stdout.write(JSON.stringify({ peakKb: process.resourceUsage().maxRSS, length, coldCpuMs: (cpuUsed.user + cpuUsed.system) / 1000 }));
    return;
  }

  // No forced collection between runs: with one before each run, the
  // measured CPU time of the allocation-free case tripled.
  const wall = [];
  const cpu = [];
  for (let run = 0; run < WARMUP_RUNS + RUNS_PER_ROUND; run += 1) {
    const started = process.hrtime.bigint();
    const cpuStarted = process.cpuUsage();
    const result = operation();
    if (typeof result === 'string') Buffer.byteLength(result);
    const cpuUsed = process.cpuUsage(cpuStarted);
    if (run >= WARMUP_RUNS) {
      wall.push(Number(process.hrtime.bigint() - started) / 1e6);
      cpu.push((cpuUsed.user + cpuUsed.system) / 1000);
    }
  }
  process.stdout.write(JSON.stringify({ wall, cpu }));
}

const PYTHON_SCRIPT = `
import gc, json, resource, sys, time
mode, path, warmups, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
text = open(path, encoding='utf-8').read()
gc.collect()
if mode == 'baseline':
    print(json.dumps({'peakKb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
elif mode == 'memory':
    cpu_started = time.process_time()
    out = json.dumps(json.loads(text))
    cold_cpu_ms = (time.process_time() - cpu_started) * 1000
    assert out == text, 'json.dumps(json.loads(text)) differs from the document'
    print(json.dumps({'peakKb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, 'coldCpuMs': cold_cpu_ms}))
else:
    wall, cpu = [], []
    for run in range(warmups + runs):
        gc.collect()
        started, cpu_started = time.perf_counter(), time.process_time()
        json.dumps(json.loads(text))
        if run >= warmups:
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
    print(json.dumps({'wall': wall, 'cpu': cpu, 'version': sys.version.split()[0]}))
`;

function runPython(args) {
  return JSON.parse(execFileSync(PYTHON, ['-c', PYTHON_SCRIPT, ...args], { encoding: 'utf8' }));
}

function report(bytes, stats, results) {
  const python = results.find((result) => result.mode === 'python');
  const v8 = results.find((result) => result.mode === 'v8');
  const versus = (result, anchor) => `${(result.cpuMs / anchor.cpuMs).toFixed(2)}x`;
  const memoryFactor = (result) => (result.extraKb * 1024) / bytes;

  const rows = results.map((result) => [
    result.label,
    result.wallMs.toFixed(0),
    result.cpuMs.toFixed(0),
    versus(result, python),
    versus(result, v8),
    result.coldCpuMs.toFixed(0),
    `${mib(result.extraKb * 1024)} MiB`,
    `${memoryFactor(result).toFixed(1)}x`,
  ]);

  const verdicts = results
    .filter((result) => result.mode !== 'python' && result.mode !== 'v8')
    .map((result) => [
      result.label,
      judge(result.cpuMs / python.cpuMs, MAX_VS_CPYTHON),
      judge(result.cpuMs / v8.cpuMs, MAX_VS_V8),
      judge(memoryFactor(result), MAX_MEMORY_FACTOR),
    ]);

  const cpuModel = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((line) => line.startsWith('model name'))?.split(':')[1]?.trim();
  const nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();

  return [
    provenance('vars.bench.js'),
    '',
    `Document: ${mib(bytes)} MiB (${bytes} bytes) of one generated strategy state in the bot's spelling, checked equal to CPython's \`json.dumps(json.loads(text))\`: ${stats.values} values, of which ${stats.floats} floats, ${stats.ints} ints, ${stats.strings} strings and ${stats.containers} lists and dicts.`,
    `Each case runs in fresh Node.js or Python processes: ${ROUNDS} rounds in a rotating order, ${WARMUP_RUNS} warm-up and ${RUNS_PER_ROUND} timed runs per process, ${results[0].runs} timed runs in all; figures are medians.`,
    'Ratios compare CPU time (user + system, all threads), because wall time on this shared 2-core machine swings with the load of other jobs; wall time is shown for reference.',
    'The timed runs are warm: the JIT has compiled the code, as in a long-running program. A cold run is the one run of a fresh process, as one varsctl command makes it, JIT warm-up included.',
    "Peak extra memory is the peak RSS of that cold run minus that of a process that only read the document; for V8 and varsctl it includes garbage the collector had not yet freed.",
    '',
    table(['case', 'median wall ms', 'median CPU ms', 'CPU vs CPython', 'CPU vs V8', 'cold run CPU ms', 'peak extra memory', 'x document'], rows),
    '',
    `Targets: CPU time at most ${MAX_VS_CPYTHON}x CPython's and ${MAX_VS_V8}x V8's, peak extra memory under ${MAX_MEMORY_FACTOR}x the document.`,
    '',
    table(['case', `vs CPython (at most ${MAX_VS_CPYTHON}x)`, `vs V8 (at most ${MAX_VS_V8}x)`, `memory (under ${MAX_MEMORY_FACTOR}x)`], verdicts),
    '',
    'How to read this:',
    '',
    '- `Vars.parse` checks the whole text without building values and builds a variable when it is first read; `toText` copies the text of every variable not set. This is what `list`, `show --raw`, `set`, `export` and `restore` do with a state, so these rows are the ones the targets are about.',
    "- Reading every variable builds the whole value tree, and the two rows that do it miss the targets (the table above says by how much). The tree of this document takes about 44 MB of heap, of which about 28 MB are the 66,000 `Map`s of its dicts (a `Map` of six or seven entries costs about 300 bytes in V8, and `DictValue.entries` must be a `Map`). The rest is one object per value, a `bigint` per int above 1023 and the source text of floats with 16 or more digits. The CPU profile spends 25-35% of the build in the garbage collector, which copies every live object of the tree out of the young generation, so the cost grows with the tree rather than with the text. V8's own `JSON.parse` tree misses the memory target as well.",
    '- The serializer writes into one byte buffer (the output of `json.dumps` is ASCII) and makes the string with one copy; what is left of the last row above the first is the spelling of floats, which takes the same shortest-digits conversion as `JSON.stringify`.',
    '- The last varsctl row re-spells every value instead of reusing the source text, the work CPython does in `json.dumps`; varsctl never needs it for a stored state, because unchanged values keep their bytes.',
    '',
    'Reproduce with `npm run bench -- vars` (it builds first), or `node test/bench/vars.bench.js` after `npm run build`; `BENCH_SCALE=small` uses a 1 MiB document.',
    '',
    `Machine: ${cpuModel ?? os.cpus()[0]?.model}, \`nproc\` = ${nproc}, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB memory, ${os.type()} ${os.release()}.`,
    `Versions: Node.js ${process.version} (V8 ${process.versions.v8}), CPython ${results.find((result) => result.mode === 'python').version ?? pythonVersion()} (\`${PYTHON}\`).`,
  ].join('\n');
}

function judge(ratio, maximum) {
  const text = `${ratio.toFixed(2)}x`;
  return ratio <= maximum ? `${text}, met` : `${text}, **missed** by ${(ratio / maximum).toFixed(2)}x`;
}

function pythonVersion() {
  return execFileSync(PYTHON, ['-c', 'import sys; print(sys.version.split()[0])'], { encoding: 'utf8' }).trim();
}

function documentStats(vars, text) {
  const stats = { values: 0, floats: 0, ints: 0, strings: 0, containers: 0 };
  const visit = (value) => {
    stats.values += 1;
    if (value.type === 'float') stats.floats += 1;
    if (value.type === 'int') stats.ints += 1;
    if (value.type === 'str') stats.strings += 1;
    if (value.type === 'list') {
      stats.containers += 1;
      value.items.forEach(visit);
    }
    if (value.type === 'dict') {
      stats.containers += 1;
      for (const item of value.entries.values()) visit(item);
    }
  };
  visit(vars.parseValue(text));
  return stats;
}

function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function mib(bytes) {
  return (bytes / 1024 / 1024).toFixed(1);
}

/** mulberry32: a small seeded generator, so every run measures the same bytes. */
function createRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'SPY', 'QQQ', 'TSLA', 'AMZN', 'BRK-B', 'TTMI', 'GOOGL', 'META', 'AMD', 'JPM', 'XOM', 'IWM', 'SBER', 'BTC/USDT'];
const NOTES = ['Покупать на просадке 📉 → продавать на росте 📈', 'naïve café – “quotes”', '株式 rotation paused', 'stop moved after FOMC', 'grid rebuilt'];

/**
 * Generate one strategy's `self.vars` of about `targetBytes` once serialized,
 * as plain JS for `fromJs` (bigint for ints, number for floats, Map to keep
 * key order).
 */
function generateState(random, targetBytes) {
  const pick = (items) => items[Math.floor(random() * items.length)];
  const price = () => Math.round(random() * 90_000) / 100 + 1;
  const isoTime = (day) =>
    `2025-${String(1 + (day % 12)).padStart(2, '0')}-${String(1 + (day % 28)).padStart(2, '0')}T${String(9 + Math.floor(random() * 7)).padStart(2, '0')}:30:00.${String(Math.floor(random() * 1e6)).padStart(6, '0')}-04:00`;

  const state = new Map([
    ['iteration_count', BigInt(Math.floor(random() * 1e6))],
    ['last_price', price()],
    ['trading_day', '2025-03-17'],
    ['in_position', true],
    ['notes', NOTES.slice()],
    ['parameters', { fast: 10n, slow: 50n, risk: 0.01, min_edge: 1e-5, max_notional: 1e16 }],
  ]);

  const positions = new Map();
  for (let i = 0; i < 400; i += 1) {
    positions.set(`${pick(SYMBOLS)} 2025-${String(1 + (i % 12)).padStart(2, '0')}-21 ${400 + i}P`, {
      quantity: BigInt(Math.floor(random() * 1000) - 500),
      avg_fill_price: price(),
      strike: (400 + i) * 1.0,
      expiration: '2025-03-21',
      greeks: { delta: random() - 0.5, gamma: random() / 100, vega: random() * 10, theta: -random() },
    });
  }
  state.set('positions', positions);

  const indicators = new Map();
  for (const symbol of SYMBOLS) {
    indicators.set(symbol, {
      sma: Array.from({ length: 200 }, () => price()),
      zscore: Array.from({ length: 200 }, () => (random() < 0.02 ? NaN : random() < 0.01 ? Infinity : (random() - 0.5) * 6)),
      atr: random() < 0.3 ? NaN : price() / 100,
    });
  }
  state.set('indicators', indicators);

  // Orders and fills make up the rest; each adds about 160 bytes.
  const orders = [];
  const fills = [];
  state.set('open_orders', orders);
  state.set('fills', fills);
  for (let day = 0, bytes = 0; bytes < targetBytes; day += 1, bytes += 160) {
    const order = {
      id: random() < 0.5 ? 18446744073709551616n + BigInt(day) : BigInt(Math.floor(random() * 2 ** 53)),
      symbol: pick(SYMBOLS),
      qty: BigInt(1 + Math.floor(random() * 100)),
      limit: price(),
      submitted_at: isoTime(day),
      status: pick(['new', 'partially_filled', 'filled', 'canceled']),
      note: random() < 0.1 ? pick(NOTES) : null,
    };
    if (day % 3 === 0) {
      orders.push(order);
    } else {
      fills.push({ order_id: order.id, price: price(), qty: Number(order.qty) / 2, fee: random() / 10, ts: isoTime(day), venue: pick(['XNAS', 'ARCX', 'BATS']) });
    }
  }

  return state;
}

// Last, so every constant above is initialized.
if (process.argv[2] === '--child') {
  await runChild(process.argv[3], process.argv[4]);
} else if (process.argv[2] === '--write-document') {
  const vars = await import(path.join(distVars, 'index.js'));
  writeFileSync(process.argv[3], vars.serializeValue(vars.fromJs(generateState(createRandom(SEED), DOCUMENT_BYTES))));
} else {
  await main();
}
