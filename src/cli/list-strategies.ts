import type { Store, StrategySummary, Timestamp } from '../store/types.js';
import { invalidUtf8Offset } from '../store/utf8.js';
import { millisFromMicros } from './time.js';

/** The `list` command's data: one entry per strategy, nothing printed here. */

export const PLACEHOLDER = 'INITIAL VALUE';

export interface StrategyListing {
  readonly strategyId: string;
  /** Rows with this strategy_id; more than 1 means duplicates. */
  readonly rows: number;
  /** `last_updated` of the row the bot loads. */
  readonly lastUpdated: Timestamp | null;
  /** Seconds since that backup, null when last_updated is NULL or unreadable. */
  readonly ageSeconds: number | null;
  /** Top-level keys of the loaded row, null when its text cannot be parsed. */
  readonly keys: number | null;
  /** UTF-8 size of the loaded row's `variables`, null for SQL NULL. */
  readonly bytes: number | null;
  /** The row Lumibot writes into a new table, holding no variables. */
  readonly placeholder: boolean;
  /** The reason the bot cannot load this strategy's variables, or null. */
  readonly error: string | null;
}

export interface ListRequest {
  readonly includePlaceholder: boolean;
  readonly nowMs: number;
}

/**
 * Lists every strategy, sorted by strategy_id in code point order. A text
 * that cannot be parsed is reported in `error` and never stops the listing.
 */
export async function listStrategies(store: Store, request: ListRequest): Promise<StrategyListing[]> {
  const { Vars, VarsParseError } = await import('../vars/index.js');
  const summaries = await store.listSummaries();

  const listings = summaries
    .map((summary) => describeSummary(summary, request.nowMs, (text) => inspectVariables(text, Vars, VarsParseError)))
    .filter((listing) => request.includePlaceholder || !listing.placeholder);

  return listings.sort((a, b) => compareCodePoints(a.strategyId, b.strategyId));
}

type Inspection = { keys: number | null; error: string | null };

function describeSummary(summary: StrategySummary, nowMs: number, inspect: (text: string) => Inspection): StrategyListing {
  const placeholder = summary.strategyId === PLACEHOLDER && summary.variables === PLACEHOLDER;
  const epochMicros = summary.lastUpdated?.epochMicros ?? null;
  const ageSeconds = epochMicros === null ? null : (nowMs - millisFromMicros(epochMicros)) / 1000;

  let inspection: Inspection;
  if (placeholder) {
    inspection = { keys: null, error: null };
  } else if (summary.variables === null) {
    inspection = { keys: null, error: 'variables is NULL' };
  } else {
    inspection = inspect(summary.variables);
  }

  return {
    strategyId: summary.strategyId,
    rows: summary.rowCount,
    lastUpdated: summary.lastUpdated,
    ageSeconds,
    keys: inspection.keys,
    bytes: summary.variablesBytes,
    placeholder,
    error: inspection.error,
  };
}

function inspectVariables(
  text: string,
  vars: typeof import('../vars/index.js').Vars,
  parseError: typeof import('../vars/index.js').VarsParseError,
): Inspection {
  const offset = invalidUtf8Offset(text);
  if (offset !== null) {
    return { keys: null, error: `not valid UTF-8 at byte ${offset}` };
  }

  try {
    return { keys: vars.parse(text).size, error: null };
  } catch (error) {
    if (error instanceof parseError) {
      return { keys: null, error: error.reason };
    }
    throw error;
  }
}

/** Code point order, the order of UTF-8 bytes, independent of locale. */
function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);

  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const difference = (left[index]?.codePointAt(0) ?? 0) - (right[index]?.codePointAt(0) ?? 0);
    if (difference !== 0) {
      return difference;
    }
  }
  return left.length - right.length;
}
