import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { UsageError } from '../../src/errors.js';
import { expandDotenv, parseDotenv } from '../../src/store/dotenv.js';
import { resolveDatabaseUrl } from '../../src/store/env.js';

/** Reads text as `load_dotenv(override=False)` does, against this environment. */
function readDotenv(text: string, env: NodeJS.ProcessEnv = {}): Record<string, string | null> {
  return Object.fromEntries(expandDotenv(parseDotenv(text).bindings, env));
}

// Expected values were produced by python-dotenv 1.2.4 (DotEnv with
// override=False, interpolate=True) on the same texts.
const PYTHON_DOTENV_CASES: readonly [string, string, NodeJS.ProcessEnv, Record<string, string | null>][] = [
  ['# inside an unquoted value', 'DB_CONNECTION_STR=postgresql://u:p#x@h/d\n', {}, { DB_CONNECTION_STR: 'postgresql://u:p#x@h/d' }],
  ['space and # end an unquoted value', 'DB_CONNECTION_STR=postgresql://u:p #x@h/d\n', {}, { DB_CONNECTION_STR: 'postgresql://u:p' }],
  ['double quotes keep " #"', 'DB_CONNECTION_STR="postgresql://u:p #x@h/d" # note\n', {}, { DB_CONNECTION_STR: 'postgresql://u:p #x@h/d' }],
  ['single quotes expand variables', "DB_CONNECTION_STR='postgresql://u:${PW}@h/d'\n", { PW: 's3cret' }, { DB_CONNECTION_STR: 'postgresql://u:s3cret@h/d' }],
  ['earlier keys expand', 'PW=fromfile\nDB_CONNECTION_STR=postgresql://u:${PW}@h/d\n', {}, { PW: 'fromfile', DB_CONNECTION_STR: 'postgresql://u:fromfile@h/d' }],
  ['environment wins in expansion', 'PW=fromfile\nDB_CONNECTION_STR=postgresql://u:${PW}@h/d\n', { PW: 'fromenv' }, { PW: 'fromfile', DB_CONNECTION_STR: 'postgresql://u:fromenv@h/d' }],
  ['defaults and unknown names', 'DB_CONNECTION_STR=postgresql://u:${MISSING:-dflt}@h/${NOPE}d\n', {}, { DB_CONNECTION_STR: 'postgresql://u:dflt@h/d' }],
  ['a key without = is known but empty', 'PW\nDB_CONNECTION_STR=x${PW:-dflt}y\n', {}, { PW: null, DB_CONNECTION_STR: 'xy' }],
  ['export prefix', 'export DB_CONNECTION_STR=sqlite:///bot.db\n', {}, { DB_CONNECTION_STR: 'sqlite:///bot.db' }],
  ['spaces around =', '  DB_CONNECTION_STR =  sqlite:///bot.db   \n', {}, { DB_CONNECTION_STR: 'sqlite:///bot.db' }],
  ['double-quote escapes', 'DB_CONNECTION_STR="a\\tb\\nc\\\\d\\\'e"\n', {}, { DB_CONNECTION_STR: "a\tb\nc\\d'e" }],
  ['single-quote escapes', "DB_CONNECTION_STR='a\\tb\\'c\\\\d'\n", {}, { DB_CONNECTION_STR: "a\\tb'c\\d" }],
  ['multi-line double quotes', 'DB_CONNECTION_STR="multi\nline"\nNEXT=1\n', {}, { DB_CONNECTION_STR: 'multi\nline', NEXT: '1' }],
  ['a broken line is skipped', 'BROKEN="abc"def\nDB_CONNECTION_STR=sqlite:///bot.db\n', {}, { DB_CONNECTION_STR: 'sqlite:///bot.db' }],
  ['comments and quoted keys', "# comment\n\n'DB_CONNECTION_STR'=sqlite:///q.db\n", {}, { DB_CONNECTION_STR: 'sqlite:///q.db' }],
  ['= then space then # is empty', 'DB_CONNECTION_STR= # nothing\n', {}, { DB_CONNECTION_STR: '' }],
  ['=# is a value', 'DB_CONNECTION_STR=#notcomment\n', {}, { DB_CONNECTION_STR: '#notcomment' }],
  ['tab before # and CRLF', 'DB_CONNECTION_STR=a\tb #c\r\nX=1\r\n', {}, { DB_CONNECTION_STR: 'a\tb', X: '1' }],
  ['$NAME without braces stays', 'DB_CONNECTION_STR=$PW@h\n', { PW: 'x' }, { DB_CONNECTION_STR: '$PW@h' }],
  ['escaped backslash before a quote', 'DB_CONNECTION_STR="a\\\\"b"\n', {}, {}],
  ['a line without a key', '=novalue\nDB_CONNECTION_STR=ok\n', {}, { DB_CONNECTION_STR: 'ok' }],
  ['an unterminated quote', 'DB_CONNECTION_STR="unterminated\nX=1\n', {}, { X: '1' }],
];

describe('python-dotenv reading', () => {
  it.each(PYTHON_DOTENV_CASES)('%s', (_, text, env, expected) => {
    expect(readDotenv(text, env)).toEqual(expected);
  });

  it('reports lines it skips', () => {
    expect(parseDotenv('A=1\nBROKEN="x"y\nB=2\n').invalidLines).toEqual([2]);
  });
});

describe('resolveDatabaseUrl', () => {
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'varsctl-env-'));
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  function writeEnv(text: string, name = '.env'): string {
    const file = path.join(folder, name);
    writeFileSync(file, text);
    return file;
  }

  it('prefers --db', () => {
    writeEnv('DB_CONNECTION_STR=sqlite:///file.db\n');
    const resolved = resolveDatabaseUrl({ db: 'sqlite:///flag.db', envFile: undefined, cwd: folder, env: { DB_CONNECTION_STR: 'sqlite:///env.db' } });
    expect(resolved.url).toBe('sqlite:///flag.db');
    expect(resolved.source).toBe('--db');
  });

  it('rejects an empty --db instead of the variable', () => {
    const resolve = () => resolveDatabaseUrl({ db: '', envFile: undefined, cwd: folder, env: { DB_CONNECTION_STR: 'sqlite:///bot.db' } });

    expect(resolve).toThrow(UsageError);
    expect(resolve).toThrow('--db is empty');
  });

  it('keeps the environment over .env', () => {
    writeEnv('DB_CONNECTION_STR=sqlite:///file.db\n');
    const resolved = resolveDatabaseUrl({ db: undefined, envFile: undefined, cwd: folder, env: { DB_CONNECTION_STR: 'sqlite:///env.db' } });
    expect(resolved.url).toBe('sqlite:///env.db');
    expect(resolved.source).toBe('DB_CONNECTION_STR in the environment');
  });

  it('reads .env from the working directory', () => {
    const file = writeEnv('DB_CONNECTION_STR="postgresql://u:p #1@h/d"\n');
    const resolved = resolveDatabaseUrl({ db: undefined, envFile: undefined, cwd: folder, env: {} });
    expect(resolved.url).toBe('postgresql://u:p #1@h/d');
    expect(resolved.source).toBe(`DB_CONNECTION_STR in ${file}`);
  });

  it('falls back to the deprecated name with a warning', () => {
    writeEnv('ACCOUNT_HISTORY_DB_CONNECTION_STR=sqlite:///old.db\n');
    const resolved = resolveDatabaseUrl({ db: undefined, envFile: undefined, cwd: folder, env: {} });
    expect(resolved.url).toBe('sqlite:///old.db');
    expect(resolved.warnings).toHaveLength(1);
    expect(resolved.warnings[0]).toMatch(/deprecated/);
  });

  it('reads --env-file', () => {
    writeEnv('DB_CONNECTION_STR=sqlite:///other.db\n', 'prod.env');
    const resolved = resolveDatabaseUrl({ db: undefined, envFile: 'prod.env', cwd: folder, env: {} });
    expect(resolved.url).toBe('sqlite:///other.db');
  });

  it('rejects a missing --env-file', () => {
    expect(() => resolveDatabaseUrl({ db: 'sqlite:///x.db', envFile: 'missing.env', cwd: folder, env: {} })).toThrow(UsageError);
  });

  it('accepts a missing ./.env', () => {
    const resolved = resolveDatabaseUrl({ db: undefined, envFile: undefined, cwd: folder, env: { DB_CONNECTION_STR: 'sqlite:///a.db' } });
    expect(resolved.url).toBe('sqlite:///a.db');
  });

  it('raises UsageError without any URL', () => {
    try {
      resolveDatabaseUrl({ db: undefined, envFile: undefined, cwd: folder, env: {} });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).hint).toMatch(/--db/);
      expect((error as UsageError).hint).toMatch(/DB_CONNECTION_STR/);
    }
  });

  it('treats an empty variable as unset and blocks .env', () => {
    writeEnv('DB_CONNECTION_STR=sqlite:///file.db\nACCOUNT_HISTORY_DB_CONNECTION_STR=sqlite:///old.db\n');
    const resolved = resolveDatabaseUrl({ db: undefined, envFile: undefined, cwd: folder, env: { DB_CONNECTION_STR: '' } });
    expect(resolved.url).toBe('sqlite:///old.db');
  });

  it('warns about lines python-dotenv skips', () => {
    writeEnv('BROKEN="x"y\nDB_CONNECTION_STR=sqlite:///a.db\n');
    const resolved = resolveDatabaseUrl({ db: undefined, envFile: undefined, cwd: folder, env: {} });
    expect(resolved.warnings).toHaveLength(1);
    expect(resolved.warnings[0]).toMatch(/line 1/);
  });

  it('reads past a byte order mark', () => {
    writeEnv('\uFEFFDB_CONNECTION_STR=sqlite:///a.db\n');
    const resolved = resolveDatabaseUrl({ db: undefined, envFile: undefined, cwd: folder, env: {} });
    expect(resolved.url).toBe('sqlite:///a.db');
  });
});
