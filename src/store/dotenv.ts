/**
 * Reads a `.env` file the way python-dotenv 1.2 (`load_dotenv`, which the
 * bot calls) reads it, so varsctl gets the URL the bot gets. npm's dotenv
 * differs on several points that matter for URLs: python-dotenv expands
 * `${VAR}` and `${VAR:-default}` in every value, cuts an unquoted value at
 * whitespace followed by `#`, accepts an `export ` prefix, and decodes escapes
 * only inside quotes.
 *
 * The grammar follows python-dotenv's parser module rule for rule: a binding
 * is `[export ]KEY[ = VALUE][ # comment]`, KEY is `'quoted'` or runs up to
 * `=`, `#` or whitespace, and VALUE is single-quoted, double-quoted (both may
 * span lines) or the rest of the line. A line that does not fit is skipped
 * with a warning, as python-dotenv skips it.
 *
 * NOTE: python-dotenv 1.0 and 1.1 read two rare spellings differently: a
 * backslash before the closing quote, and `KEY= # comment`.
 */

export interface DotenvBinding {
  readonly key: string;
  /** Null for a key without `=`, which python-dotenv leaves unset. */
  readonly value: string | null;
  /** True when the value was written without quotes. */
  readonly unquoted: boolean;
  /** 1-based line where the binding starts. */
  readonly line: number;
}

export interface DotenvResult {
  readonly bindings: readonly DotenvBinding[];
  /** Lines python-dotenv cannot parse and skips, with their numbers. */
  readonly invalidLines: readonly number[];
}

// Python's `\s` for str patterns. JavaScript's `\s` differs: it also matches
// U+FEFF (a byte order mark) and misses U+001C..U+001F and U+0085.
const SPACE = '\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const LINE_SPACE = SPACE.replace('\\n', '').replace('\\r', '');

const MULTILINE_WHITESPACE = new RegExp(`[${SPACE}]*`, 'y');
const WHITESPACE = new RegExp(`[${LINE_SPACE}]*`, 'y');
const EXPORT = new RegExp(`(?:export[${LINE_SPACE}]+)?`, 'y');
const SINGLE_QUOTED_KEY = /'([^']+)'/y;
const UNQUOTED_KEY = new RegExp(`([^=#${SPACE}]+)`, 'y');
const EQUAL_SIGN = new RegExp(`(=[${LINE_SPACE}]*)`, 'y');
// A backslash escapes the character after it, so `\\` cannot end a value early.
const SINGLE_QUOTED_VALUE = /'((?:\\[\s\S]|[^'\\])*)'/y;
const DOUBLE_QUOTED_VALUE = /"((?:\\[\s\S]|[^"\\])*)"/y;
const UNQUOTED_VALUE = /([^\r\n]*)/y;
const COMMENT = new RegExp(`(?:[${LINE_SPACE}]*#[^\\r\\n]*)?`, 'y');
const END_OF_LINE = new RegExp(`[${LINE_SPACE}]*(?:\\r\\n|\\n|\\r|$)`, 'y');
const REST_OF_LINE = /[^\r\n]*(?:\r|\n|\r\n)?/y;
const INLINE_COMMENT = new RegExp(`[${SPACE}]+#.*`);
const TRAILING_SPACE = new RegExp(`[${SPACE}]+$`);

const SINGLE_QUOTE_ESCAPES = /\\[\\']/g;
const DOUBLE_QUOTE_ESCAPES = /\\[\\'"abfnrtv]/g;

const ESCAPED_CHARACTERS: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

// POSIX-style expansion as python-dotenv does it: `${NAME}` or `${NAME:-default}`.
const VARIABLE = /\$\{([^}:]*)(?::-([^}]*))?\}/g;

class ParseFailure extends Error {}

/** A cursor over the file text that matches sticky regular expressions at its position. */
class Reader {
  position = 0;
  private mark = 0;

  private readonly text: string;

  // python-dotenv 1.2 drops a leading byte order mark.
  constructor(text: string) {
    this.text = text.startsWith('\uFEFF') ? text.slice(1) : text;
  }

  hasNext(): boolean {
    return this.position < this.text.length;
  }

  setMark(): void {
    this.mark = this.position;
  }

  markedLine(): number {
    return this.text.slice(0, this.mark).split(/\r\n|\r|\n/).length;
  }

  peek(): string {
    return this.text.slice(this.position, this.position + 1);
  }

  read(pattern: RegExp): string[] {
    pattern.lastIndex = this.position;
    const match = pattern.exec(this.text);
    if (match === null) {
      throw new ParseFailure('no match');
    }
    this.position += match[0].length;
    return match.slice(1).map((group) => group ?? '');
  }
}

/** Parses `.env` text into bindings in file order, without expanding variables. */
export function parseDotenv(text: string): DotenvResult {
  const reader = new Reader(text);
  const bindings: DotenvBinding[] = [];
  const invalidLines: number[] = [];

  while (reader.hasNext()) {
    reader.setMark();
    try {
      const binding = parseBinding(reader);
      if (binding !== null) {
        bindings.push({ ...binding, line: reader.markedLine() });
      }
    } catch (error) {
      if (!(error instanceof ParseFailure)) {
        throw error;
      }
      reader.read(REST_OF_LINE);
      invalidLines.push(reader.markedLine());
    }
  }

  return { bindings, invalidLines };
}

/**
 * Describes how npm's dotenv would read `binding` differently, for a note:
 * it ends an unquoted value at its first `#` and leaves `${VAR}` as written
 * (checked with dotenv 18.0). Returns an empty list when both read it alike.
 */
export function npmDotenvDifferences(binding: DotenvBinding): string[] {
  const differences: string[] = [];
  if (binding.value === null) {
    return differences;
  }

  if (binding.unquoted && binding.value.includes('#')) {
    differences.push('its unquoted value contains "#", where npm\'s dotenv would end the value');
  }
  if (new RegExp(VARIABLE.source).test(binding.value)) {
    differences.push("its value contains ${...}, which npm's dotenv would keep as written");
  }
  return differences;
}

/**
 * Expands `${VAR}` in every value as `load_dotenv(override=False)` does: a
 * variable of the process environment wins over one defined earlier in the
 * file, and an unknown one without a default becomes the empty string.
 */
export function expandDotenv(bindings: readonly DotenvBinding[], env: NodeJS.ProcessEnv): Map<string, string | null> {
  const values = new Map<string, string | null>();

  for (const binding of bindings) {
    if (binding.value === null) {
      values.set(binding.key, null);
      continue;
    }

    const expanded = binding.value.replace(VARIABLE, (_, name: string, fallback: string | undefined) => {
      if (env[name] !== undefined) {
        return env[name];
      }
      // A key defined earlier without `=` is known but unset: "" and not the default.
      return values.has(name) ? (values.get(name) ?? '') : (fallback ?? '');
    });
    values.set(binding.key, expanded);
  }
  return values;
}

function parseBinding(reader: Reader): Omit<DotenvBinding, 'line'> | null {
  reader.read(MULTILINE_WHITESPACE);
  if (!reader.hasNext()) {
    return null;
  }

  reader.read(EXPORT);
  const key = parseKey(reader);
  reader.read(WHITESPACE);

  let value: string | null = null;
  let unquoted = true;
  if (reader.peek() === '=') {
    const [equalSign = ''] = reader.read(EQUAL_SIGN);
    unquoted = reader.peek() !== "'" && reader.peek() !== '"';
    // `KEY= # note` is an empty value and a comment; `KEY=#x` is the value `#x`.
    value = equalSign.length > 1 && reader.peek() === '#' ? '' : parseValue(reader);
  }

  reader.read(COMMENT);
  reader.read(END_OF_LINE);
  return key === null ? null : { key, value, unquoted };
}

function parseKey(reader: Reader): string | null {
  const char = reader.peek();
  if (char === '#') {
    return null;
  }
  const [key = ''] = reader.read(char === "'" ? SINGLE_QUOTED_KEY : UNQUOTED_KEY);
  return key;
}

function parseValue(reader: Reader): string {
  const char = reader.peek();

  if (char === "'") {
    const [value = ''] = reader.read(SINGLE_QUOTED_VALUE);
    return decodeEscapes(value, SINGLE_QUOTE_ESCAPES);
  }
  if (char === '"') {
    const [value = ''] = reader.read(DOUBLE_QUOTED_VALUE);
    return decodeEscapes(value, DOUBLE_QUOTE_ESCAPES);
  }
  if (char === '' || char === '\n' || char === '\r') {
    return '';
  }

  const [part = ''] = reader.read(UNQUOTED_VALUE);
  return part.replace(INLINE_COMMENT, '').replace(TRAILING_SPACE, '');
}

function decodeEscapes(value: string, escapes: RegExp): string {
  return value.replace(escapes, (escape) => ESCAPED_CHARACTERS[escape.slice(1)] ?? escape);
}
