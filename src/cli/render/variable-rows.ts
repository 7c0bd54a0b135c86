import type { Vars } from '../../vars/index.js';
import { loadedTypeLabel, outlineTypeLabel } from '../bot-load.js';
import type { VariableRow } from './show.js';

/**
 * Lists and dicts whose source text is at least this many UTF-16 code units
 * long are outlined, not built. Measured on Node.js 20, the two paths took
 * about the same CPU time for values of 100 to 5,000 code units (tens of
 * microseconds), and the outline saves allocations only on larger ones.
 */
const OUTLINE_MIN_LENGTH = 2048;

/**
 * Returns the rows of the `show` table: each variable with its TYPE label,
 * and with its value built when it is short or `full` requests whole
 * values, else outlined from its source text.
 */
export async function variableRows(vars: Vars, full: boolean): Promise<VariableRow[]> {
  const { outlineValue } = await import('../../vars/value-outline.js');
  const rows: VariableRow[] = [];

  for (const key of vars.keys()) {
    const source = vars.valueSource(key);
    if (!full && source !== undefined && isLargeContainer(source)) {
      const outline = outlineValue(source.text, source.start);
      rows.push({ key, type: outlineTypeLabel(outline), outline });
    } else {
      const value = vars.get(key)!;
      rows.push({ key, type: await loadedTypeLabel(value), value });
    }
  }

  return rows;
}

/** Checks whether the value is a list or dict with a long source text. A string is built once either way, so it is never outlined. */
function isLargeContainer(source: { text: string; start: number; end: number }): boolean {
  const opening = source.text[source.start];
  return (opening === '[' || opening === '{') && source.end - source.start >= OUTLINE_MIN_LENGTH;
}
