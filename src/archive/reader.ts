import { createHash } from 'node:crypto';

import type { z } from 'zod';

import { CorruptDataError } from '../errors.js';
import { rowDigest } from './digest.js';
import { checkEditedRow } from './edits.js';
import {
  archiveTimestamp,
  FORMAT_NAME,
  FORMAT_VERSION,
  MAX_LINE_BYTES,
  headerSchema,
  rowSchema,
  trailerSchema,
  type ArchiveHeader,
  type ArchiveRow,
  type ArchiveTrailer,
} from './format.js';
import { jsonLine } from './json-line.js';
import { splitLines, type RawLine } from './lines.js';
import { readUneditedRow } from './unedited-row.js';

export interface ReadArchiveOptions {
  /** The file as messages name it: its path, or "standard input". */
  readonly name: string;
  /**
   * Accept rows changed after the export (their `row_sha256` no longer
   * matches) when their `variables` is a text the bot can load. Without it,
   * any change to the file is rejected.
   */
  readonly acceptEdits: boolean;
  /**
   * The SHA-256 of the file's bytes before its trailer, from an earlier
   * read that checked every row. The rows are then not checked again, and
   * a file whose bytes differ from that read throws before the `end` entry.
   */
  readonly verifiedSha256?: string;
}

export type ArchiveEntry =
  | { readonly kind: 'header'; readonly header: ArchiveHeader }
  /** `edited` is always false when `verifiedSha256` is given, because the rows are not checked again. */
  | { readonly kind: 'row'; readonly line: number; readonly row: ArchiveRow; readonly edited: boolean }
  /** `sha256` is the digest of the bytes read, for a later read's `verifiedSha256`. */
  | { readonly kind: 'end'; readonly trailer: ArchiveTrailer; readonly checksumMatches: boolean; readonly sha256: string };

const REEXPORT_HINT = 'export the strategies again, or use another copy of the file';

/**
 * Reads and verifies an export file as a stream: the header first, then
 * each row, then an `end` entry once the trailer's counts and checksum
 * match. Any damage (truncation, a changed byte, a malformed line, data
 * after the trailer) throws CorruptDataError, and never after the `end`
 * entry, so a consumer that writes rows only commits after `end`.
 */
export async function* readArchive(chunks: AsyncIterable<Uint8Array>, options: ReadArchiveOptions): AsyncGenerator<ArchiveEntry> {
  const damaged = (detail: string, hint = REEXPORT_HINT) =>
    new CorruptDataError(`export file ${options.name} is damaged: ${detail}`, { hint });

  const hash = createHash('sha256');
  const strategyIds = new Set<string>();
  let header: ArchiveHeader | undefined;
  let trailer: ArchiveTrailer | undefined;
  let rowCount = 0;
  let lastLine = 0;

  const lines = splitLines(chunks, MAX_LINE_BYTES, (number) =>
    damaged(`line ${number} is longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB, so it is not a line this format writes`),
  );

  for await (const line of lines) {
    lastLine = line.number;

    if (line.number === 1 && line.bytes[0] === 0x1f && line.bytes[1] === 0x8b) {
      throw gzipped(options.name);
    }
    if (trailer !== undefined) {
      throw damaged(`extra data after the trailer line, at line ${line.number}`);
    }
    if (!line.terminated) {
      throw damaged(`line ${line.number} ends without a line break, so the file was cut short`);
    }

    if (header !== undefined && options.verifiedSha256 === undefined) {
      const unedited = readUneditedRow(line.bytes);
      if (unedited !== undefined) {
        hashLine(hash, line);
        rowCount += 1;
        strategyIds.add(unedited.strategyId);
        yield { kind: 'row', line: line.number, row: unedited, edited: false };
        continue;
      }
    }

    const record = parseRecord(line, header === undefined, options.name, damaged);

    if (header === undefined) {
      header = readHeader(record, options.name);
      hashLine(hash, line);
      yield { kind: 'header', header };
      continue;
    }

    if ('end' in record) {
      trailer = readTrailer(record, line.number, damaged);
      // The checksum covers every line before the trailer, not the trailer
      // itself, so its own bytes are checked against the one spelling the
      // writer produces: its four members first and in order, then any
      // member a later writer adds. A space, an escape or a reordering is a
      // change too.
      const { end, rows, strategies, sha256, ...added } = record;
      const canonical = jsonLine({ end, rows, strategies, sha256, ...added }).slice(0, -1);
      if (!options.acceptEdits && !line.bytes.equals(Buffer.from(canonical, 'utf8'))) {
        throw damaged(`line ${line.number} (the trailer) was changed after the export: it is not spelled as varsctl writes it`, EDITED_HINT);
      }
      continue;
    }

    const row = readRow(record, line.number, damaged);
    const edited = options.verifiedSha256 === undefined && rowDigest(row) !== record['row_sha256'];
    hashLine(hash, line);

    if (edited) {
      if (!options.acceptEdits) {
        throw damaged(`line ${line.number} (strategy ${JSON.stringify(row.strategyId)}) was changed after the export`, EDITED_HINT);
      }
      checkEditedRow(row, line.number, options.name);
    }

    rowCount += 1;
    strategyIds.add(row.strategyId);
    yield { kind: 'row', line: line.number, row, edited };
  }

  if (header === undefined) {
    throw new CorruptDataError(`${options.name} is empty, so it is not a varsctl export file`, {
      hint: 'check the file name; an export is never empty',
    });
  }
  if (trailer === undefined) {
    throw damaged(`it ends after line ${lastLine} without its trailer line, so the file was cut short`);
  }

  if (trailer.rows !== rowCount) {
    throw damaged(`the trailer counts ${trailer.rows} rows but the file contains ${rowCount}`);
  }
  if (trailer.strategies !== strategyIds.size) {
    throw damaged(`the trailer counts ${trailer.strategies} strategies but the file contains ${strategyIds.size}`);
  }

  const sha256 = hash.digest('hex');
  const checksumMatches = sha256 === trailer.sha256;
  if (!checksumMatches && !options.acceptEdits) {
    throw damaged('its SHA-256 checksum does not match the trailer, so the file was changed after the export', EDITED_HINT);
  }
  if (options.verifiedSha256 !== undefined && sha256 !== options.verifiedSha256) {
    throw damaged('it changed after it was verified, while varsctl read it again', 'run the command again once nothing writes to the file');
  }

  yield { kind: 'end', trailer, checksumMatches, sha256 };
}

const EDITED_HINT =
  'if you edited the file on purpose, restore with --accept-edits, which checks every edited row; ' +
  `otherwise ${REEXPORT_HINT}`;

type Damaged = (detail: string, hint?: string) => CorruptDataError;

/** Builds the error for a file that starts with the gzip magic bytes 1f 8b. */
function gzipped(name: string): CorruptDataError {
  const source = name === 'standard input' ? 'FILE' : name;
  return new CorruptDataError(`${name} is gzip-compressed, but varsctl reads only uncompressed export files`, {
    hint: `decompress it on the way in: gunzip -c ${source} | varsctl restore -`,
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function parseRecord(line: RawLine, isFirst: boolean, name: string, damaged: Damaged): Record<string, unknown> {
  const notAnExport = (detail: string) =>
    new CorruptDataError(`${name} is not a varsctl export file: ${detail}`, {
      hint: 'an export file starts with a line such as {"format": "varsctl-export", "version": 1, ...}',
    });

  let text: string;
  try {
    text = utf8.decode(line.bytes);
  } catch {
    throw isFirst ? notAnExport('line 1 is not UTF-8 text') : damaged(`line ${line.number} is not valid UTF-8`);
  }

  if (text.startsWith('\ufeff')) {
    const detail = `line ${line.number} starts with a byte order mark, which an editor may have added`;
    throw isFirst ? notAnExport(detail) : damaged(detail);
  }

  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw isFirst ? notAnExport(`line 1 is not JSON (${reason})`) : damaged(`line ${line.number} is not valid JSON (${reason})`);
  }

  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw isFirst ? notAnExport('line 1 is not a JSON object') : damaged(`line ${line.number} is not a JSON object`);
  }
  return record as Record<string, unknown>;
}

function readHeader(record: Record<string, unknown>, name: string): ArchiveHeader {
  if (record['format'] !== FORMAT_NAME) {
    throw new CorruptDataError(`${name} is not a varsctl export file: line 1 has no "format": "${FORMAT_NAME}"`, {
      hint: 'check the file name; varsctl restore reads only files written by varsctl export',
    });
  }

  const version = record['version'];
  if (typeof version === 'number' && Number.isInteger(version) && version > FORMAT_VERSION) {
    throw new CorruptDataError(`${name} is export format version ${version}; this varsctl reads version ${FORMAT_VERSION} only`, {
      hint: 'the file was made by a newer varsctl: restore it with that version, or upgrade varsctl',
    });
  }

  const parsed = headerSchema.safeParse(record);
  if (!parsed.success) {
    throw new CorruptDataError(`export file ${name} is damaged: line 1 (the header): ${describeIssue(parsed.error)}`, {
      hint: REEXPORT_HINT,
    });
  }

  const { data } = parsed;
  return {
    format: data.format,
    version: data.version,
    createdAt: data.created_at,
    source: { dialect: data.source.dialect, table: data.source.table, database: data.source.database ?? '' },
    tool: data.tool ?? '',
  };
}

function readTrailer(record: Record<string, unknown>, lineNumber: number, damaged: Damaged): ArchiveTrailer {
  const parsed = trailerSchema.safeParse(record);
  if (!parsed.success) {
    throw damaged(`line ${lineNumber} (the trailer): ${describeIssue(parsed.error)}`);
  }
  return { rows: parsed.data.rows, strategies: parsed.data.strategies, sha256: parsed.data.sha256 };
}

function readRow(record: Record<string, unknown>, lineNumber: number, damaged: Damaged): ArchiveRow {
  if ('format' in record) {
    throw damaged(`line ${lineNumber} is a second header, as when two export files are joined into one`);
  }

  const parsed = rowSchema.safeParse(record);
  if (!parsed.success) {
    throw damaged(`line ${lineNumber}: ${describeIssue(parsed.error)}`);
  }

  const { data } = parsed;
  const lastUpdated = archiveTimestamp(data.last_updated);

  return { strategyId: data.strategy_id, id: data.id, lastUpdated, variables: data.variables };
}

function hashLine(hash: ReturnType<typeof createHash>, line: RawLine): void {
  hash.update(line.bytes);
  hash.update('\n');
}

/** Describes the first problem zod found, with the path of the member: `last_updated.dialect: Invalid option ...`. */
function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) {
    return 'invalid record';
  }

  const path = issue.path.map(String).join('.');
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}
