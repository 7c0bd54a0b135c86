import { readArchive, type ArchiveInput, type ArchiveManifest, type ArchiveRow } from '../../archive/index.js';
import { CorruptDataError } from '../../errors.js';
import type { Store, TextCheck } from '../../store/types.js';
import { quote } from '../render/text.js';

const PAST_ASCII = /[^\x00-\x7f]/;

export interface EncodingCheckRequest {
  readonly input: ArchiveInput;
  readonly manifest: ArchiveManifest;
  readonly strategyIds: readonly string[];
  readonly acceptEdits: boolean;
}

/**
 * Rejects, before anything is written, a text that the target database
 * cannot hold in its encoding, such as € in a LATIN1 database, so that a
 * dry run fails where the real run would. Only such databases need the
 * check, and there only texts past ASCII go to the server, one at a time:
 * the bot writes its variables as ASCII, so most files send none.
 */
export async function checkEncodable(store: Store, request: EncodingCheckRequest): Promise<void> {
  const check = await store.textCheck();
  if (check === null) {
    return;
  }

  const { input, manifest, acceptEdits } = request;
  const selected = new Set(request.strategyIds);
  for await (const entry of readArchive(input.open(), { name: input.name, acceptEdits, verifiedSha256: manifest.sha256 })) {
    if (entry.kind === 'row' && selected.has(entry.row.strategyId)) {
      await checkRow(check, entry.row, `line ${entry.line} of ${input.name}`, store.displayUrl);
    }
  }
}

async function checkRow(check: TextCheck, row: ArchiveRow, where: string, displayUrl: string): Promise<void> {
  const columns: [string, string | null][] = [
    ['strategy_id', row.strategyId],
    ['id', row.id],
    ['last_updated', row.lastUpdated?.text ?? null],
    ['variables', row.variables],
  ];

  for (const [column, text] of columns) {
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
