import type { RawBuilder } from 'kysely';
import { sql, type Kdb } from '../../platform/index.ts';
import type { SearchQuery } from './query.ts';

export type Condition = RawBuilder<boolean>;

const tsquery = (text: string) => sql`to_tsquery('simple', ${text})`;

/** Trigram similarity of pinyin that makes a title word a candidate correction (gongjjin ~ gongjijin: 0.58). */
export const TYPO_MATCH = 0.3;

const like = (w: string) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Publishers whose name holds every word (or one of its synonyms): organisations are few. */
function publishers(words: string[][]) {
  const each = words.map(
    (group) =>
      sql`(${sql.join(
        group.map((w) => sql`organisation.name LIKE ${like(w)}`),
        sql` OR `,
      )})`,
  );
  return sql`ARRAY(SELECT organisation.id FROM organisation WHERE ${sql.join(each, sql` AND `)})`;
}

/**
 * Whether a `dataset_search` row matches a query: every word in its document, or every word in
 * its publisher's name. Both are index conditions on `dataset_search`, so PostgreSQL ORs bitmaps
 * and never scans the table.
 */
export function matchCondition(sq: SearchQuery): Condition | null {
  if (!sq.document) return null;
  const branches = [sql<boolean>`dataset_search.document @@ ${tsquery(sq.document)}`];
  if (sq.publisher) branches.push(sql<boolean>`dataset_search.org_id = ANY(${publishers(sq.publisher)})`);
  return sql<boolean>`(${sql.join(branches, sql` OR `)})`;
}

/** Datasets having the asked-for 数据项 (by name or title). */
export function fieldCondition(sq: SearchQuery): Condition | null {
  return sq.fields ? sql<boolean>`dataset_search.field_terms @@ ${tsquery(sq.fields)}` : null;
}

// strpos rather than LIKE '%…%': the same test, at a fraction of the cost on every hit.
const anyOf = (column: string, words: string[]) =>
  sql<boolean>`(${sql.join(
    words.map((w) => sql`strpos(${sql.ref(column)}, ${w}) > 0`),
    sql` OR `,
  )})`;
const allOf = (column: string, groups: string[][]) =>
  sql<boolean>`(${sql.join(
    groups.map((g) => anyOf(column, g)),
    sql` AND `,
  )})`;

/**
 * Relevance, from the short title and tags kept in the row (never the large document, so ranking
 * thousands of hits stays cheap): all words in the title first, the words as typed before their
 * synonyms, then all words in the tags, then a hit anywhere else (description, fields,
 * publisher). Ties go to the most recently modified.
 */
export function rankExpression(sq: SearchQuery) {
  if (!sq.document || !sq.groups.length) return sql<number>`0`;
  const typed = sq.groups.map((g) => [g[0]]);
  // Every typed word in the title implies every group in it: one CASE tests each title once for a
  // query without synonyms, on every hit.
  const title = sq.groups.some((g) => g.length > 1)
    ? sql`CASE WHEN ${allOf('dataset_search.title_key', typed)} THEN 6 WHEN ${allOf('dataset_search.title_key', sq.groups)} THEN 4 ELSE 0 END`
    : sql`CASE WHEN ${allOf('dataset_search.title_key', typed)} THEN 6 ELSE 0 END`;
  return sql<number>`(${title} + ${allOf('dataset_search.tags_key', sq.groups)}::int)`;
}

/**
 * Runs `fn` in a transaction set up for listing: no JIT (compiling costs more than these short
 * statements run) and pg_trgm's similarity threshold for typos; when `searching`, no sequential
 * scans either (for a common word the planner would pick one, then unpack every row's
 * out-of-line tsvector instead of reading the GIN index). All transaction-local: pooled
 * connections never carry them on.
 */
export async function searchSession<T>(
  db: Kdb,
  searching: boolean,
  fn: (trx: Kdb) => Promise<T>,
): Promise<T> {
  // Inside a caller's transaction the settings would outlive the search: run plainly instead.
  if (db.isTransaction) return fn(db);
  return db.transaction().execute(async (trx) => {
    await sql`SELECT set_config('pg_trgm.similarity_threshold', ${String(TYPO_MATCH)}, true),
                     set_config('enable_seqscan', ${searching ? 'off' : 'on'}, true), set_config('jit', 'off', true)`.execute(
      trx,
    );
    return fn(trx);
  });
}
