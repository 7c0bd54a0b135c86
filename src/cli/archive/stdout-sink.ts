import { RuntimeFailure } from '../../errors.js';
import type { ExportSink } from '../../archive/index.js';
import { errorCode } from '../../archive/file-sink.js';
import { stdoutFailure, writeStdoutChunk } from '../output.js';

/**
 * Writes an export to stdout with backpressure. Unlike other output, a
 * reader that goes away early (`varsctl export | false`) is an error here:
 * the export it received is incomplete, and a script must see it fail.
 */
export function stdoutSink(): ExportSink {
  return {
    name: 'standard output',

    async write(chunk) {
      try {
        await writeStdoutChunk(chunk);
      } catch (error) {
        if (errorCode(error) !== 'EPIPE') {
          throw stdoutFailure(error);
        }
        throw new RuntimeFailure('writing the export to standard output failed: the reader closed the pipe (EPIPE)', {
          hint: 'the program reading the export stopped early; check it, or write to a file with -o FILE',
          cause: error,
        });
      }
    },

    async finish() {
      // Every write resolved only once stdout accepted it.
    },

    async discard() {
      // Bytes already sent cannot be taken back; the missing trailer marks the stream as incomplete.
    },
  };
}
