// The floor of `export` in Node.js: it loads the driver varsctl uses and
// copies every row into a file, with no escaping and no digests. A target
// below this program's ratio to the anchor is therefore out of reach for
// varsctl too, unless it used other drivers.
//
// With `escaped`, it also passes every byte it copies through
// JSON.stringify once, the least an export file whose lines hold each text
// as a JSON string must do, still without lines or digests.
//
// Usage: node export-floor.js postgresql URL FILE [escaped]
//        node export-floor.js sqlite DATABASE_FILE FILE [escaped]
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';

const [dialect, source, file, mode] = process.argv.slice(2);
const escaped = mode === 'escaped';
const QUERY = 'SELECT id, last_updated, variables, strategy_id FROM vars_backup';

/** Streams the server's COPY output into the file, as psql's \copy does. */
async function exportFromPostgres() {
  const { default: pg } = await import('pg');
  const { default: copyStreams } = await import('pg-copy-streams');
  const client = new pg.Client({ connectionString: source });
  await client.connect();

  const copy = client.query(copyStreams.to(`COPY (${QUERY}) TO STDOUT`));
  // latin1 decodes one byte to one character, so a chunk that ends inside
  // a UTF-8 sequence is still decoded whole, and for the cheapest.
  async function* escapeChunks(chunks) {
    for await (const chunk of chunks) {
      yield JSON.stringify(chunk.toString('latin1'));
    }
  }
  await (escaped ? pipeline(copy, escapeChunks, createWriteStream(file)) : pipeline(copy, createWriteStream(file)));
  await client.end();
}

/**
 * Writes each row's fields joined by tabs, one row per line. Without the
 * quoting that `sqlite3 -csv` adds, this is less work than the anchor's job.
 */
async function exportFromSqlite() {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(source, { readonly: true });

  // Lines are gathered into chunks of about 1 MB, because a write per row
  // would measure the stream's overhead rather than the copy.
  function* chunks() {
    let chunk = '';
    for (const row of db.prepare(QUERY).raw().iterate()) {
      const line = row.join('\t');
      chunk += escaped ? `${JSON.stringify(line)}\n` : `${line}\n`;
      if (chunk.length >= CHUNK_CHARACTERS) {
        yield chunk;
        chunk = '';
      }
    }
    yield chunk;
  }
  await pipeline(chunks, createWriteStream(file));
}

const CHUNK_CHARACTERS = 1 << 20;

if (mode !== undefined && !escaped) {
  throw new Error(`unknown mode ${mode}: expected escaped or nothing`);
}

if (dialect === 'postgresql') {
  await exportFromPostgres();
} else if (dialect === 'sqlite') {
  await exportFromSqlite();
} else {
  throw new Error(`unknown dialect ${dialect}: expected postgresql or sqlite`);
}
