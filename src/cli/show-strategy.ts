import { CorruptDataError } from '../errors.js';
import { isPlaceholderRow } from '../store/placeholder.js';
import { invalidUtf8Offset } from '../store/utf8.js';
import { DEPTH_LIMIT_REASON, DEPTH_LIMIT_RISK } from '../vars/limits.js';
import type { BackupRow, Store, StrategyRows } from '../store/types.js';
import type { Vars } from '../vars/index.js';
import { quote } from './render/text.js';
import { findStrategy } from './strategy.js';

/** Reading a strategy's variables the way the bot's loader does; nothing printed here. */

export interface LoadedStrategy {
  readonly strategy: StrategyRows;
  /** The row `ORDER BY last_updated DESC LIMIT 1` returns, which the bot loads. */
  readonly loaded: BackupRow;
}

export interface ParsedStrategy extends LoadedStrategy {
  readonly vars: Vars;
  /** The loaded row's `variables`, byte for byte. */
  readonly text: string;
}

/** Reads all rows of a strategy and picks the one the bot loads. Throws NotFoundError with near names. */
export async function loadStrategy(store: Store, strategyId: string): Promise<LoadedStrategy> {
  return pickLoadedRow(await findStrategy(store, strategyId));
}

/**
 * Reads and parses the variables the bot loads for a strategy. Throws
 * NotFoundError with near names, or CorruptDataError (exit 5) naming the
 * line, column and excerpt when the bot could not load them either.
 */
export async function parseStrategy(store: Store, strategyId: string): Promise<ParsedStrategy> {
  return parseStrategyRows(await findStrategy(store, strategyId));
}

/** Parses the variables of the row the bot loads; throws CorruptDataError as `parseStrategy` does. */
export async function parseStrategyRows(strategy: StrategyRows): Promise<ParsedStrategy> {
  const { Vars, VarsParseError } = await import('../vars/index.js');
  const { loaded } = pickLoadedRow(strategy);
  const strategyId = strategy.strategyId;
  const text = loaded.variables;

  if (text === null) {
    throw new CorruptDataError(`the variables of strategy ${quote(strategyId)} are NULL, which the bot cannot load`, {
      hint: 'restore the strategy from an export, or delete its rows with varsctl purge and let the bot start afresh',
    });
  }

  const offset = invalidUtf8Offset(text);
  if (offset !== null) {
    throw new CorruptDataError(`the variables of strategy ${quote(strategyId)} are not valid UTF-8 at byte ${offset}, which the bot cannot load`, {
      hint: `see the bytes with varsctl show ${quote(strategyId)} --raw; fix them with varsctl restore or by hand`,
    });
  }

  try {
    return { strategy, loaded, text, vars: Vars.parse(text) };
  } catch (error) {
    if (!(error instanceof VarsParseError)) {
      throw error;
    }
    const hint = isDepthLimit(error.reason)
      ? `varsctl does not parse it because ${DEPTH_LIMIT_RISK}; see it whole with varsctl show ${quote(strategyId)} --raw`
      : await corruptHint(strategyId, text);
    throw new CorruptDataError(
      `the variables of strategy ${quote(strategyId)} cannot be parsed: ${error.reason} ` +
        `at line ${error.line}, column ${error.column}: ${error.excerpt}`,
      { hint, cause: error },
    );
  }
}

function pickLoadedRow(strategy: StrategyRows): LoadedStrategy {
  const loaded = strategy.rows[strategy.loadedIndex];
  if (loaded === undefined) {
    throw new Error(`the store returned no row at loadedIndex ${strategy.loadedIndex} for ${quote(strategy.strategyId)}`);
  }
  return { strategy, loaded };
}

async function corruptHint(strategyId: string, text: string): Promise<string> {
  if (isPlaceholderRow(strategyId, text)) {
    return 'this is the placeholder row Lumibot writes when it creates the table; it holds no variables';
  }
  return `the bot cannot load this text either; see it whole with varsctl show ${quote(strategyId)} --raw`;
}

/** Tells varsctl's nesting limit apart from a syntax error: the bot may still load such a text. */
export function isDepthLimit(reason: string): boolean {
  return reason === DEPTH_LIMIT_REASON;
}
