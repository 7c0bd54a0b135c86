/**
 * The varsctl export format, version 1: JSON Lines in UTF-8, one header line,
 * one line per backup row, one trailer line. `docs/export-format.md` is the
 * full specification, and this module contains its constants and record shapes.
 */

import { z } from 'zod';

import type { Dialect } from '../store/types.js';

export const FORMAT_NAME = 'varsctl-export';
export const FORMAT_VERSION = 1;

/**
 * Maximum length of a line in bytes, for writers and readers. Without it, a
 * damaged file without line breaks would be read into memory whole.
 */
// NOTE: export fails for a `variables` text longer than about 60 MiB, because
// its line would exceed this limit.
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

const DIALECTS = ['postgresql', 'sqlite'] as const satisfies readonly Dialect[];

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The database and table the rows came from, as the header records them. */
export interface ArchiveSource {
  readonly dialect: Dialect;
  readonly table: string;
  /** The connection URL with its password masked. */
  readonly database: string;
}

export interface ArchiveHeader {
  readonly format: typeof FORMAT_NAME;
  readonly version: number;
  /** ISO 8601 UTC time the export started. */
  readonly createdAt: string;
  readonly source: ArchiveSource;
  /** The program and version that wrote the file, for people reading it. */
  readonly tool: string;
}

/**
 * `last_updated` as the source database stored it: the text, the dialect it
 * came from (the text's form depends on it) and the instant it denotes.
 */
export interface ArchiveTimestamp {
  readonly text: string;
  readonly dialect: Dialect;
  /** Microseconds since the Unix epoch, or null when the text is not a readable time. */
  readonly epochMicros: bigint | null;
}

/** One backup row, field for field. */
export interface ArchiveRow {
  readonly strategyId: string;
  readonly id: string | null;
  readonly lastUpdated: ArchiveTimestamp | null;
  /** The stored `variables` text byte for byte; null for SQL NULL. */
  readonly variables: string | null;
}

export interface ArchiveTrailer {
  readonly rows: number;
  readonly strategies: number;
  /** Hex SHA-256 of every byte of the file before the trailer line. */
  readonly sha256: string;
}

// Header and trailer accept members they do not know, so a later writer can
// add informational members without a new version. Row lines are strict:
// an unknown member could carry data, and dropping it silently would lose it.

export const headerSchema = z.object({
  format: z.literal(FORMAT_NAME),
  version: z.number().int().positive(),
  created_at: z.string(),
  source: z.object({
    dialect: z.enum(DIALECTS),
    table: z.string().min(1),
    database: z.string().optional(),
  }),
  tool: z.string().optional(),
});

export const rowSchema = z.strictObject({
  strategy_id: z.string(),
  id: z.string().nullable(),
  last_updated: z
    .strictObject({
      text: z.string(),
      dialect: z.enum(DIALECTS),
      epoch_micros: z
        .string()
        .regex(/^-?\d+$/, 'must be a string of digits')
        .nullable(),
    })
    .nullable(),
  variables: z.string().nullable(),
  row_sha256: z.string().regex(SHA256_HEX, 'must be 64 lowercase hex digits'),
});

/** Converts a row line's `last_updated` member, as rowSchema read it, to an ArchiveTimestamp. */
export function archiveTimestamp(member: z.infer<typeof rowSchema>['last_updated']): ArchiveTimestamp | null {
  if (member === null) {
    return null;
  }
  return {
    text: member.text,
    dialect: member.dialect,
    epochMicros: member.epoch_micros === null ? null : BigInt(member.epoch_micros),
  };
}

export const trailerSchema = z.object({
  end: z.literal(true),
  rows: z.number().int().nonnegative(),
  strategies: z.number().int().nonnegative(),
  sha256: z.string().regex(SHA256_HEX, 'must be 64 lowercase hex digits'),
});

export type RowRecord = z.infer<typeof rowSchema>;
