/**
 * Characters that JSON.stringify leaves raw but that a text editor shows as
 * nothing or may silently drop or rewrite: DEL and the C1 controls, the soft
 * hyphen, zero-width and bidirectional controls, line and paragraph
 * separators, and the byte order mark. They can only occur inside strings
 * in JSON.stringify output, so escaping them keeps the line valid JSON with
 * the same value.
 */
const INVISIBLE = /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;

/**
 * Serializes a record as one line of JSON with its trailing newline.
 * Non-ASCII text stays readable UTF-8, apart from the invisible characters
 * above, which become `\uXXXX` escapes.
 */
export function jsonLine(record: unknown): string {
  return `${escapeInvisible(JSON.stringify(record))}\n`;
}

/** Replaces the invisible characters above with `\uXXXX` escapes, for display as well as for export lines. */
export function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE, escapeCharacter);
}

function escapeCharacter(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
