import { createHash } from 'node:crypto';

import { isNotATime } from '../store/restore.js';
import { encodeEscaped, unpairedSurrogate, type UnpairedSurrogate } from '../store/utf8.js';
import type { ArchiveHeader, ArchiveRow, ArchiveTimestamp, ArchiveTrailer } from './format.js';
import { loadsBefore } from './load-order.js';
import { readArchive } from './reader.js';

/** An export file that can be read more than once: a path, or standard input spooled to a temporary file. */
export interface ArchiveInput {
  /** The file as messages name it. */
  readonly name: string;
  open(): AsyncIterable<Uint8Array>;
}

/** One strategy's rows in a verified export, summarised. */
export interface ArchiveStrategy {
  readonly strategyId: string;
  readonly rows: number;
  /** Line of the row the bot would load among this strategy's rows. */
  readonly loadedLine: number;
  readonly loadedLastUpdated: ArchiveTimestamp | null;
  /** SHA-256 of the loaded row's `variables`, to compare with a database row without keeping the text. */
  readonly loadedVariablesDigest: string;
  /** True when any of its rows was edited after the export. */
  readonly edited: boolean;
  /** Its first row with a text that is not well-formed Unicode, or null (the usual case). */
  readonly unpaired: UnpairedText | null;
  /** Its first row with the character NUL in a text, which PostgreSQL cannot store, or null. */
  readonly nul: TextPosition | null;
  /** Its first row whose last_updated is a text that is neither a time nor infinity, or null. */
  readonly notATime: { readonly line: number; readonly text: string } | null;
}

/** The position of a text in an export: its line and column. */
export interface TextPosition {
  readonly line: number;
  readonly column: 'strategy_id' | 'id' | 'last_updated' | 'variables';
}

/** A row text with a lone surrogate, such as bytes from an SQLite TEXT column that are not UTF-8. */
export interface UnpairedText extends UnpairedSurrogate, TextPosition {}

export interface EditedRow {
  readonly line: number;
  readonly strategyId: string;
  readonly id: string | null;
}

/** The result of reading a whole export once: everything needed to plan a restore, without the texts. */
export interface ArchiveManifest {
  readonly header: ArchiveHeader;
  readonly trailer: ArchiveTrailer;
  /** False only with accept-edits, when the file changed after the export. */
  readonly checksumMatches: boolean;
  /** SHA-256 of the verified bytes before the trailer, for reading the file again (`verifiedSha256`). */
  readonly sha256: string;
  readonly rows: number;
  /** In the order of their first row in the file. */
  readonly strategies: ReadonlyMap<string, ArchiveStrategy>;
  readonly editedRows: readonly EditedRow[];
}

/**
 * Reads and verifies a whole export without keeping any `variables` text,
 * so memory grows with the number of strategies, not with the file's size.
 * Throws CorruptDataError for any damage, before a caller writes anything.
 */
export async function verifyArchive(input: ArchiveInput, options: { acceptEdits: boolean }): Promise<ArchiveManifest> {
  const strategies = new Map<string, ArchiveStrategy>();
  const editedRows: EditedRow[] = [];
  let header: ArchiveHeader | undefined;
  let rows = 0;

  for await (const entry of readArchive(input.open(), { name: input.name, acceptEdits: options.acceptEdits })) {
    if (entry.kind === 'header') {
      header = entry.header;
      continue;
    }

    if (entry.kind === 'row') {
      rows += 1;
      strategies.set(entry.row.strategyId, addRow(strategies.get(entry.row.strategyId), entry.row, entry.line, entry.edited));
      if (entry.edited) {
        editedRows.push({ line: entry.line, strategyId: entry.row.strategyId, id: entry.row.id });
      }
      continue;
    }

    if (header === undefined) {
      throw new Error('readArchive ended before its header');
    }
    return { header, trailer: entry.trailer, checksumMatches: entry.checksumMatches, sha256: entry.sha256, rows, strategies, editedRows };
  }

  throw new Error('readArchive ended without its end entry');
}

/**
 * SHA-256 of a `variables` text, or of the marker `null` for SQL NULL. The
 * text is hashed as its exact bytes, because UTF-8 would turn every escaped
 * byte into U+FFFD, and two texts differing only there would look equal.
 */
export function variablesDigest(variables: string | null): string {
  const hash = createHash('sha256');
  if (variables === null) {
    hash.update('null');
  } else {
    hash.update('text:');
    hash.update(encodeEscaped(variables));
  }
  return hash.digest('hex');
}

function addRow(previous: ArchiveStrategy | undefined, row: ArchiveRow, line: number, edited: boolean): ArchiveStrategy {
  if (previous === undefined) {
    return {
      strategyId: row.strategyId,
      rows: 1,
      loadedLine: line,
      loadedLastUpdated: row.lastUpdated,
      loadedVariablesDigest: variablesDigest(row.variables),
      edited,
      unpaired: findUnpaired(row, line),
      nul: findNul(row, line),
      notATime: findNotATime(row, line),
    };
  }

  const loaded = loadsBefore(row.lastUpdated, previous.loadedLastUpdated);
  return {
    strategyId: row.strategyId,
    rows: previous.rows + 1,
    loadedLine: loaded ? line : previous.loadedLine,
    loadedLastUpdated: loaded ? row.lastUpdated : previous.loadedLastUpdated,
    loadedVariablesDigest: loaded ? variablesDigest(row.variables) : previous.loadedVariablesDigest,
    edited: previous.edited || edited,
    unpaired: moreSevere(previous.unpaired, findUnpaired(row, line)),
    nul: previous.nul ?? findNul(row, line),
    notATime: previous.notATime ?? findNotATime(row, line),
  };
}

/** Lists a row's four texts with their column names, variables first, as the checks of a row read them. */
export function rowTexts(row: ArchiveRow) {
  return [
    ['variables', row.variables],
    ['strategy_id', row.strategyId],
    ['id', row.id],
    ['last_updated', row.lastUpdated?.text ?? null],
  ] as const;
}

function findNul(row: ArchiveRow, line: number): TextPosition | null {
  for (const [column, text] of rowTexts(row)) {
    if (text?.includes('\u0000')) {
      return { line, column };
    }
  }
  return null;
}

function findNotATime(row: ArchiveRow, line: number): { line: number; text: string } | null {
  return row.lastUpdated !== null && isNotATime(row.lastUpdated) ? { line, text: row.lastUpdated.text } : null;
}

/** Finds the most severe text of a row that is not well-formed Unicode (see moreSevere). */
function findUnpaired(row: ArchiveRow, line: number): UnpairedText | null {
  let worst: UnpairedText | null = null;
  for (const [column, text] of rowTexts(row)) {
    const found = text === null ? null : unpairedSurrogate(text);
    worst = moreSevere(worst, found === null ? null : { ...found, line, column });
  }
  return worst;
}

/**
 * Returns the finding that stops a restore into more databases, the first
 * on a tie: escaped bytes that spell UTF-8 or a lone surrogate stop every
 * restore, while an escaped byte stops only one into PostgreSQL.
 */
function moreSevere(first: UnpairedText | null, second: UnpairedText | null): UnpairedText | null {
  return severity(second) > severity(first) ? second : first;
}

function severity(found: UnpairedText | null): number {
  if (found === null) {
    return 0;
  }
  if (found.spellsUtf8) {
    return 3;
  }
  return found.escapedByte ? 1 : 2;
}
