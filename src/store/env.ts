import { readFileSync } from 'node:fs';
import path from 'node:path';

import { RuntimeFailure, UsageError } from '../errors.js';
import { expandDotenv, npmDotenvDifferences, parseDotenv, type DotenvBinding } from './dotenv.js';

/**
 * Finds the database URL as the bot finds it: `--db` first, then
 * DB_CONNECTION_STR, then the deprecated ACCOUNT_HISTORY_DB_CONNECTION_STR,
 * each taken from the environment or else from `.env`. A variable already in
 * the environment wins over `.env`, as python-dotenv's `load_dotenv` leaves
 * it by default. The process environment itself is never changed.
 */

export interface ResolveUrlRequest {
  db: string | undefined;
  envFile: string | undefined;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface ResolvedUrl {
  url: string;
  /** Origin of the URL, for messages: "--db", "DB_CONNECTION_STR in the environment", "DB_CONNECTION_STR in /path/.env". */
  source: string;
  warnings: string[];
  /** Notes for --verbose on where npm's dotenv would read the URL's `.env` line differently. */
  notes: string[];
}

const URL_VARIABLE = 'DB_CONNECTION_STR';
const DEPRECATED_URL_VARIABLE = 'ACCOUNT_HISTORY_DB_CONNECTION_STR';

interface LoadedEnvFile {
  readonly file: string;
  readonly values: ReadonlyMap<string, string | null>;
  readonly bindings: readonly DotenvBinding[];
  readonly warnings: string[];
}

export function resolveDatabaseUrl(request: ResolveUrlRequest): ResolvedUrl {
  const loaded = loadEnvFile(request);
  const warnings = [...(loaded?.warnings ?? [])];

  // An empty --db is most likely an unset shell variable. Falling back to
  // the bot's own URL would point a restore or purge at the wrong database.
  if (request.db === '') {
    throw new UsageError('--db is empty', {
      hint: `give a database URL, or leave out --db to use ${URL_VARIABLE}`,
    });
  }
  if (request.db !== undefined) {
    return { url: request.db, source: '--db', warnings, notes: [] };
  }

  for (const name of [URL_VARIABLE, DEPRECATED_URL_VARIABLE]) {
    const found = lookUp(name, request.env, loaded);
    if (found === undefined) {
      continue;
    }
    if (name === DEPRECATED_URL_VARIABLE) {
      warnings.push(`${DEPRECATED_URL_VARIABLE} is deprecated; name the variable ${URL_VARIABLE}, as current Lumibot versions read it`);
    }
    const notes = found.fromFile && loaded !== undefined ? dotenvNotes(name, loaded) : [];
    return { url: found.value, source: found.source, warnings, notes };
  }

  const searched = loaded === undefined ? 'the environment' : `the environment and ${loaded.file}`;
  throw new UsageError(`no database URL: --db is not given and ${URL_VARIABLE} is not set in ${searched}`, {
    hint: `pass --db postgresql://user:password@host:5432/database (or sqlite:///bot.db), or set ${URL_VARIABLE} as the bot does`,
  });
}

function lookUp(
  name: string,
  env: NodeJS.ProcessEnv,
  loaded: LoadedEnvFile | undefined,
): { value: string; source: string; fromFile: boolean } | undefined {
  // An empty variable in the environment still keeps .env from setting it,
  // and the bot reads an empty value as unset.
  const fromEnvironment = env[name];
  if (fromEnvironment !== undefined) {
    return fromEnvironment === '' ? undefined : { value: fromEnvironment, source: `${name} in the environment`, fromFile: false };
  }

  const fromFile = loaded?.values.get(name);
  if (fromFile === undefined || fromFile === null || fromFile === '') {
    return undefined;
  }
  return { value: fromFile, source: `${name} in ${loaded?.file}`, fromFile: true };
}

/**
 * Builds the notes on how npm's dotenv would read the `.env` line of `name`.
 * The value itself is left out, because it may contain a password.
 */
function dotenvNotes(name: string, loaded: LoadedEnvFile): string[] {
  // The last binding of a key is the one python-dotenv keeps.
  const binding = [...loaded.bindings].reverse().find((candidate) => candidate.key === name);
  if (binding === undefined) {
    return [];
  }
  return npmDotenvDifferences(binding).map(
    (difference) => `${loaded.file} line ${binding.line}: ${name} is read as python-dotenv (and so the bot) reads it, but ${difference}`,
  );
}

/** Reads `--env-file` (which must exist) or `./.env` (which may be missing). */
function loadEnvFile(request: ResolveUrlRequest): LoadedEnvFile | undefined {
  const explicit = request.envFile !== undefined;
  const file = path.resolve(request.cwd, request.envFile ?? '.env');

  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!explicit && (code === 'ENOENT' || code === 'ENOTDIR')) {
      return undefined;
    }
    if (code === 'ENOENT') {
      throw new UsageError(`--env-file ${file} not found`, { hint: 'check the path, or leave --env-file out to read ./.env' });
    }
    throw new RuntimeFailure(`could not read ${file}: ${(error as Error).message}`, {
      hint: 'check that the file is readable by the current user',
      cause: error,
    });
  }

  const parsed = parseDotenv(text);
  const warnings = parsed.invalidLines.map(
    (line) => `${file} line ${line} cannot be parsed and is skipped, as python-dotenv skips it; check its quotes`,
  );

  return { file, values: expandDotenv(parsed.bindings, request.env), bindings: parsed.bindings, warnings };
}
