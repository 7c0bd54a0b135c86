/**
 * The Vars model and the bot's JSON dialect: read and write Lumibot's
 * `vars_backup.variables` text exactly as the Python bot does.
 *
 * - `Vars.parse` / `toText`: one strategy's variables, lossless.
 * - `parseValue` / `serializeValue` / `canonicalize`: single values.
 * - `fromJs` / `toJs`: plain JavaScript values in and out.
 * - `toStandardJson`: standard JSON for other tools.
 * - `loadedType` / `loadFailures` / `dateConversions`: what the bot's loader
 *   makes of stored strings.
 */

export * from './value.js';
export { VarsParseError } from './parse-error.js';
export { MAX_DEPTH, MAX_INT_DIGITS } from './limits.js';
export { parseValue, serializeValue, canonicalize } from './serialize.js';
export { Vars } from './vars.js';
export { fromJs, toJs } from './convert.js';
export { toStandardJson } from './standard-json.js';
export { loadedType, loadFailures, dateConversions } from './loader.js';
export type { LoadRules } from './loader.js';
