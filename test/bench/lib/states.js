// Realistic bot states as Lumibot writes them: the text of Python's
// json.dumps with its default settings (", " and ": " separators, keys in
// insertion order, ensure_ascii escapes, NaN as a bare token, floats in repr
// form). Generation is seeded, so every run measures the same bytes.

/** A float to spell as Python's repr spells it (`100.0`, `1e-05`, `NaN`). */
export class PyFloat {
  constructor(value) {
    this.value = value;
  }
}

/** A small, fast, seeded generator (mulberry32); returns numbers in [0, 1). */
export function createRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Serializes a value exactly as Python's `json.dumps(value)` would. */
export function pythonJson(value) {
  if (value === null) {
    return 'null';
  }
  if (value === true) {
    return 'true';
  }
  if (value === false) {
    return 'false';
  }
  if (typeof value === 'string') {
    return pythonString(value);
  }
  if (typeof value === 'bigint') {
    return value.toString();
  }
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new Error(`use PyFloat or BigInt for the number ${value}`);
    }
    return String(value);
  }
  if (value instanceof PyFloat) {
    return pythonFloat(value.value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(pythonJson).join(', ')}]`;
  }
  const members = Object.entries(value).map(([key, member]) => `${pythonString(key)}: ${pythonJson(member)}`);
  return `{${members.join(', ')}}`;
}

const SHORT_ESCAPES = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/** A str under ensure_ascii: controls, DEL and every non-ASCII UTF-16 code unit become `\uXXXX`. */
function pythonString(text) {
  let out = '"';
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    const code = text.charCodeAt(index);
    if (SHORT_ESCAPES[character] !== undefined) {
      out += SHORT_ESCAPES[character];
    } else if (code < 0x20 || code > 0x7e) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else {
      out += character;
    }
  }
  return `${out}"`;
}

/** Python's float repr: shortest round-trip digits, exponent below 1e-4 and from 1e16. */
function pythonFloat(value) {
  if (Number.isNaN(value)) {
    return 'NaN';
  }
  if (value === Infinity) {
    return 'Infinity';
  }
  if (value === -Infinity) {
    return '-Infinity';
  }
  if (Object.is(value, -0)) {
    return '-0.0';
  }

  const magnitude = Math.abs(value);
  if (magnitude >= 1e-4 && magnitude < 1e16) {
    const text = String(value);
    return Number.isInteger(value) ? `${text}.0` : text;
  }

  const [mantissa, exponent] = value.toExponential().split('e');
  const sign = exponent.startsWith('-') ? '-' : '+';
  return `${mantissa}e${sign}${exponent.replace(/^[+-]/, '').padStart(2, '0')}`;
}

const TICKERS = ['AAPL', 'MSFT', 'NVDA', 'SPY', 'QQQ', 'TSLA', 'AMZN', 'BRK-B', 'TTMI', 'GOOGL', 'META', 'AMD', 'JPM', 'XOM', 'IWM'];
const NOTES = ['Café rebalance done 🚀', 'Zürich session: hedge rolled', 'stop moved after FOMC', '株式 rotation paused', 'waiting for NaN-free ATR'];

/**
 * One strategy's state of about `targetBytes` bytes: scalars, parameters,
 * positions and orders, then a daily history that grows to the size asked.
 */
export function botState(random, targetBytes) {
  const pick = (items) => items[Math.floor(random() * items.length)];
  const price = (low, high) => new PyFloat(Math.round((low + random() * (high - low)) * 100) / 100);
  const ratio = () => new PyFloat(Math.round(random() * 1e6) / 1e6);
  const day = dateText(Date.UTC(2025, 0, 2) + Math.floor(random() * 300) * 86_400_000);

  const symbols = [...new Set(Array.from({ length: 3 + Math.floor(random() * 4) }, () => pick(TICKERS)))];
  const positions = {};
  for (const symbol of symbols) {
    positions[symbol] = {
      quantity: Math.floor(random() * 500) - 100,
      avg_fill_price: price(10, 900),
      side: random() < 0.8 ? 'long' : 'short',
      opened: dateText(Date.UTC(2024, 6, 1) + Math.floor(random() * 200) * 86_400_000),
      stop: price(5, 800),
      targets: [price(10, 950), price(10, 950)],
    };
  }

  const state = {
    iteration_count: Math.floor(random() * 200_000),
    last_trade_time: dateTimeText(random, day),
    trading_day: day,
    in_position: random() < 0.5,
    cash: price(1_000, 2_000_000),
    portfolio_value: price(10_000, 5_000_000),
    symbols,
    parameters: {
      fast_period: 10,
      slow_period: 50,
      risk_per_trade: new PyFloat(0.01),
      stop_loss_pct: new PyFloat(0.05),
      min_edge: new PyFloat(1e-5),
      max_positions: 5,
    },
    last_order_id: 9007199254740993n + BigInt(Math.floor(random() * 1e6)),
    note: pick(NOTES),
    atr_14: random() < 0.1 ? new PyFloat(NaN) : price(0.5, 30),
    positions,
    open_orders: symbols.slice(0, 2).map((symbol) => ({
      id: BigInt(Math.floor(random() * 1e15)),
      symbol,
      qty: 1 + Math.floor(random() * 100),
      limit_price: price(10, 900),
      submitted_at: dateTimeText(random, day),
      status: pick(['new', 'partially_filled', 'open']),
    })),
  };

  const head = pythonJson(state);
  const entries = [];
  let bytes = head.length + '"daily_history": []'.length + 2;
  let time = Date.UTC(2025, 9, 31);
  while (bytes < targetBytes) {
    const entry = pythonJson({
      date: dateText(time),
      equity: price(10_000, 5_000_000),
      pnl: price(-20_000, 20_000),
      trades: Math.floor(random() * 40),
      exposure: { [pick(TICKERS)]: ratio(), [pick(TICKERS)]: ratio() },
      closed_at: dateTimeText(random, dateText(time)),
    });
    entries.push(entry);
    bytes += entry.length + 2;
    time -= 86_400_000;
  }

  return `${head.slice(0, -1)}, "daily_history": [${entries.join(', ')}]}`;
}

function dateText(epochMs) {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** A pytz-style New York time such as `2025-03-14T09:30:00.123456-04:00`. */
function dateTimeText(random, day) {
  const month = Number(day.slice(5, 7));
  const offset = month >= 4 && month <= 10 ? '-04:00' : '-05:00';
  const seconds = 9 * 3600 + 30 * 60 + Math.floor(random() * 6.5 * 3600);
  const clock = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60]
    .map((part) => String(part).padStart(2, '0'))
    .join(':');
  const micros = String(Math.floor(random() * 1e6)).padStart(6, '0');
  return `${day}T${clock}.${micros}${offset}`;
}
