import { isPlaceholderRow } from '../store/placeholder.js';
import type { Store, StrategySummary, Timestamp } from '../store/types.js';
import { invalidUtf8Offset } from '../store/utf8.js';
import { countTopLevelKeysQuickly } from '../vars/parser.js';
import { millisFromMicros } from './time.js';

/** The `list` command's data: one entry per strategy, nothing printed here. */

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
  /**
   * The parse error of this strategy's variables, or null. The bot cannot
   * load them either, unless the error is varsctl's nesting limit.
   */
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
  // Each text is inspected as its row arrives and then dropped, so the
  // texts of a large table are never all in memory at once, which made
  // garbage collection copy them between generations.
  const inspected = await store.listSummaries((summary) => {
    const inspection = inspectQuickly(summary);
    return { summary: inspection === null ? summary : { ...summary, variables: null }, placeholder: isPlaceholder(summary), inspection };
  });

  // The quick count settles the texts the bot writes. Any other text goes
  // through Vars.parse for the exact count or error, so the vars library is
  // imported only when some text needs it.
  if (inspected.some((entry) => entry.inspection === null)) {
    const { Vars, VarsParseError } = await import('../vars/index.js');
    for (const entry of inspected) {
      const text = entry.summary.variables;
      if (entry.inspection === null && text !== null) {
        entry.inspection = inspectVariables(text, Vars, VarsParseError);
      }
    }
  }

  const listings = inspected
    .map((entry) => describeSummary(entry.summary, entry.placeholder, request.nowMs, entry.inspection))
    .filter((listing) => request.includePlaceholder || !listing.placeholder);

  return listings.sort((a, b) => compareCodePoints(a.strategyId, b.strategyId));
}

type Inspection = { keys: number | null; error: string | null };

const PLACEHOLDER_INSPECTION: Inspection = { keys: null, error: null };
const NULL_INSPECTION: Inspection = { keys: null, error: 'variables is NULL' };

function isPlaceholder(summary: StrategySummary): boolean {
  return isPlaceholderRow(summary.strategyId, summary.variables);
}

/** Inspects a summary's text by the quick key count, or returns null when only Vars.parse can tell. */
function inspectQuickly(summary: StrategySummary): Inspection | null {
  if (isPlaceholder(summary)) {
    return PLACEHOLDER_INSPECTION;
  }
  if (summary.variables === null) {
    return NULL_INSPECTION;
  }
  // The store turns each byte that is not valid UTF-8 into a lone
  // surrogate, which the quick count would accept inside a string.
  if (invalidUtf8Offset(summary.variables) !== null) {
    return null;
  }

  const keys = countTopLevelKeysQuickly(summary.variables);
  return keys < 0 ? null : { keys, error: null };
}

function describeSummary(summary: StrategySummary, placeholder: boolean, nowMs: number, inspection: Inspection | null): StrategyListing {
  const epochMicros = summary.lastUpdated?.epochMicros ?? null;
  const ageSeconds = epochMicros === null ? null : (nowMs - millisFromMicros(epochMicros)) / 1000;

  return {
    strategyId: summary.strategyId,
    rows: summary.rowCount,
    lastUpdated: summary.lastUpdated,
    ageSeconds,
    keys: inspection?.keys ?? null,
    bytes: summary.variablesBytes,
    placeholder,
    error: inspection?.error ?? null,
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
  const length = Math.min(a.length, b.length);

  for (let index = 0; index < length; index++) {
    const left = a.charCodeAt(index);
    const right = b.charCodeAt(index);
    if (left !== right) {
      // Code units below the surrogates are code points. Past them, UTF-16
      // order differs from code point order, because in UTF-16 U+FFFF sorts
      // after U+10000.
      return left < 0xd800 && right < 0xd800 ? left - right : compareCodePointArrays(a, b);
    }
  }
  return a.length - b.length;
}

function compareCodePointArrays(a: string, b: string): number {
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
