/**
 * Fuzzing the connection URL parser and its mask. Random and mutated URLs
 * must give a target or a UsageError, never another error. Valid URLs built
 * from random parts must parse back to those parts. And no password, in
 * whatever shape or mistake it is written, may show in the masked URL or in
 * an error message.
 *
 * The secret test uses passwords made of Greek letters mixed with URL
 * separators, while every other part of the URL is ASCII. Any Greek letter
 * (or its percent-encoding) in the output is therefore a piece of the
 * password.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { isVarsctlError, UsageError, type VarsctlError } from '../../src/errors.js';
import { maskUrl, parseDatabaseUrl, type DatabaseTarget } from '../../src/store/url.js';

const OPTIONS = { cwd: '/srv/bot', env: {} };

const RUNS = 3000;

const urlCharacter = fc.constantFrom(...'abcz019:/@?#&=%+.-_[]~ '.split(''), 'é', '\u0000', '\n');
const urlText = fc.string({ unit: urlCharacter, maxLength: 60 });
const scheme = fc.constantFrom('postgresql', 'postgres', 'postgresql+psycopg2', 'sqlite', 'sqlite+pysqlite', 'mysql', 'postgresql+x');

/** Any text, or a scheme followed by URL-like text. */
const anyUrl = fc.oneof(fc.string({ maxLength: 80 }), fc.tuple(scheme, urlText).map(([name, rest]) => `${name}://${rest}`), urlText);

const asciiWord = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/);
const hostName = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9-]{0,10}(\.[a-z][a-z0-9-]{0,10}){0,2}$/),
  fc.constantFrom('127.0.0.1', '10.0.0.5'),
);
const port = fc.integer({ min: 1, max: 65535 });

const PASSWORD_LETTERS = 'αβγδεζηθλμξπστφψω';
// encodeURIComponent writes upper-case hex, and the mutations insert only lower-case letters.
const GREEK = /[\u0370-\u03ff]|%C[EF]/;
const secretPassword = fc
  .array(fc.constantFrom(...PASSWORD_LETTERS.split(''), '@', ':', '/', '?', '#', '%', '&', '=', '+', ' ', '!'), { minLength: 1, maxLength: 16 })
  .map((characters) => `${PASSWORD_LETTERS[0] ?? ''}${characters.join('')}`);

/** Ways a password may end up in a URL, correctly or by mistake. */
const passwordShape = fc.constantFrom(
  'encoded',
  'raw',
  'query',
  'query-encoded-name',
  'query-plus-name',
  'no-host',
  'one-slash',
  'encoded-with-bad-parameter',
  'encoded-with-bad-port',
);

function urlWithPassword(shape: string, password: string, user: string, host: string, portNumber: number, database: string): string {
  const encoded = encodeURIComponent(password);
  switch (shape) {
    case 'encoded':
      return `postgresql://${user}:${encoded}@${host}:${portNumber}/${database}`;
    case 'raw':
      return `postgresql://${user}:${password}@${host}:${portNumber}/${database}`;
    case 'query':
      return `postgresql://${user}@${host}/${database}?sslmode=disable&password=${encoded}`;
    case 'query-encoded-name':
      return `postgresql://${user}@${host}/${database}?pass%77ord=${encoded}`;
    case 'query-plus-name':
      return `postgresql://${user}@${host}/${database}?%50ASSWORD=${encoded}`;
    case 'no-host':
      // With an `@` in it, the password's tail would be a host name.
      return `postgresql://${user}:${password.replaceAll('@', '')}`;
    case 'one-slash':
      return `postgresql:/${user}:${password}@${host}/${database}`;
    case 'encoded-with-bad-parameter':
      return `postgresql://${user}:${encoded}@${host}/${database}?sslmode=sometimes`;
    default:
      return `postgresql://${user}:${encoded}@${host}:${portNumber}x/${database}`;
  }
}

/** Inserts `insert` after the last `@` (or at the end without one), where no piece of the password is. */
function mutateAfterHost(url: string, position: number, insert: string): string {
  const start = url.includes('@') ? url.lastIndexOf('@') + 1 : url.length;
  const at = start + (position % (url.length - start + 1));
  return `${url.slice(0, at)}${insert}${url.slice(at)}`;
}

function parseOrError(url: string): DatabaseTarget | VarsctlError {
  try {
    return parseDatabaseUrl(url, OPTIONS);
  } catch (error) {
    if (isVarsctlError(error)) {
      return error;
    }
    throw error;
  }
}

/** Everything a user could see: the masked URL and warnings, or the error message and hint. */
function visibleText(outcome: DatabaseTarget | VarsctlError): string {
  if (outcome instanceof Error) {
    return `${outcome.message}\n${outcome.hint ?? ''}`;
  }
  return [outcome.displayUrl, ...outcome.warnings].join('\n');
}

describe('URL mask', () => {
  // Each of these once showed some or all of the password.
  it.each([
    ['postgresql://bot@db/trading?pass%77ord=Hq7Zk9', 'postgresql://bot@db/trading?pass%77ord=***'],
    ['postgresql://bot@db/trading?pasword=Hq7Zk9', 'postgresql://bot@db/trading?pasword=***'],
    ['postgresql://bot:Hq7Zk9', 'postgresql://bot:***'],
    ['postgresql://bot:Hq7/Zk9', 'postgresql://bot:***'],
    ['postgresql:/bot:Hq7Zk9@db/trading', 'postgresql:/bot:***@db/trading'],
    ['postgresql:/bot:Hq7Zk9', 'postgresql:/bot:***'],
    ['postgresql://bot:Hq7@Zk?9=Wx@db/trading', 'postgresql://bot:***@db/trading'],
    ['postgresql://bot:Hq7@:Zk9@db:5432/trading', 'postgresql://bot:***@db:5432/trading'],
  ])('masks %s', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
    expect(visibleText(parseOrError(url))).not.toMatch(/Hq7|Zk|Wx/);
  });

  it('keeps known parameters visible', () => {
    const url = 'postgresql://bot:pw@db/trading?sslmode=require&application_name=ops@box&connect_timeout=5';

    expect(maskUrl(url)).toBe('postgresql://bot:***@db/trading?sslmode=require&application_name=ops@box&connect_timeout=5');
  });
});

describe('URL parser fuzzing', () => {
  it('gives a target or a UsageError', () => {
    fc.assert(
      fc.property(anyUrl, (url) => {
        const outcome = parseOrError(url);
        if (outcome instanceof Error) {
          expect(outcome).toBeInstanceOf(UsageError);
        } else {
          expect(['postgresql', 'sqlite']).toContain(outcome.dialect);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('masks any text without throwing', () => {
    fc.assert(
      fc.property(anyUrl, (url) => {
        expect(typeof maskUrl(url)).toBe('string');
      }),
      { numRuns: RUNS },
    );
  });

  it('round-trips generated URL parts', () => {
    const password = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(asciiWord, password, hostName, port, asciiWord, (user, secret, host, portNumber, database) => {
        const url = `postgresql://${user}:${encodeURIComponent(secret)}@${host}:${portNumber}/${database}?sslmode=disable`;
        const target = parseDatabaseUrl(url, OPTIONS);

        expect(target).toMatchObject({ user, password: secret, host, port: portNumber, database, sslmode: 'disable' });
        expect(target.displayUrl).toBe(`postgresql://${user}:***@${host}:${portNumber}/${database}?sslmode=disable`);
      }),
      { numRuns: RUNS },
    );
  });

  it('round-trips generated SQLite paths', () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9_. -]{1,12}$/).filter((name) => name !== '.' && name !== '..');
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (segments) => {
        const file = `/${segments.join('/')}`;
        const target = parseDatabaseUrl(`sqlite:///${file}`, OPTIONS);

        expect(target).toMatchObject({ dialect: 'sqlite', file });
      }),
      { numRuns: RUNS },
    );
  });

  it('never shows a password', () => {
    fc.assert(
      fc.property(
        passwordShape,
        secretPassword,
        asciiWord,
        hostName,
        port,
        asciiWord,
        (shape, password, user, host, portNumber, database) => {
          const url = urlWithPassword(shape, password, user, host, portNumber, database);

          expect(visibleText(parseOrError(url))).not.toMatch(GREEK);
          expect(maskUrl(url)).not.toMatch(GREEK);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('never shows a password in a mutated URL', () => {
    fc.assert(
      fc.property(
        passwordShape,
        secretPassword,
        asciiWord,
        hostName,
        port,
        asciiWord,
        fc.nat(),
        fc.string({ unit: urlCharacter, maxLength: 4 }),
        (shape, password, user, host, portNumber, database, position, insert) => {
          const url = mutateAfterHost(urlWithPassword(shape, password, user, host, portNumber, database), position, insert);

          expect(visibleText(parseOrError(url))).not.toMatch(GREEK);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
