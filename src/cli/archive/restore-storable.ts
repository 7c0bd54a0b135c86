import { readArchive, rowTexts, type ArchiveInput, type ArchiveManifest, type ArchiveRow } from '../../archive/index.js';
import { CorruptDataError } from '../../errors.js';
import type { Store, TextCheck } from '../../store/types.js';
import { quote } from '../render/text.js';

/**
 * The checks a restore runs before it writes. A row the target database
 * cannot store as written stops the restore and its dry run alike, with
 * the strategy and line named, not with the server's error mid-write.
 */

export interface StorableRequest {
  readonly input: ArchiveInput;
  readonly manifest: ArchiveManifest;
  readonly strategyIds: readonly string[];
  readonly acceptEdits: boolean;
}

const PAST_ASCII = /[^\x00-\x7f]/;

/** Rejects the first selected strategy with a text the target cannot store (see the checks below). */
export async function checkStorable(store: Store, request: StorableRequest): Promise<void> {
  checkUnpaired(request, { storesAnyBytes: await store.storesAnyBytes(), displayUrl: store.displayUrl });
  if (store.dialect === 'postgresql') {
    await checkPostgresValues(store, request);
  }
  await checkEncodable(store, request);
}

interface UnpairedTarget {
  readonly storesAnyBytes: boolean;
  readonly displayUrl: string;
}

/**
 * Rejects a strategy whose texts the target database would store
 * differently. The export keeps bytes that are not UTF-8, which an SQLite
 * TEXT column or a SQL_ASCII PostgreSQL database stores and any other
 * PostgreSQL database cannot. No database stores a lone UTF-16 surrogate,
 * which only a hand edit of the file can introduce, and escaped bytes that
 * spell valid UTF-8 come only from another tool.
 */
function checkUnpaired(request: StorableRequest, target: UnpairedTarget): void {
  for (const strategyId of request.strategyIds) {
    const unpaired = request.manifest.strategies.get(strategyId)?.unpaired ?? null;
    if (unpaired === null || (unpaired.escapedByte && !unpaired.spellsUtf8 && target.storesAnyBytes)) {
      continue;
    }

    const where = `${unpaired.column} of strategy ${quote(strategyId)} on line ${unpaired.line} of ${request.input.name}`;
    if (unpaired.spellsUtf8) {
      // varsctl never writes such escapes, and comparing the text with the
      // database's would disagree with the bytes the restore writes.
      throw new CorruptDataError(`the ${where} spells valid UTF-8 as escaped bytes from byte ${unpaired.byteOffset}, which varsctl never writes`, {
        hint: 'nothing was written; write those characters themselves in the file (a changed file restores only with --accept-edits)',
      });
    }
    if (unpaired.escapedByte) {
      throw new CorruptDataError(
        `cannot restore into ${target.displayUrl}: the ${where} is not valid UTF-8 at byte ${unpaired.byteOffset}, and this database cannot store such bytes as they are`,
        {
          hint: 'nothing was written; restore it into an SQLite database or a SQL_ASCII PostgreSQL database, which keep the bytes, or name the other strategies to restore without it',
        },
      );
    }
    throw new CorruptDataError(`the ${where} contains a lone UTF-16 surrogate at byte ${unpaired.byteOffset}, which no database stores as written`, {
      hint: 'nothing was written; write that character as an escape inside the text, as json.dumps does (\\udc00), and restore with --accept-edits',
    });
  }
}

/**
 * Rejects what no PostgreSQL text column stores, the character NUL, and a
 * last_updated that is not a time when the column is a timestamp column.
 * SQLite stores both as they are.
 */
async function checkPostgresValues(store: Store, request: StorableRequest): Promise<void> {
  // A missing table is created as the bot creates it, with timestamptz.
  const kind = (await store.describeTable())?.columns.get('last_updated')?.kind ?? 'timestamptz';
  const timeColumn = kind === 'timestamptz' || kind === 'timestamp';

  for (const strategyId of request.strategyIds) {
    const strategy = request.manifest.strategies.get(strategyId);
    const where = (column: string, line: number) => `the ${column} of strategy ${quote(strategyId)} on line ${line} of ${request.input.name}`;

    if (strategy?.nul) {
      throw new CorruptDataError(
        `cannot restore into ${store.displayUrl}: ${where(strategy.nul.column, strategy.nul.line)} contains the character NUL (\\u0000), which PostgreSQL text cannot store`,
        { hint: 'nothing was written; restore it into an SQLite database, which keeps it, or name the other strategies to restore without it' },
      );
    }
    if (strategy?.notATime && timeColumn) {
      throw new CorruptDataError(
        `cannot restore into ${store.displayUrl}: ${where('last_updated', strategy.notATime.line)} is ${quote(strategy.notATime.text)}, which is not a time, so its ${kind} column cannot store it`,
        {
          hint: 'nothing was written; fix last_updated of that row in the file (a changed file restores only with --accept-edits), or restore into SQLite, which keeps any text',
        },
      );
    }
  }
}

/**
 * Rejects a text that the target database cannot hold in its encoding,
 * such as € in a LATIN1 database. Only such databases need the check, and
 * there only texts past ASCII go to the server, one at a time: the bot
 * writes its variables as ASCII, so most files send none.
 */
async function checkEncodable(store: Store, request: StorableRequest): Promise<void> {
  const check = await store.textCheck();
  if (check === null) {
    return;
  }

  const { input, manifest, acceptEdits } = request;
  const selected = new Set(request.strategyIds);
  for await (const entry of readArchive(input.open(), { name: input.name, acceptEdits, verifiedSha256: manifest.sha256 })) {
    if (entry.kind === 'row' && selected.has(entry.row.strategyId)) {
      await checkRowEncoding(check, entry.row, `line ${entry.line} of ${input.name}`, store.displayUrl);
    }
  }
}

async function checkRowEncoding(check: TextCheck, row: ArchiveRow, where: string, displayUrl: string): Promise<void> {
  for (const [column, text] of rowTexts(row)) {
    if (text === null || !PAST_ASCII.test(text)) {
      continue;
    }
    const reason = await check(text);
    if (reason !== null) {
      throw new CorruptDataError(`cannot restore into ${displayUrl}: the ${column} of strategy ${quote(row.strategyId)} on ${where} cannot be stored in this database's encoding: ${reason}`, {
        hint: 'nothing was written; restore into a UTF8 database, as the bot creates by default, or name the other strategies to restore without it',
      });
    }
  }
}
