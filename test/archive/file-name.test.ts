import { describe, expect, it } from 'vitest';

import { expandDatePattern, purgeBackupName } from '../../src/archive/index.js';
import { UsageError } from '../../src/errors.js';

// Local time: the process time zone decides, so the date is built from local parts.
const date = new Date(2026, 0, 5, 3, 4, 9);

describe('date pattern', () => {
  it('expands the documented conversions', () => {
    expect(expandDatePattern('backup-%Y%m%d-%H%M%S.jsonl', date)).toBe('backup-20260105-030409.jsonl');
    expect(expandDatePattern('%y/%j/%F', date)).toBe('26/005/2026-01-05');
    expect(expandDatePattern('%s', date)).toBe(String(Math.floor(date.getTime() / 1000)));
    expect(expandDatePattern('100%%', date)).toBe('100%');
  });

  it('leaves names without conversions alone', () => {
    expect(expandDatePattern('backup.jsonl', date)).toBe('backup.jsonl');
  });

  it('counts the day of the year', () => {
    expect(expandDatePattern('%j', new Date(2024, 11, 31, 12))).toBe('366');
  });

  it('rejects an unknown conversion', () => {
    expect(() => expandDatePattern('backup-%Q.jsonl', date)).toThrow(UsageError);
    expect(() => expandDatePattern('backup-%Q.jsonl', date)).toThrow('unknown conversion "%Q" in the file name "backup-%Q.jsonl"');
  });

  it('rejects a trailing percent sign', () => {
    expect(() => expandDatePattern('backup-%', date)).toThrow(/unknown conversion "%"/);
  });
});

describe('purge backup name', () => {
  const when = new Date(Date.UTC(2026, 11, 4, 19, 45, 7));

  it('names a SQLite file', () => {
    expect(purgeBackupName('sqlite:////var/bots/account_history.db', when)).toBe('purged-20261204-194507-account_history.db.jsonl');
  });

  it('names a PostgreSQL database', () => {
    expect(purgeBackupName('postgresql://bot:***@db.example:5432/trading', when)).toBe('purged-20261204-194507-db.example-trading.jsonl');
  });

  it('replaces unsafe characters', () => {
    expect(purgeBackupName('sqlite:///my%20bots/acc ount$.db', when)).toBe('purged-20261204-194507-acc_ount_.db.jsonl');
  });
});
