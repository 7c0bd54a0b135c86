/**
 * The row Lumibot's first backup writes into a new table, through pandas:
 * strategy_id and variables are both this text, and no bot loads it.
 */
export const PLACEHOLDER = 'INITIAL VALUE';

/** Tells whether a row is the placeholder row, not a strategy that took its name. */
export function isPlaceholderRow(strategyId: string | null, variables: string | null): boolean {
  return strategyId === PLACEHOLDER && variables === PLACEHOLDER;
}
