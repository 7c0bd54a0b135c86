/**
 * Standard JSON output of values, for `--json` and for tools such as `jq`.
 */

import { checkDepth, formatInt } from './serialize.js';
import { formatFloat } from './python-spelling.js';
import type { VarValue } from './value.js';

/**
 * Write a value as standard JSON (RFC 8259), which `jq` and `JSON.parse`
 * read, but which the bot's dialect does not round-trip through:
 *
 * - ints are exact digit literals of any size (a reader such as JSON.parse
 *   may still round those beyond 2^53);
 * - floats use Python's repr spelling (`1.0`, `1e-05`, `1e+16`, `-0.0`), all
 *   valid JSON numbers;
 * - NaN, Infinity and -Infinity, which JSON cannot express, become the
 *   strings `"NaN"`, `"Infinity"` and `"-Infinity"`;
 * - strings and keys are escaped as `JSON.stringify` escapes them, so
 *   non-ASCII characters stay raw (UTF-8 once encoded) and lone surrogates
 *   become `\udXXX` escapes.
 *
 * Without `indent` the output is compact (`{"a":1}`); with it, nested values
 * go on their own lines indented by that many spaces, as
 * `JSON.stringify(value, null, indent)` lays them out.
 */
export function toStandardJson(value: VarValue, indent?: number): string {
  const unit = indent === undefined || indent <= 0 ? '' : ' '.repeat(Math.min(10, Math.floor(indent)));
  return writeStandard(value, unit, '', 0);
}

function writeStandard(value: VarValue, unit: string, currentIndent: string, depth: number): string {
  switch (value.type) {
    case 'NoneType':
      return 'null';
    case 'bool':
      return value.value ? 'true' : 'false';
    case 'int':
      return formatInt(value.value);
    case 'float':
      return Number.isFinite(value.value) ? formatFloat(value.value) : `"${formatFloat(value.value)}"`;
    case 'str':
      return JSON.stringify(value.value);
    case 'list': {
      checkDepth(depth + 1);
      const inner = currentIndent + unit;
      const parts = value.items.map((item) => writeStandard(item, unit, inner, depth + 1));
      return frame('[', ']', parts, unit, currentIndent);
    }
    case 'dict': {
      checkDepth(depth + 1);
      const inner = currentIndent + unit;
      const separator = unit === '' ? ':' : ': ';
      const parts: string[] = [];
      for (const [key, item] of value.entries) {
        parts.push(JSON.stringify(key) + separator + writeStandard(item, unit, inner, depth + 1));
      }
      return frame('{', '}', parts, unit, currentIndent);
    }
  }
}

function frame(open: string, close: string, parts: string[], unit: string, currentIndent: string): string {
  if (parts.length === 0) {
    return open + close;
  }
  if (unit === '') {
    return open + parts.join(',') + close;
  }

  const inner = currentIndent + unit;
  return open + '\n' + inner + parts.join(',\n' + inner) + '\n' + currentIndent + close;
}
