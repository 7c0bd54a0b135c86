import { CorruptDataError } from '../errors.js';
import { DEPTH_LIMIT_REASON, DEPTH_LIMIT_RISK, Vars, VarsParseError } from '../vars/index.js';
import { isPlaceholderRow } from '../store/placeholder.js';
import { unpairedSurrogate } from '../store/utf8.js';
import type { ArchiveRow } from './format.js';

export { PLACEHOLDER } from '../store/placeholder.js';

/**
 * Checks a row that a person changed after the export: its `variables` must
 * be a text the bot can load (a JSON object in the bot's dialect), so a
 * hand edit cannot leave a strategy that silently restores nothing. The
 * placeholder row may keep its placeholder text.
 */
export function checkEditedRow(row: ArchiveRow, lineNumber: number, fileName: string): void {
  const where = `line ${lineNumber} of ${fileName} (strategy ${JSON.stringify(row.strategyId)}) was edited`;

  if (row.variables === null) {
    throw new CorruptDataError(`${where} and its variables is null, which the bot cannot load`, {
      hint: 'put the variables back as a JSON object text, such as "{\\"iteration_count\\": 4}"',
    });
  }

  if (isPlaceholderRow(row.strategyId, row.variables)) {
    return;
  }

  try {
    Vars.parse(row.variables);
  } catch (error) {
    if (!(error instanceof VarsParseError)) {
      throw error;
    }
    if (error.reason === DEPTH_LIMIT_REASON) {
      throw new CorruptDataError(`${where} and its variables text is beyond varsctl's nesting limit: ${error.message}`, {
        hint: `${DEPTH_LIMIT_RISK}, so flatten the value in the file, then restore again`,
        cause: error,
      });
    }
    throw new CorruptDataError(`${where} and its variables is not a text the bot can load: ${error.message}`, {
      hint: 'fix the variables text in the file (a JSON object in the bot\'s dialect, NaN allowed), then restore again',
      cause: error,
    });
  }

  // The parser reads an escaped byte inside a string as a character, but
  // the bot decodes the stored bytes as UTF-8 and fails. Other lone
  // surrogates are rejected later, with the reason for each kind.
  const unpaired = unpairedSurrogate(row.variables);
  if (unpaired !== null && unpaired.escapedByte && !unpaired.spellsUtf8) {
    throw new CorruptDataError(`${where} and its variables is not valid UTF-8 at byte ${unpaired.byteOffset}, so the bot cannot load it`, {
      hint: 'write each character past ASCII as a \\uXXXX escape, as json.dumps does, or put back the exported text, then restore again',
    });
  }
}
