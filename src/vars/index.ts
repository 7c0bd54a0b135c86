/**
 * The Vars model and the bot's JSON dialect: read and write Lumibot's
 * `vars_backup.variables` text exactly as the Python bot does.
 *
 * - `Vars.parse` / `toText`: one strategy's variables. Parsing checks the
 *   whole text and builds a variable only when it is read; writing keeps the
 *   bytes of every variable that was not set.
 * - `parseValue` / `serializeValue` / `canonicalize`: single values, in the
 *   value model of `value.ts`.
 * - `fromJs` / `toJs`: plain JavaScript values in and out.
 * - `toStandardJson`: standard JSON for other tools.
 * - `loadedType` / `loadFailures` / `dateConversions`: what the bot's loader
 *   makes of stored strings, under current and legacy Lumibot rules.
 *
 * Texts the bot cannot load raise `VarsParseError` with the line, column
 * and an excerpt. Integers longer than `MAX_INT_DIGITS` digits are rejected,
 * as CPython rejects them. Nesting deeper than `MAX_DEPTH` is rejected too,
 * a margin below the depth at which CPython's recursion limit may stop the bot.
 */

export * from './value.js';
export { VarsParseError } from './parse-error.js';
export { DEPTH_LIMIT_REASON, DEPTH_LIMIT_RISK, MAX_DEPTH, MAX_INT_DIGITS } from './limits.js';
export { parseValue, serializeValue, canonicalize } from './serialize.js';
export { Vars } from './vars.js';
export { fromJs, toJs } from './convert.js';
export { toStandardJson } from './standard-json.js';
export { loadedType, loadFailures, dateConversions } from './loader.js';
export type { LoadRules } from './loader.js';
