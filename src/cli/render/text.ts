/**
 * Text helpers for terminal output: quoting names in messages, escaping
 * control characters so stored text cannot move the cursor, and measuring
 * and shortening text in terminal columns.
 */

// Characters escaped for display. The C0 and C1 controls and DEL can move
// the cursor. Some terminals take the line and paragraph separators as line
// breaks. The bidirectional controls can reorder what follows them on the
// line. A lone surrogate is not a character at all.
const CONTROL =
  /[\u0000-\u001f\u007f-\u009f\u061c\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/**
 * Quotes a strategy name or key for a message: `'MomentumBot'`, or JSON
 * double quotes when the name contains a quote or a control character.
 */
export function quote(name: string): string {
  if (name.includes("'") || printable(name) !== name) {
    return printable(JSON.stringify(name));
  }
  return `'${name}'`;
}

/** Replaces control characters (see CONTROL) and lone surrogates with escapes such as `\n` and `\u001b`. */
export function printable(text: string): string {
  return text.replace(CONTROL, (char) => SHORT_ESCAPES[char] ?? unicodeEscape(char));
}

/** Spells one UTF-16 code unit as a `\uXXXX` escape. */
function unicodeEscape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

// Characters that show as nothing: the soft hyphen, zero-width spaces and
// joiners, invisible operators and the byte order mark.
const INVISIBLE = /[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff]/;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'g');

/**
 * Shows a name in a table cell. A name that is empty, starts or ends with
 * whitespace, or contains a character that shows as nothing or as an escape
 * goes in JSON double quotes, with those characters escaped, so `A`, `A `
 * and `A\u200b` do not look the same. Inside the quotes a backslash is
 * doubled, so the byte shown as `"A\udcff"` differs from a name spelled
 * `A\udcff`, which shows as it is, as any other name does.
 */
export function printableName(name: string): string {
  if (name === '' || /^\s|\s$/u.test(name) || INVISIBLE.test(name) || printable(name) !== name) {
    return printable(JSON.stringify(name)).replace(INVISIBLE_ALL, unicodeEscape);
  }
  return printable(name);
}

let segmenter: Intl.Segmenter | undefined;

/**
 * Splits text into graphemes. The segmenter is made on first use, because
 * making the first one loads ICU's break rules and takes several
 * milliseconds, which commands that measure no text should not pay.
 */
export function segmentGraphemes(text: string): Intl.Segments {
  segmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  return segmenter.segment(text);
}

// Printable ASCII, Latin-1 Supplement to Spacing Modifier Letters (U+00A0
// to U+02FF), and the ellipsis that ends every shortened cell. None of them
// is a combining mark, a wide character or an emoji, so each is one
// grapheme one column wide.
const ONE_COLUMN_EACH = /^[\x20-\x7e\u00a0-\u02ff\u2026]*$/;

/** Tells whether every character of `text` is one grapheme one column wide (see above). */
export function takesOneColumnEach(text: string): boolean {
  return ONE_COLUMN_EACH.test(text);
}

/**
 * Counts the terminal columns `text` takes: 2 for East Asian wide characters
 * and emoji, 0 for combining marks, 1 otherwise.
 */
export function displayWidth(text: string): number {
  // Most cells are ASCII or Latin text, which needs no segmenting.
  if (takesOneColumnEach(text)) {
    return text.length;
  }
  return segmentedWidth(text);
}

/** Counts the columns of `text` grapheme by grapheme, as `displayWidth` does without its shortcut. */
export function segmentedWidth(text: string): number {
  let width = 0;
  for (const { segment } of segmentGraphemes(text)) {
    width += graphemeWidth(segment);
  }
  return width;
}

/**
 * Shortens `text` to at most `maxWidth` columns, ending with `…` when it cut
 * something. Reads graphemes only until the width is exceeded, so a 10 MB
 * value costs no more than a short one.
 */
export function truncate(text: string, maxWidth: number): string {
  // Text whose first maxWidth + 1 characters take one column each is cut
  // without segmenting, so a table of ASCII text never loads ICU's break rules.
  if (maxWidth >= 1 && takesOneColumnEach(text.slice(0, maxWidth + 1))) {
    return text.length > maxWidth ? `${text.slice(0, maxWidth - 1)}…` : text;
  }
  return truncateSegmented(text, maxWidth);
}

/** Shortens `text` grapheme by grapheme, as `truncate` does without its shortcut. */
export function truncateSegmented(text: string, maxWidth: number): string {
  // Code units of the longest prefix that fits in maxWidth - 1 columns, which
  // leaves one column for the ellipsis.
  let keptLength = 0;
  let width = 0;

  for (const { segment, index } of segmentGraphemes(text)) {
    width += graphemeWidth(segment);
    if (width > maxWidth) {
      return `${text.slice(0, keptLength)}…`;
    }
    if (width <= maxWidth - 1) {
      keptLength = index + segment.length;
    }
  }
  return text;
}

function graphemeWidth(grapheme: string): number {
  const codePoint = grapheme.codePointAt(0) ?? 0;

  if (/^\p{Mark}+$/u.test(grapheme) || codePoint === 0x200b) {
    return 0;
  }
  if (isWide(codePoint) || /\p{Extended_Pictographic}\ufe0f|\p{Emoji_Presentation}/u.test(grapheme)) {
    return 2;
  }
  return 1;
}

/** East Asian Wide and Fullwidth blocks (Unicode TR 11), the ranges terminals draw double. */
function isWide(codePoint: number): boolean {
  return (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf && codePoint !== 0x303f) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd)
  );
}
