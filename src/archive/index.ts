/**
 * The export file format: streaming write, verification and streaming read.
 * `docs/export-format.md` specifies the file.
 */

export { ArchiveWriter, encodeArchive, type ArchiveMetadata } from './writer.js';
export { readArchive, type ArchiveEntry, type ReadArchiveOptions } from './reader.js';
export {
  rowTexts,
  verifyArchive,
  variablesDigest,
  type ArchiveInput,
  type ArchiveManifest,
  type ArchiveStrategy,
  type EditedRow,
  type UnpairedText,
} from './manifest.js';
export { fileInput, spoolInput, type SpooledInput } from './input.js';
export { openFileSink, fileFailure, EXPORT_FILE_MODE, type ExportSink } from './file-sink.js';
export { expandDatePattern, purgeBackupName } from './file-name.js';
export { PLACEHOLDER } from './edits.js';
export { escapeInvisible } from './json-line.js';
export {
  FORMAT_NAME,
  FORMAT_VERSION,
  type ArchiveHeader,
  type ArchiveRow,
  type ArchiveSource,
  type ArchiveTimestamp,
  type ArchiveTrailer,
} from './format.js';
