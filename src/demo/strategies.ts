/**
 * The demo database's content: strategies as a running Lumibot leaves them.
 * Every `variables` text is literal and spelled exactly as Python's
 * `json.dumps` writes it (one line, `", "` and `": "` separators, `\uXXXX`
 * escapes, bare NaN and Infinity); a test checks each one against Python.
 */

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface DemoRow {
  /** How long before the demo's creation the row was last backed up. */
  readonly ageSeconds: number;
  readonly variables: string;
}

export interface DemoStrategy {
  readonly strategyId: string;
  /** Usually one row; more for a strategy with duplicate rows. */
  readonly rows: readonly DemoRow[];
}

/** Age of the placeholder row: the table was created when the first strategy started. */
export const PLACEHOLDER_AGE_SECONDS = 420 * DAY;

/**
 * MomentumBot was backed up seconds ago, so it looks live. PairsTrader has a
 * second, older row with different variables, as a hand-made INSERT leaves
 * it; the bot loads the newer one. MeanReversion NaN-Edge holds NaN,
 * Infinity, integers beyond 2^53 and strings the bot turns into dates.
 */
export const DEMO_STRATEGIES: readonly DemoStrategy[] = [
  {
    strategyId: 'MomentumBot',
    rows: [
      { ageSeconds: 20, variables: String.raw`{"iteration_count": 1287, "last_price": 231.42, "position_qty": 150, "entry_price": 224.1, "trailing_stop": 219.62, "symbols": ["AAPL", "MSFT", "NVDA", "AMZN"], "sma_fast": 229.8375, "sma_slow": 226.0, "last_signal": "buy", "last_trade_time": "2026-11-30T10:15:02.481000-05:00", "trading_day": "2026-11-30", "last_order_id": 9007199254741001, "notes": null}` },
    ],
  },
  {
    strategyId: 'OptionsWheel',
    rows: [
      { ageSeconds: 4 * MINUTE, variables: String.raw`{"phase": "selling_calls", "underlying": "SPY", "shares_held": 100, "cost_basis": 498.75, "open_option": {"symbol": "SPY 2026-12-18 520C", "right": "call", "strike": 520.0, "expiration": "2026-12-18", "quantity": -1, "premium": 4.35}, "premium_collected": 1873.4, "cycles_completed": 7, "assignments": [{"date": "2026-10-17", "strike": 500.0, "side": "put"}, {"date": "2026-11-21", "strike": 505.0, "side": "call"}], "last_roll": "2026-11-21T15:45:00-05:00"}` },
    ],
  },
  {
    strategyId: 'Стратегия Волатильность 🚀',
    rows: [
      { ageSeconds: 2 * HOUR + 13 * MINUTE, variables: String.raw`{"\u0442\u0438\u043a\u0435\u0440": "SBER", "\u0437\u0430\u043c\u0435\u0442\u043a\u0430": "\u041f\u043e\u043a\u0443\u043f\u0430\u0442\u044c \u043d\u0430 \u043f\u0440\u043e\u0441\u0430\u0434\u043a\u0435 \ud83d\udcc9, \u043f\u0440\u043e\u0434\u0430\u0432\u0430\u0442\u044c \u043d\u0430 \u0440\u043e\u0441\u0442\u0435 \ud83d\udcc8", "\u0432\u043e\u043b\u0430\u0442\u0438\u043b\u044c\u043d\u043e\u0441\u0442\u044c": 0.2734, "\u043f\u043e\u0440\u043e\u0433": 1.5, "\u0441\u0434\u0435\u043b\u043a\u0438": 42, "\u0444\u043b\u0430\u0433\u0438": ["\ud83d\ude80", "\ud83d\udc8e\ud83d\ude4c"], "last_rebalance": "2026-12-01T16:00:00+03:00"}` },
    ],
  },
  {
    strategyId: 'MeanReversion NaN-Edge',
    rows: [
      { ageSeconds: DAY + 3 * HOUR, variables: String.raw`{"zscore": NaN, "upper_band": Infinity, "lower_band": -Infinity, "spread": 0.30000000000000004, "neg_zero": -0.0, "tiny": 1e-07, "huge": 1e+22, "whole_float": 250.0, "order_ids": [9007199254740993, 18446744073709551623, -9223372036854775808], "decimal_fee": 0.12345678901234568, "review_date": "2026-12-31", "filled_at": "2026-11-28T14:30:00Z", "entry_at": "2026-11-28 09:30:00", "ticker": "TTMI", "pair": "BRK-B", "client_order_id": "7d4e2a10-5b8c-4f3e-9a61-2c0b9e7f1d35", "dates_in_list": ["2026-11-27", "2026-11-28"], "int_keyed": {"1": "first", "2": "second"}, "empty_list": [], "empty_dict": {}, "empty_str": "", "enabled": true}` },
    ],
  },
  {
    strategyId: 'crypto-grid.bot v2',
    rows: [
      { ageSeconds: 6 * DAY, variables: String.raw`{"pair": ["BTC", "USDT"], "grid_levels": [88000.0, 89250.5, 90501.0, 91751.5], "base_order_size": 0.0015, "filled_levels": {"0": true, "2": false}, "fills": [{"price": 89250.5, "qty": 0.0015, "ts": "2026-11-29T03:12:44+00:00", "fee": 0.09}], "pnl_usdt": -8.7100000003, "exchange_order_ids": {"binance": 27182818284590452353, "kraken": "OX7QK2-PL4MZ-RT9WQA"}, "paused": false}` },
    ],
  },
  {
    strategyId: 'PairsTrader',
    rows: [
      { ageSeconds: 41 * DAY, variables: String.raw`{"pair": ["KO", "PEP"], "hedge_ratio": 0.8815, "spread_mean": 1.87, "spread_std": 0.41, "in_trade": false, "entry_spread": null, "trades_closed": 19}` },
      { ageSeconds: 45 * DAY, variables: String.raw`{"pair": ["KO", "PEP"], "hedge_ratio": 0.87, "spread_mean": 1.92, "in_trade": true, "entry_spread": 3.1}` },
    ],
  },
  {
    strategyId: 'DividendCapture',
    rows: [
      { ageSeconds: 400 * DAY, variables: String.raw`{"watchlist": ["T", "VZ", "MO"], "ex_dates": {"T": "2025-10-09", "VZ": "2025-10-10", "MO": "2025-09-15"}, "cash_reserved": 25000.0, "captured": 312.77}` },
    ],
  },
];
