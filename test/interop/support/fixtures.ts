/**
 * The bot-written fixtures kept beside the repository (`lumibot/fixtures`):
 * a SQLite file, a PostgreSQL dump, the Python values each strategy assigned,
 * and a README that lists every stored text and what the bot loads back.
 * Tests that use them skip when the folder is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

export const FIXTURES_DIR = resolve(REPO_ROOT, '..', 'shared', 'lumibot', 'fixtures');
export const FIXTURE_SQLITE = join(FIXTURES_DIR, 'lumibot.sqlite');
export const FIXTURE_PG_DUMP = join(FIXTURES_DIR, 'lumibot_pg.sql');
const FIXTURE_README = join(FIXTURES_DIR, 'README.md');

/** One variable as the README lists it. */
export interface FixtureKey {
  readonly key: string;
  /** The JSON text of this value inside the stored `variables`. */
  readonly storedFragment: string;
  /** Python type name after loading, without its module (`date`, not `datetime.date`). */
  readonly loadedType: string;
  readonly loadedRepr: string;
}

export interface FixtureStrategy {
  readonly strategyId: string;
  /** Absolute path of the Python file with the values the strategy assigned. */
  readonly varsFile: string;
  /** The exact `variables` text the bot stored. */
  readonly storedText: string;
  readonly keys: readonly FixtureKey[];
}

/** Returns why the fixtures cannot be used, or null when they can. */
export function fixturesMissingReason(): string | null {
  for (const path of [FIXTURE_README, FIXTURE_SQLITE, FIXTURE_PG_DUMP]) {
    if (!existsSync(path)) {
      return `bot-written fixtures not found (${path} is missing)`;
    }
  }
  return null;
}

const STRATEGY_HEADING = /^### `(.+)` {2}\(vars file `(vars\/[^`]+)`\)$/gm;
const CODE_SPAN = /^`(.*)`$/s;
const LOADED_CELL = /^`([^`]+)`: `(.*)`$/s;

/** Parses the README's per-strategy sections: keys, stored text, loaded types. */
export function readFixtureStrategies(): FixtureStrategy[] {
  const readme = readFileSync(FIXTURE_README, 'utf8');
  const headings = [...readme.matchAll(STRATEGY_HEADING)];

  return headings.map((heading, position) => {
    const start = heading.index + heading[0].length;
    const end = headings[position + 1]?.index ?? readme.length;
    const section = readme.slice(start, end);

    return {
      strategyId: heading[1]!,
      varsFile: join(FIXTURES_DIR, heading[2]!),
      storedText: readStoredText(section, heading[1]!),
      keys: readKeyRows(section),
    };
  });
}

function readStoredText(section: string, strategyId: string): string {
  const block = /Exact `variables` text stored:\n\n```json\n(.*)\n```/.exec(section);
  if (block === null) {
    throw new Error(`fixture README: no stored text block for strategy "${strategyId}"`);
  }
  return block[1]!;
}

function readKeyRows(section: string): FixtureKey[] {
  // Key rows are the table rows whose first cell is a code span. Rows of the
  // backup-history table start with a number instead.
  const rows = section.split('\n').filter((line) => line.startsWith('| `'));

  return rows.map((row) => {
    const cells = row.slice(2, -2).split(' | ');
    const loaded = LOADED_CELL.exec(cells.at(-1)!);
    if (cells.length !== 4 || loaded === null) {
      throw new Error(`fixture README: unexpected key row: ${row}`);
    }

    return {
      key: unwrapCodeSpan(cells[0]!),
      storedFragment: unwrapCodeSpan(cells[2]!),
      loadedType: loaded[1]!.split('.').at(-1)!,
      loadedRepr: loaded[2]!,
    };
  });
}

function unwrapCodeSpan(cell: string): string {
  const match = CODE_SPAN.exec(cell);
  if (match === null) {
    throw new Error(`fixture README: expected a code span, got ${cell}`);
  }
  return match[1]!;
}
