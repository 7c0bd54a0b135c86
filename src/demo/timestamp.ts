/**
 * `last_updated` texts as the bot writes them into SQLite: New York wall
 * time from Python's sqlite3 datetime adapter, `YYYY-MM-DD HH:MM:SS.ffffff-05:00`,
 * with the fraction left out when it is zero, and without the offset for the
 * placeholder row that pandas writes.
 */

const newYorkParts = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'longOffset',
});

export interface BotTimestampOptions {
  /** False for the placeholder row, which pandas writes as naive wall time with the fraction always present. */
  readonly withOffset: boolean;
}

export function formatBotSqliteTimestamp(epochMicros: bigint, options: BotTimestampOptions): string {
  const millis = Number(epochMicros / 1000n);
  const micros = Number(epochMicros % 1_000_000n);
  const parts = new Map<string, string>();
  for (const part of newYorkParts.formatToParts(millis)) {
    parts.set(part.type, part.value);
  }

  const wallTime =
    `${parts.get('year')}-${parts.get('month')}-${parts.get('day')} ` +
    `${parts.get('hour')}:${parts.get('minute')}:${parts.get('second')}`;
  const fraction = `.${micros.toString().padStart(6, '0')}`;

  if (!options.withOffset) {
    return `${wallTime}${fraction}`;
  }

  // Intl writes the offset as "GMT-05:00"; Python's isoformat writes "-05:00".
  const offset = (parts.get('timeZoneName') ?? 'GMT').replace('GMT', '') || '+00:00';
  return `${wallTime}${micros === 0 ? '' : fraction}${offset}`;
}
