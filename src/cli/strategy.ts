import { NotFoundError } from '../errors.js';
import type { Store, StrategyRows } from '../store/types.js';
import { quote } from './render/text.js';

/**
 * Finding a strategy the way the bot does (exact strategy_id, case and
 * trailing spaces included), and suggesting near names when that fails.
 */

/**
 * Reads every row of a strategy. Throws NotFoundError with near names when
 * no row has exactly this strategy_id.
 */
export async function findStrategy(store: Store, strategyId: string): Promise<StrategyRows> {
  const found = await store.readStrategy(strategyId);
  if (found !== null) {
    return found;
  }

  throw await strategyNotFound(store, strategyId);
}

/** The NotFoundError for a missing strategy, with near names from the table. */
export async function strategyNotFound(store: Store, strategyId: string): Promise<NotFoundError> {
  const names = await store.listStrategyIds();
  const suggestions = suggestNames(strategyId, names);

  const message = `strategy ${quote(strategyId)} not found in ${store.tableName}`;
  const encodedOtherwise = names.filter((name) => name !== strategyId && name.normalize('NFC') === strategyId.normalize('NFC'));
  if (encodedOtherwise.length > 0) {
    const stored = encodedOtherwise.map((name) => `${quote(name)}, which is ${bashQuote(name)} in bash`).join(' or ');
    return new NotFoundError(message, {
      hint:
        `the table has ${stored}: the same name after Unicode NFC normalization, differing only in how accents are encoded. ` +
        'The bot matches strategy_id byte for byte, so pass the stored spelling.',
    });
  }
  if (suggestions.length > 0) {
    return new NotFoundError(message, {
      hint: `did you mean ${suggestions.map(quote).join(' or ')}? The bot matches strategy_id exactly, case and spaces included.`,
    });
  }
  return new NotFoundError(message, {
    hint: names.length === 0 ? `${store.tableName} holds no strategies yet` : 'run varsctl list to see the strategies',
  });
}

/**
 * Names from `candidates` close to `name`, best first: the same name apart
 * from case or surrounding spaces, then small edit distances, then names
 * that contain it.
 */
export function suggestNames(name: string, candidates: readonly string[], limit = 3): string[] {
  const wanted = normalize(name);
  const scored: { candidate: string; score: number }[] = [];

  for (const candidate of candidates) {
    if (candidate === name) {
      continue;
    }

    const score = nearness(wanted, normalize(candidate));
    if (score !== null) {
      scored.push({ candidate, score });
    }
  }

  scored.sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate));
  return scored.slice(0, limit).map((entry) => entry.candidate);
}

/** A score (lower is nearer), or null when the two names are not alike. */
function nearness(wanted: string, candidate: string): number | null {
  if (wanted === candidate) {
    return 0;
  }

  const distance = levenshtein(wanted, candidate);
  // A name that shares no character position with the other (such as the
  // empty name) is not a near miss, however short both are.
  if (distance >= Math.max(Array.from(wanted).length, Array.from(candidate).length)) {
    return null;
  }
  const allowed = Math.max(1, Math.floor(Math.min(wanted.length, candidate.length) / 3));
  if (distance <= allowed) {
    return distance;
  }

  if (wanted.length >= 3 && (candidate.includes(wanted) || wanted.includes(candidate))) {
    return 100 + distance;
  }
  return null;
}

function normalize(name: string): string {
  return name.normalize('NFC').trim().toLowerCase();
}

/** Spells `name` as a bash `$'...'` string with every character outside printable ASCII escaped, such as `$'Cafe\u0301'`. */
export function bashQuote(name: string): string {
  let body = '';
  for (const character of name) {
    const codePoint = character.codePointAt(0) ?? 0;
    if (character === "'" || character === '\\') {
      body += `\\${character}`;
    } else if (codePoint >= 0x20 && codePoint < 0x7f) {
      body += character;
    } else if (codePoint <= 0xffff) {
      body += `\\u${codePoint.toString(16).padStart(4, '0')}`;
    } else {
      body += `\\U${codePoint.toString(16).padStart(8, '0')}`;
    }
  }
  return `$'${body}'`;
}

/** Edit distance over code points, so an emoji counts as one character. */
export function levenshtein(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);

  for (let i = 1; i <= left.length; i++) {
    const current = [i];
    for (let j = 1; j <= right.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (left[i - 1] === right[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }

  return previous[right.length] ?? 0;
}
