import { RuntimeFailure } from '../../errors.js';
import type { ExportSink } from '../../archive/index.js';

/**
 * Writes an export to stdout with backpressure. Unlike other output, a
 * reader that goes away early (`varsctl export | false`) is an error here:
 * the export it received is incomplete, and a script must see it fail.
 */
export function stdoutSink(): ExportSink {
  return {
    name: 'standard output',

    write(chunk) {
      return new Promise((resolve, reject) => {
        process.stdout.write(chunk, (error) => {
          if (error) {
            reject(
              new RuntimeFailure(`writing the export to standard output failed: ${error.message}`, {
                hint: 'the program reading the export stopped early; check it, or write to a file with -o FILE',
                cause: error,
              }),
            );
          } else {
            resolve();
          }
        });
      });
    },

    async finish() {
      // Every write resolved only once stdout accepted it.
    },

    async discard() {
      // Bytes already sent cannot be taken back; the missing trailer marks the stream as incomplete.
    },
  };
}
