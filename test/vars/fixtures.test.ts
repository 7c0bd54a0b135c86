import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

import { dateConversions, loadedType, parseValue, serializeValue, Vars, VarsParseError } from '../../src/vars/index.js';

/** Rows written by Lumibot's own code, kept beside the repository when available. */
const FIXTURES = join(import.meta.dirname, '../../../shared/lumibot/fixtures');
const SQLITE_FILE = join(FIXTURES, 'lumibot.sqlite');
const README_FILE = join(FIXTURES, 'README.md');
const skipReason = existsSync(SQLITE_FILE) && existsSync(README_FILE) ? null : `no bot-written fixtures at ${FIXTURES}`;

interface Row {
  strategy_id: string;
  variables: string;
}

function readRows(): Row[] {
  const database = new Database(SQLITE_FILE, { readonly: true, fileMustExist: true });
  try {
    return database.prepare('SELECT strategy_id, variables FROM vars_backup ORDER BY rowid').all() as Row[];
  } finally {
    database.close();
  }
}

interface LoadedKey {
  key: string;
  /** Python type name after loading, e.g. 'date' for `datetime.date`. */
  type: string;
  /** The repr of the loaded value, which shows nested dates and datetimes. */
  repr: string;
}

/**
 * Read the "loaded back" column of each strategy's table in the fixtures README:
 * rows like `| \`key\` | ... | \`type\`: \`repr\` |` under `### \`Strategy\``.
 */
function readLoadedTypes(): Map<string, LoadedKey[]> {
  const byStrategy = new Map<string, LoadedKey[]>();
  let strategy: string | null = null;

  for (const line of readFileSync(README_FILE, 'utf8').split('\n')) {
    const heading = /^### `([^`]+)`/.exec(line);
    if (heading) {
      strategy = heading[1]!;
      byStrategy.set(strategy, []);
      continue;
    }

    const row = /^\| `([^`]+)` \|.*\| `([\w.]+)`: `(.*)` \|$/.exec(line);
    if (row && strategy !== null) {
      const type = row[2]!.replace(/^datetime\./, '');
      byStrategy.get(strategy)!.push({ key: row[1]!, type, repr: row[3]! });
    }
  }

  return byStrategy;
}

describe.skipIf(skipReason !== null)(`bot-written fixtures ${skipReason ?? ''}`, () => {
  it('every variables text round-trips', () => {
    const rows = readRows().filter((row) => row.variables !== 'INITIAL VALUE');

    expect(rows.length).toBe(5);
    for (const row of rows) {
      expect(Vars.parse(row.variables).toText(), row.strategy_id).toBe(row.variables);
      expect(serializeValue(parseValue(row.variables)), row.strategy_id).toBe(row.variables);
    }
  });

  it('the placeholder row does not parse', () => {
    const placeholder = readRows().find((row) => row.strategy_id === 'INITIAL VALUE');

    expect(() => Vars.parse(placeholder!.variables)).toThrow(VarsParseError);
  });

  it('an edited row keeps other keys byte for byte', () => {
    for (const row of readRows().filter((candidate) => candidate.variables !== 'INITIAL VALUE')) {
      const vars = Vars.parse(row.variables);
      const firstKey = vars.keys()[0]!;
      vars.set(firstKey, vars.get(firstKey)!);

      expect(vars.toText(), row.strategy_id).toBe(row.variables);
    }
  });

  it('loadedType gives the types the bot loads back', () => {
    const loaded = readLoadedTypes();
    const rows = readRows().filter((row) => row.variables !== 'INITIAL VALUE');

    expect(loaded.size).toBe(rows.length);
    for (const row of rows) {
      const vars = Vars.parse(row.variables);
      const expected = loaded.get(row.strategy_id)!;

      expect(expected.map((entry) => entry.key), row.strategy_id).toEqual(vars.keys());
      for (const { key, type } of expected) {
        expect(loadedType(vars.get(key)!), `${row.strategy_id} ${key}`).toBe(type);
      }
    }
  });

  it('dateConversions finds the nested dates the bot loads', () => {
    const loaded = readLoadedTypes();

    for (const row of readRows().filter((candidate) => candidate.variables !== 'INITIAL VALUE')) {
      const conversions = dateConversions(Vars.parse(row.variables));

      for (const { key, repr } of loaded.get(row.strategy_id)!) {
        const reprCount = (repr.match(/datetime\.(date|datetime)\(/g) ?? []).length;
        const found = conversions.filter((conversion) => conversion.path === key || conversion.path.startsWith(`${key}.`) || conversion.path.startsWith(`${key}[`));
        expect(found.length, `${row.strategy_id} ${key}`).toBe(reprCount);
      }
    }
  });
});
