// The floor of `set` in Node.js: it loads the driver varsctl uses, reads the
// text of the row the bot loads, replaces one int by a text search instead
// of parsing, and writes the row back in one transaction. A target below
// this program's ratio to the anchor is therefore out of reach for varsctl
// too, unless it used other drivers.
//
// Usage: node set-floor.js postgresql URL STRATEGY KEY VALUE
//        node set-floor.js sqlite FILE STRATEGY KEY VALUE
const [dialect, target, strategyId, key, value] = process.argv.slice(2);

// The bot's loader query, with the row's address for the write.
const LOADED_ROW = (address, parameter) =>
  `SELECT ${address} AS address, variables FROM vars_backup WHERE strategy_id = ${parameter} ORDER BY last_updated DESC LIMIT 1`;

/** Returns `text` with the int value of `key` replaced by `value`. */
function changed(text) {
  const pattern = new RegExp(`${JSON.stringify(key)}: -?[0-9]+`);
  if (!pattern.test(text)) {
    throw new Error(`no int value of ${key} found in the state of ${strategyId}`);
  }
  return text.replace(pattern, `${JSON.stringify(key)}: ${value}`);
}

async function setOnPostgres() {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: target });
  await client.connect();

  await client.query('BEGIN');
  const { rows } = await client.query(`${LOADED_ROW('ctid', '$1')} FOR UPDATE`, [strategyId]);
  await client.query('UPDATE vars_backup SET variables = $1 WHERE ctid = $2', [changed(rows[0].variables), rows[0].address]);
  await client.query('COMMIT');
  await client.end();
}

async function setOnSqlite() {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(target);

  const write = db.transaction(() => {
    const row = db.prepare(LOADED_ROW('rowid', '?')).get(strategyId);
    db.prepare('UPDATE vars_backup SET variables = ? WHERE rowid = ?').run(changed(row.variables), row.address);
  });
  write.immediate();
  db.close();
}

if (dialect === 'postgresql') {
  await setOnPostgres();
} else if (dialect === 'sqlite') {
  await setOnSqlite();
} else {
  throw new Error(`unknown dialect ${dialect}: expected postgresql or sqlite`);
}
