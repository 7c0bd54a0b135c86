import { ArchiveWriter, readArchive, type ArchiveEntry, type ArchiveRow } from '../../src/archive/index.js';

/** A header source fixed for tests. */
export const SOURCE = { dialect: 'sqlite', table: 'vars_backup', database: 'sqlite:///bots/account_history.db' } as const;

export const CREATED_AT = new Date('2026-12-04T19:45:00.123Z');

/** The texts an export must carry byte for byte. */
export const VARIABLES_TEXTS: Readonly<Record<string, string | null>> = {
  bot: '{"iteration_count": 4, "last_price": 187.99, "notes": null}',
  nan: '{"zscore": NaN, "upper_band": Infinity, "lower_band": -Infinity, "big": 18446744073709551621}',
  escaped: '{"\\u0437\\u0430\\u043c": "\\ud83d\\ude80 \\"quoted\\" back\\\\slash"}',
  rawUnicode: '{"note": "naïve café 中文 🚀", "rtl": "\u202e\u200b"}',
  placeholder: 'INITIAL VALUE',
  bom: '\ufeff{"a": 1}',
  controls: '{"a": "tab\tnewline\nnul\u0000del\u007f"}',
  loneSurrogate: '{"a": "\ud800 lone"}',
  lineSeparators: '{"a": "\u2028\u2029"}',
  empty: '',
  garbage: '{"a": 1} trailing',
  sqlNull: null,
};

export function row(strategyId: string, variables: string | null, overrides: Partial<ArchiveRow> = {}): ArchiveRow {
  return {
    strategyId,
    id: `id-${strategyId}`,
    lastUpdated: { text: '2026-12-04 14:41:06.946717-05:00', dialect: 'sqlite', epochMicros: 1796413266946717n },
    variables,
    ...overrides,
  };
}

export function sampleRows(): ArchiveRow[] {
  return Object.entries(VARIABLES_TEXTS).map(([name, text]) => row(name, text));
}

/** Encodes rows into a whole export file. */
export function encode(rows: readonly ArchiveRow[]): Buffer {
  const writer = new ArchiveWriter({ createdAt: CREATED_AT, source: SOURCE, tool: 'varsctl test' });
  const lines = [writer.header(), ...rows.map((entry) => writer.row(entry)), writer.trailer()];
  return Buffer.concat(lines);
}

/** Feeds a buffer in small pieces, so line splitting across chunks is exercised. */
export async function* chunksOf(buffer: Buffer, size = 7): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < buffer.length; offset += size) {
    yield buffer.subarray(offset, offset + size);
  }
}

/** Reads a whole export, returning every entry. */
export async function readAll(buffer: Buffer, options: { acceptEdits?: boolean; chunkSize?: number } = {}): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  const reading = readArchive(chunksOf(buffer, options.chunkSize ?? 4096), { name: 'test.jsonl', acceptEdits: options.acceptEdits ?? false });
  for await (const entry of reading) {
    entries.push(entry);
  }
  return entries;
}

export function rowsOf(entries: readonly ArchiveEntry[]): ArchiveRow[] {
  return entries.flatMap((entry) => (entry.kind === 'row' ? [entry.row] : []));
}

/** Reads and returns the error it throws, or fails when it reads cleanly. */
export async function readError(buffer: Buffer, options: { acceptEdits?: boolean } = {}): Promise<Error> {
  try {
    await readAll(buffer, options);
  } catch (error) {
    return error as Error;
  }
  throw new Error('the export was read without an error');
}

/** Splits a file into its lines, each with its `\n`. */
export function linesOf(buffer: Buffer): string[] {
  return buffer.toString('utf8').split(/(?<=\n)/);
}
