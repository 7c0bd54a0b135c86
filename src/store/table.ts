import { UsageError } from '../errors.js';
import type { ColumnKind, Dialect, TableInfo } from './types.js';

/**
 * Shape checks that both adapters share: column kinds from declared types,
 * and the warnings a hand-made table deserves.
 */

export const BOT_COLUMNS = ['id', 'last_updated', 'variables', 'strategy_id'] as const;

export interface DescribedColumn {
  readonly name: string;
  readonly declaredType: string;
}

/** Classifies a declared column type as PostgreSQL's format_type or SQLite's declaration spells it. */
export function columnKind(declaredType: string): ColumnKind {
  const type = declaredType.trim().toLowerCase();

  if (type === 'text') {
    return 'text';
  }
  if (type.startsWith('varchar') || type.startsWith('character varying')) {
    return 'varchar';
  }
  if (type === 'jsonb' || type === 'json') {
    return type;
  }
  if (type.startsWith('timestamp') && type.endsWith('with time zone') && !type.endsWith('without time zone')) {
    return 'timestamptz';
  }
  if (type === 'timestamptz') {
    return 'timestamptz';
  }
  if (type.startsWith('timestamp') || type === 'datetime') {
    return 'timestamp';
  }
  return 'other';
}

export function buildTableInfo(
  dialect: Dialect,
  displayName: string,
  columns: readonly DescribedColumn[],
  hasPrimaryKey: boolean,
): TableInfo {
  const byName = new Map<string, { declaredType: string; kind: ColumnKind }>();
  for (const column of columns) {
    // SQLite column names are case-insensitive; PostgreSQL's are exact.
    const name = dialect === 'sqlite' ? column.name.toLowerCase() : column.name;
    byName.set(name, { declaredType: column.declaredType, kind: columnKind(column.declaredType) });
  }

  return { displayName, columns: byName, hasPrimaryKey, warnings: tableWarnings(dialect, displayName, byName) };
}

/** Throws UsageError when the table lacks a column the bot's table has. */
export function requireBotColumns(info: TableInfo): void {
  const missing = BOT_COLUMNS.filter((name) => !info.columns.has(name));
  if (missing.length > 0) {
    throw new UsageError(`table ${info.displayName} has no column ${missing.join(', ')}, so it is not a Lumibot backup table`, {
      hint: 'check --table; the bot\'s table has the columns id, last_updated, variables, strategy_id',
    });
  }
}

function tableWarnings(dialect: Dialect, displayName: string, columns: ReadonlyMap<string, { kind: ColumnKind }>): string[] {
  const warnings: string[] = [];
  const variablesKind = columns.get('variables')?.kind;
  const lastUpdatedKind = columns.get('last_updated')?.kind;

  if (dialect === 'postgresql' && (variablesKind === 'jsonb' || variablesKind === 'json')) {
    warnings.push(
      `the variables column of ${displayName} is ${variablesKind}: varsctl reads it, but the bot cannot load ` +
        'from it (psycopg2 returns a dict where the loader expects text), and NaN or Infinity cannot be stored in it; ' +
        'change the column to text',
    );
  }
  if (dialect === 'postgresql' && lastUpdatedKind === 'timestamp') {
    warnings.push(
      `last_updated of ${displayName} is timestamp without time zone: varsctl reads and writes it as New York wall time`,
    );
  }
  if (columns.size > 0 && !columns.has('id')) {
    warnings.push(`${displayName} has no id column, so the bot cannot insert a new strategy into it`);
  }
  return warnings;
}
