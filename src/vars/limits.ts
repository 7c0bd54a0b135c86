/**
 * Limits the bot's Python runtime (CPython 3.11) imposes on what it can load
 * or write, which varsctl enforces so it never accepts or produces a text the
 * bot cannot handle.
 */

/**
 * Maximum nesting of lists and dicts that varsctl parses or writes. It is
 * a margin, not the bot's exact limit: CPython 3.11's `json.loads` recurses
 * once per level under the default recursion limit of 1000 frames, so from a
 * script's top level 995 levels load and 996 raise RecursionError. The bot
 * calls it with its own frames on the stack, so its limit is lower by an
 * amount that varsctl cannot know. 900 also keeps every recursive function
 * here far from the V8 stack limit.
 */
export const MAX_DEPTH = 900;

/** The parse error reason for a text nested deeper than MAX_DEPTH. */
export const DEPTH_LIMIT_REASON = `nesting deeper than ${MAX_DEPTH} levels of lists and dicts`;

/**
 * The consequence of nesting beyond MAX_DEPTH, for messages that report such
 * a text. The wording is "may" because the bot's own stack depth is not known.
 */
export const DEPTH_LIMIT_RISK =
  `beyond ${MAX_DEPTH} levels the bot's json.loads may raise RecursionError ` +
  "(Python's default recursion limit is 1000 frames, and the bot's own call stack uses part of it)";

/**
 * Maximum decimal digits of an integer. Python 3.11 refuses to convert longer
 * decimal strings to int and back (`sys.get_int_max_str_digits()`, default
 * 4300), so `json.loads` and `json.dumps` raise ValueError on them.
 */
export const MAX_INT_DIGITS = 4300;
