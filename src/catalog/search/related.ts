import type { RawBuilder } from 'kysely';
import { sql, type Kdb } from '../../platform/index.ts';
import type { Condition } from './conditions.ts';

/** The dataset whose relatives are wanted. */
export interface RelatedTarget {
  id: string;
  orgId: string;
  tags: string[];
  themes: string[];
  fields: { name: string; title?: string }[];
}

/** Why a dataset is related: what it shares with the target, and the score that ranks it. */
export interface Relation {
  id: string;
  score: number;
  tags: string[];
  themes: string[];
  fields: string[];
  sameOrganisation: boolean;
}

/**
 * A shared tag says most about two datasets being about the same thing; a shared 数据项 (field)
 * that they can be joined, a shared theme and publisher that they belong together — each a
 * little, since 地址 or 统一社会信用代码 are everywhere.
 */
const SCORE = { tag: 3, field: 1, theme: 1, organisation: 1 };

/**
 * Each way of being related contributes at most this many candidates, so a tag or field shared by
 * tens of thousands of datasets (统计日期) costs the same as a rare one.
 */
const PER_REASON = 2000;

/**
 * Visible datasets sharing tags, fields (数据项) or the publisher with the target, best first.
 * Themes only add to the score: sixteen classes over a whole catalogue would relate everything.
 */
export async function relatedTo(
  db: Kdb,
  visible: Condition,
  target: RelatedTarget,
  limit: number,
): Promise<Relation[]> {
  // A 数据项 is known by its title (统一社会信用代码); a bare name (`id`, `name`) says little.
  const titles = [...new Set(target.fields.map((f) => f.title).filter((t): t is string => !!t))];
  const tags = sql`${target.tags}::text[]`;
  const themes = sql`${target.themes}::text[]`;
  const fieldTitles = sql`${titles}::text[]`;
  const common = (column: RawBuilder<unknown>, wanted: RawBuilder<unknown>) =>
    sql`ARRAY(SELECT unnest(${column}) INTERSECT SELECT unnest(${wanted}) ORDER BY 1)`;
  // One containment test per title, so the GIN index on dataset.fields answers each.
  const sharesField = titles.length
    ? sql.join(
        titles.map((title) => sql`dataset.fields @> ${JSON.stringify([{ title }])}::jsonb`),
        sql` OR `,
      )
    : sql`false`;
  const { rows } = await sql<{
    id: string;
    tags: string[];
    themes: string[];
    fields: string[];
    same_org: boolean;
    modified: Date | string;
  }>`
    WITH candidate AS (
      (SELECT dataset.id FROM dataset WHERE dataset.tags && ${tags} AND ${visible} AND dataset.id <> ${target.id} LIMIT ${PER_REASON})
      UNION
      (SELECT dataset.id FROM dataset WHERE (${sharesField}) AND ${visible} AND dataset.id <> ${target.id} LIMIT ${PER_REASON})
      UNION
      (SELECT dataset.id FROM dataset WHERE dataset.org_id = ${target.orgId} AND ${visible} AND dataset.id <> ${target.id} LIMIT ${PER_REASON})
    )
    SELECT dataset.id,
           ${common(sql`dataset.tags`, tags)} AS tags,
           ${common(sql`dataset.themes`, themes)} AS themes,
           ${common(sql`ARRAY(SELECT f->>'title' FROM jsonb_array_elements(dataset.fields) f)`, fieldTitles)} AS fields,
           dataset.org_id = ${target.orgId} AS same_org,
           dataset.modified
      FROM candidate
      JOIN dataset ON dataset.id = candidate.id`.execute(db);
  return rows
    .map((r) => ({
      id: r.id,
      tags: r.tags,
      themes: r.themes,
      fields: r.fields,
      sameOrganisation: r.same_org,
      score:
        SCORE.tag * r.tags.length +
        SCORE.field * r.fields.length +
        SCORE.theme * r.themes.length +
        (r.same_org ? SCORE.organisation : 0),
      modified: new Date(r.modified).getTime(),
    }))
    .sort((a, b) => b.score - a.score || b.modified - a.modified || a.id.localeCompare(b.id))
    .slice(0, limit)
    .map(({ modified: _, ...relation }) => relation);
}
