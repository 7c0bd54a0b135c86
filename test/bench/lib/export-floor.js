// The floor of `export` in Node.js: it loads the driver varsctl uses and
// copies every row into a file, with no escaping and no digests. A target
// below this program's ratio to the anchor is therefore out of reach for
// varsctl too, unless it used other drivers.
//
// Usage: node export-floor.js postgresql URL FILE
//        node export-floor.js sqlite DATABASE_FILE FILE
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';

const [dialect, source, file] = process.argv.slice(2);
const QUERY = 'SELECT id, last_updated, variables, strategy_id FROM vars_backup';

/** Streams the server's COPY output into the file, as psql's \copy does. */
async function exportFromPostgres() {
  const { default: pg } = await import('pg');
  const { default: copyStreams } = await import('pg-copy-streams');
  const client = new pg.Client({ connectionString: source });
  await client.connect();

  await pipeline(client.query(copyStreams.to(`COPY (${QUERY}) TO STDOUT`)), createWriteStream(file));
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
      chunk += `${row.join('\t')}\n`;
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

if (dialect === 'postgresql') {
  await exportFromPostgres();
} else if (dialect === 'sqlite') {
  await exportFromSqlite();
} else {
  throw new Error(`unknown dialect ${dialect}: expected postgresql or sqlite`);
}
