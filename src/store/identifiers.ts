/**
 * Table names as a user gives them (`vars_backup`, `schema.table`, or quoted
 * parts such as `"my.schema"."vars backup"`), and the one helper that quotes
 * identifiers for SQL. Every name reaches SQL through `quoteIdentifier`, so
 * quotes, semicolons and SQL fragments in a name stay data.
 */

import { UsageError } from '../errors.js';
import { invalidUtf8Offset } from './utf8.js';

export interface TableName {
  /** The schema (PostgreSQL) or attached database (SQLite); undefined for the default. */
  readonly schema: string | undefined;
  readonly name: string;
  /** As the user wrote it, for messages. */
  readonly displayName: string;
}

/** Quotes an identifier for PostgreSQL and SQLite alike: `"name"`, inner quotes doubled. */
export function quoteIdentifier(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/** Quotes a table name, schema-qualified when it has a schema. */
export function quoteTableName(table: TableName): string {
  const name = quoteIdentifier(table.name);
  return table.schema === undefined ? name : `${quoteIdentifier(table.schema)}.${name}`;
}

/**
 * Parses `--table`. Unquoted parts are taken exactly as written (no case
 * folding), as SQLAlchemy quotes a name that is not all lower case. A dot
 * outside double quotes separates schema and table.
 */
export function parseTableName(input: string): TableName {
  const parts = splitParts(input);

  if (parts.length > 2 || parts.some((part) => part.length === 0)) {
    throw invalidTableName(input, 'expected "table" or "schema.table"');
  }
  if (parts.some((part) => part.includes('\0'))) {
    throw invalidTableName(input, 'a name cannot contain a NUL character');
  }
  if (parts.some((part) => invalidUtf8Offset(part) !== null)) {
    throw invalidTableName(input, 'a name cannot contain bytes that are not UTF-8');
  }

  const [first = '', second] = parts;
  return second === undefined
    ? { schema: undefined, name: first, displayName: input }
    : { schema: first, name: second, displayName: input };
}

/** Splits at dots outside double quotes; `""` inside quotes is one quote. */
function splitParts(input: string): string[] {
  const parts: string[] = [];
  let current = '';
  let index = 0;

  while (index < input.length) {
    const char = input[index] ?? '';

    if (char === '"' && current.length === 0) {
      const end = closingQuote(input, index);
      current = input.slice(index + 1, end).replaceAll('""', '"');
      index = end + 1;
      if (index < input.length && input[index] !== '.') {
        throw invalidTableName(input, 'a quoted part must be followed by a dot or the end');
      }
      continue;
    }

    if (char === '.') {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
    index += 1;
  }

  parts.push(current);
  return parts;
}

function closingQuote(input: string, start: number): number {
  let index = start + 1;
  while (index < input.length) {
    if (input[index] === '"') {
      if (input[index + 1] !== '"') {
        return index;
      }
      index += 1;
    }
    index += 1;
  }
  throw invalidTableName(input, 'a double quote is not closed');
}

function invalidTableName(input: string, reason: string): UsageError {
  return new UsageError(`invalid table name "${input}": ${reason}`, {
    hint: 'for example --table vars_backup or --table myschema.vars_backup; quote a part that contains a dot: --table \'"my.schema".vars_backup\'',
  });
}

/** Maximum length of a name that PostgreSQL keeps, in bytes: NAMEDATALEN - 1 in a default build. */
const POSTGRES_NAME_BYTES = 63;

/** A table name as PostgreSQL resolves it, with a warning when that differs from the name given. */
export interface ResolvedTableName {
  readonly table: TableName;
  readonly warning: string | undefined;
}

/**
 * Cuts each part of a PostgreSQL table name to the 63 bytes that the server
 * keeps. The server cuts a longer name with only a notice, so the bot, whose
 * SQLAlchemy sends the name as given, reaches the table of the shorter name.
 * varsctl uses that name too and warns, so its messages name the table it reads.
 */
export function resolvePostgresName(table: TableName): ResolvedTableName {
  const schema = table.schema === undefined ? undefined : storedPrefix(table.schema);
  const name = storedPrefix(table.name);
  if (schema === table.schema && name === table.name) {
    return { table, warning: undefined };
  }

  const displayName = [schema, name].filter((part) => part !== undefined).map(displayPart).join('.');
  return {
    table: { schema, name, displayName },
    warning: `PostgreSQL keeps only the first ${POSTGRES_NAME_BYTES} bytes of a name, so --table ${table.displayName} is the table ${displayName}`,
  };
}

/**
 * Returns the whole characters of `part` that fit in POSTGRES_NAME_BYTES, as PostgreSQL cuts a name.
 * NOTE: the server counts bytes in the database's encoding, so in a LATIN1 or SQL_ASCII database a name with characters past ASCII is cut elsewhere.
 */
function storedPrefix(part: string): string {
  if (Buffer.byteLength(part, 'utf8') <= POSTGRES_NAME_BYTES) {
    return part;
  }

  let stored = '';
  let bytes = 0;
  for (const character of part) {
    bytes += Buffer.byteLength(character, 'utf8');
    if (bytes > POSTGRES_NAME_BYTES) {
      break;
    }
    stored += character;
  }
  return stored;
}

/** Spells a name part as --table accepts it: bare when it is a plain identifier, in double quotes otherwise. */
export function displayPart(part: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(part) ? part : quoteIdentifier(part);
}

/**
 * Rejects a table in a temporary schema for a restore: the database drops
 * such a table when varsctl closes its connection, so every restored row
 * would be lost. SQLite's `temp` is named in any case, while PostgreSQL's
 * `pg_temp` is lower case (varsctl quotes every name).
 */
export function rejectTemporaryTable(table: TableName, dialect: 'postgresql' | 'sqlite'): void {
  const schema = table.schema;
  const temporary =
    schema !== undefined && (dialect === 'sqlite' ? schema.toLowerCase() === 'temp' : /^pg_temp(_\d+)?$/.test(schema));
  if (temporary) {
    throw temporaryTableError(table);
  }
}

/** Builds the error for a restore into a table that the database drops at disconnection. */
export function temporaryTableError(table: TableName): UsageError {
  return new UsageError(`cannot restore into ${table.displayName}: a temporary table is dropped when varsctl disconnects, with every row restored`, {
    hint: `name a table that the bot reads, such as --table ${displayPart(table.name)}`,
  });
}
