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

/**
 * The values of counted codes: `counted` yields `key` (a code, or a bit set when `set`) and `n`;
 * the result is `value` and the summed `count`, one row per value.
 */
export function decodeCounts(facet: CodedFacet, counted: RawBuilder<unknown>, set: boolean) {
  const matches = set ? sql`c.key & (1::bigint << search_code.code) <> 0` : sql`c.key = search_code.code`;
  return sql`SELECT search_code.value AS value, sum(c.n)::int AS count FROM (${counted}) c
    JOIN search_code ON search_code.facet = ${facet} AND ${matches} GROUP BY 1`;
}
