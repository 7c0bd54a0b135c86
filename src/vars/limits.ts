/**
 * Limits the bot's Python runtime (CPython 3.11) imposes on what it can load
 * or write, which varsctl enforces so it never accepts or produces a text the
 * bot cannot handle.
 */

/**
 * Maximum nesting of lists and dicts. CPython's `json.loads` and `json.dumps`
 * raise RecursionError at 995 levels when called from a script's top level
 * (recursion limit 1000), and the bot calls them from deeper stacks. 900
 * leaves that margin and keeps every recursive function here far from the
 * V8 stack limit.
 */
export const MAX_DEPTH = 900;

/**
 * Maximum decimal digits of an integer. Python 3.11 refuses to convert longer
 * decimal strings to int and back (`sys.get_int_max_str_digits()`, default
 * 4300), so `json.loads` and `json.dumps` raise ValueError on them.
 */
export const MAX_INT_DIGITS = 4300;
