// Vars serializer benchmark. It parses and re-serializes a generated 10 MB
// state document with varsctl's dialect code, with CPython's json.loads +
// json.dumps, and with V8's JSON.parse + JSON.stringify. The document has
// the shape a busy bot stores: positions, orders with big ids, fills,
// indicator series with NaN, and unicode notes. Every measurement runs in a fresh child process: timing as
// the median of several runs after warm-up, memory as the peak RSS of one
// run minus the peak RSS of a process that only read the document.
//
// Run with `npm run bench -- vars` (builds first); BENCH_SCALE=small uses a
// 1 MB document for a quick check.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DOCUMENT_BYTES = (process.env.BENCH_SCALE === 'small' ? 1 : 10) * 1024 * 1024;
const WARMUP_RUNS = 2;
const TIMED_RUNS = 7;
const SEED = 20251204;

const benchFolder = path.dirname(fileURLToPath(import.meta.url));
const distVars = path.join(benchFolder, '../../dist/vars');
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

async function main() {
  const vars = await import(path.join(distVars, 'index.js'));
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'varsctl-bench-vars-'));
  process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

  const text = vars.serializeValue(vars.fromJs(generateState(createRandom(SEED), DOCUMENT_BYTES)));
  const documentFile = path.join(scratch, 'state.json');
  writeFileSync(documentFile, text);
  // JSON.parse rejects NaN and Infinity, so V8 gets the same text with those tokens as null.
  const strictFile = path.join(scratch, 'state-strict.json');
  writeFileSync(strictFile, text.replace(/(?<=[\[:,] ?)(NaN|-?Infinity)(?=[,\]}])/g, 'null'));

  const stats = documentStats(vars, text);
  console.error(`document: ${mib(text.length)} MiB, ${stats.values} values (${stats.floats} floats, ${stats.ints} ints, ${stats.strings} strings)`);

  const python = measurePython(documentFile);
  const cases = [
    ['varsctl: Vars.parse + toText, unchanged', 'lossless'],
    ['varsctl: Vars.parse + set one key + toText', 'edit'],
    ['varsctl: Vars.parse + read every variable + set one key + toText', 'read-edit'],
    ['varsctl: parseValue + json.dumps spelling of every value', 'full'],
    ['V8: JSON.parse + JSON.stringify (NaN as null)', 'v8'],
  ];
  const baselineKb = childMeasure('baseline', documentFile).peakKb;
  const results = cases.map(([label, mode]) => {
    const file = mode === 'v8' ? strictFile : documentFile;
    const timing = childMeasure(mode, file);
    const memory = childMeasure(`${mode}-memory`, file);
    return { label, ...timing, extraKb: memory.peakKb - baselineKb };
  });
  results.push({ label: 'CPython: json.loads + json.dumps', ...python });

  printReport(text.length, stats, results);
}

function childMeasure(mode, file) {
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

  const memoryRun = mode.endsWith('-memory');
  const operation = operations[mode.replace(/-memory$/, '')];
  if (memoryRun || mode === 'baseline') {
    global.gc();
    const result = operation();
    // Flatten rope strings so the output really exists, as writing it would require.
    const length = typeof result === 'string' ? Buffer.byteLength(result) : result;
    process.stdout.write(JSON.stringify({ peakKb: process.resourceUsage().maxRSS, length }));
    return;
  }

  const wall = [];
  const cpu = [];
  for (let run = 0; run < WARMUP_RUNS + TIMED_RUNS; run += 1) {
    global.gc();
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
  process.stdout.write(JSON.stringify({ medianMs: median(wall), minMs: Math.min(...wall), cpuMs: median(cpu) }));
}

function measurePython(file) {
  const script = `
import gc, json, resource, statistics, sys, time
mode, path, warmups, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
text = open(path, encoding='utf-8').read()
gc.collect()
if mode == 'baseline':
    print(json.dumps({'peakKb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
elif mode == 'memory':
    out = json.dumps(json.loads(text))
    assert out == text, 'json.dumps(json.loads(text)) differs from the document'
    print(json.dumps({'peakKb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
else:
    wall, cpu = [], []
    for run in range(warmups + runs):
        gc.collect()
        started, cpu_started = time.perf_counter(), time.process_time()
        json.dumps(json.loads(text))
        if run >= warmups:
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
    print(json.dumps({'medianMs': statistics.median(wall), 'minMs': min(wall), 'cpuMs': statistics.median(cpu), 'version': sys.version.split()[0]}))
`;
  const run = (mode) => JSON.parse(execFileSync(PYTHON, ['-c', script, mode, file, String(WARMUP_RUNS), String(TIMED_RUNS)], { encoding: 'utf8' }));
  const timing = run('timing');
  return { ...timing, extraKb: run('memory').peakKb - run('baseline').peakKb };
}

function printReport(bytes, stats, results) {
  const python = results.find((result) => result.label.startsWith('CPython'));
  const v8 = results.find((result) => result.label.startsWith('V8'));
  const lines = [
    `Document: ${mib(bytes)} MiB (${bytes} bytes), ${stats.values} values: ${stats.floats} floats, ${stats.ints} ints, ${stats.strings} strings, ${stats.containers} lists and dicts.`,
    '',
    '| case | median wall ms | min wall ms | median CPU ms | CPU vs CPython | CPU vs V8 | peak extra memory | x document |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map((result) =>
      [
        '',
        result.label,
        result.medianMs.toFixed(1),
        result.minMs.toFixed(1),
        result.cpuMs.toFixed(1),
        `${(result.cpuMs / python.cpuMs).toFixed(2)}x`,
        `${(result.cpuMs / v8.cpuMs).toFixed(2)}x`,
        `${mib(result.extraKb * 1024)} MiB`,
        `${((result.extraKb * 1024) / bytes).toFixed(1)}x`,
        '',
      ].join(' | ').trim(),
    ),
    '',
    `Machine: ${os.cpus().length} CPUs (nproc ${execFileSync('nproc', { encoding: 'utf8' }).trim()}), ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${mib(os.totalmem())} MiB RAM, ${os.type()} ${os.release()}.`,
    `Versions: Node ${process.versions.node} (V8 ${process.versions.v8}), CPython ${python.version} (${PYTHON}).`,
  ];
  console.log(lines.join('\n'));
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
 * Generate one strategy's `self.vars` of about `targetBytes` once serialized, as plain
 * JS for `fromJs` (bigint for ints, number for floats, Map to keep order).
 */
function generateState(random, targetBytes) {
  const pick = (items) => items[Math.floor(random() * items.length)];
  const price = () => Math.round(random() * 90_000) / 100 + 1;
  const isoTime = (day) => `2025-${String(1 + (day % 12)).padStart(2, '0')}-${String(1 + (day % 28)).padStart(2, '0')}T${String(9 + Math.floor(random() * 7)).padStart(2, '0')}:30:00.${String(Math.floor(random() * 1e6)).padStart(6, '0')}-04:00`;

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

  const orders = [];
  const fills = [];
  state.set('open_orders', orders);
  state.set('fills', fills);
  let bytes = 0;
  for (let day = 0; bytes < targetBytes; day += 1) {
    const order = {
      id: random() < 0.5 ? 18446744073709551616n + BigInt(day) : BigInt(Math.floor(random() * 2 ** 53)),
      symbol: pick(SYMBOLS),
      qty: BigInt(1 + Math.floor(random() * 100)),
      limit: price(),
      submitted_at: isoTime(day),
      status: pick(['new', 'partially_filled', 'filled', 'canceled']),
      note: random() < 0.1 ? pick(NOTES) : null,
    };
    const fill = { order_id: order.id, price: price(), qty: Number(order.qty) / 2, fee: random() / 10, ts: isoTime(day), venue: pick(['XNAS', 'ARCX', 'BATS']) };
    (day % 3 === 0 ? orders : fills).push(day % 3 === 0 ? order : fill);
    bytes += 160;
  }

  return state;
}

// Last, so every constant above is initialized.
if (process.argv[2] === '--child') {
  await runChild(process.argv[3], process.argv[4]);
} else if (process.argv[2] === '--write-document') {
  // For profiling by hand: node test/bench/vars.bench.js --write-document FILE
  const vars = await import(path.join(distVars, 'index.js'));
  writeFileSync(process.argv[3], vars.serializeValue(vars.fromJs(generateState(createRandom(SEED), DOCUMENT_BYTES))));
} else {
  await main();
}
