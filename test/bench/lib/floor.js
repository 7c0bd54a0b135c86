// The floor of a Node.js command: it loads the driver varsctl uses, runs one
// query and prints its rows as `psql -At` does, and does nothing else. A
// target below this program's ratio to the anchor is therefore out of reach
// for varsctl too, unless it used other drivers.
//
// Usage: node floor.js postgresql URL QUERY [COLUMNS [count-keys]]
//        node floor.js sqlite FILE QUERY [COLUMNS [count-keys]]
// With COLUMNS, only the first COLUMNS columns are printed, while every
// column is still read: list must read each text to check it, but prints
// only a summary of it. With `count-keys`, each line also gets the number
// of top-level keys of the row's last column, counted by varsctl's own
// quick counter (from dist/, so build first): the least list must do with
// a text to show its keys.
const [dialect, target, query, columns, mode] = process.argv.slice(2);

if (mode !== undefined && mode !== 'count-keys') {
  throw new Error(`unknown mode ${mode}: expected count-keys or nothing`);
}
const countKeys = mode === 'count-keys' ? (await import('../../../dist/vars/parser.js')).countTopLevelKeysQuickly : undefined;

/** Runs the query and returns its rows as arrays of values. */
async function queryRows() {
  if (dialect === 'postgresql') {
    const { default: pg } = await import('pg');
    // Every value stays the text the server sent, as psql prints it.
    const client = new pg.Client({ connectionString: target, types: { getTypeParser: () => (text) => text } });
    await client.connect();
    const result = await client.query({ text: query, rowMode: 'array' });
    await client.end();
    return result.rows;
  }
  if (dialect === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(target, { readonly: true });
    return db.prepare(query).raw().all();
  }
  throw new Error(`unknown dialect ${dialect}: expected postgresql or sqlite`);
}

const rows = await queryRows();
const printed = columns === undefined ? undefined : Number(columns);
const lines = rows.map((row) => {
  const cells = row.slice(0, printed).map((value) => (value === null ? '' : String(value)));
  const text = row[row.length - 1];
  if (countKeys !== undefined) {
    cells.push(typeof text === 'string' ? String(countKeys(text)) : '');
  }
  return cells.join('|');
});
process.stdout.write(lines.length === 0 ? '' : `${lines.join('\n')}\n`);
