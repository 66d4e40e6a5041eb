import type { RawBuilder } from 'kysely';
import { sql } from '../../platform/index.ts';

/**
 * Search rows hold small codes for the values lists filter and count on (migration 006,
 * ADR 0015): a scalar column holds its value's code, `themes` and `formats` a bit set of codes.
 * Codes exist only for values some dataset has had, so a value never used finds nothing.
 */
export type CodedFacet = 'status' | 'open_tier' | 'share_tier' | 'update_frequency' | 'theme' | 'format';

/** The code of one value, or NULL when no dataset ever had it (equal to nothing). */
export const codeOf = (facet: CodedFacet, value: string): RawBuilder<number | null> =>
  sql`(SELECT search_code.code FROM search_code WHERE search_code.facet = ${facet} AND search_code.value = ${value})`;

/** The bit of one value in a set column, or 0 when no dataset ever had it. */
export const bitOf = (facet: CodedFacet, value: string): RawBuilder<string> =>
  sql`(SELECT coalesce(bit_or(1::bigint << search_code.code), 0) FROM search_code WHERE search_code.facet = ${facet} AND search_code.value = ${value})`;
