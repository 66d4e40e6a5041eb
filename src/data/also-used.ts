import { getDataset, rankVisible } from '../catalog/index.ts';
import type { Actor, Dataset, Page } from '../core/index.ts';
import { sql, type Context, type Kdb } from '../platform/index.ts';

/**
 * "People who used this also used" (ADR 0016). A dataset is recommended only when at least this
 * many distinct keys used both: with three, even a viewer who is one of them learns only what two
 * others did together, never what one person did.
 */
const MIN_COMMON_KEYS = 3;

/** Only use within this many days counts; older uses are deleted with the day's salt rotation. */
const ALSO_USED_WINDOW_DAYS = 180;

/**
 * A dataset used by very many keys is judged by its most recent users only, so the lookup costs
 * the same for the most popular dataset as for a quiet one.
 */
const KEYS_PER_LOOKUP = 5000;

/** Candidates handed to the catalogue to weigh visibility; far more than any page shows. */
const MAX_CANDIDATES = 5000;

/**
 * The first day (YYYY-MM-DD) whose use still counts. Days are Asia/Shanghai days elsewhere; on a
 * 180-day window, the eight hours between that and UTC do not matter.
 */
export function firstCountedDay(now: Date): string {
  return new Date(now.getTime() - ALSO_USED_WINDOW_DAYS * 86400000).toISOString().slice(0, 10);
}

/**
 * Datasets that at least MIN_COMMON_KEYS keys used together with the target within the window,
 * with how many keys they have in common. The counts never leave the server: shown, their changes
 * would tell an observer when one more person used both. At most MAX_CANDIDATES, most keys first.
 */
async function usedTogether(
  db: Kdb,
  datasetId: string,
  since: string,
): Promise<{ id: string; weight: number }[]> {
  // Counted from the target's users outwards: the work is bounded by KEYS_PER_LOOKUP, not the catalogue.
  const { rows } = await sql<{ id: string; weight: number }>`
    WITH users AS MATERIALIZED (
      SELECT user_key FROM dataset_use_key
       WHERE dataset_id = ${datasetId} AND last_day >= ${since}
       ORDER BY last_day DESC LIMIT ${KEYS_PER_LOOKUP}
    )
    SELECT other.dataset_id AS id, count(*)::int AS weight
      FROM users JOIN dataset_use_key other ON other.user_key = users.user_key
     WHERE other.dataset_id <> ${datasetId} AND other.last_day >= ${since}
     GROUP BY other.dataset_id
    HAVING count(*) >= ${MIN_COMMON_KEYS}
     ORDER BY weight DESC
     LIMIT ${MAX_CANDIDATES}`.execute(db);
  return rows;
}

/**
 * "People who used this also used": visible datasets that at least three pseudonymous users used
 * together with one the actor may see, within the last 180 days, most users in common first
 * (ADR 0016). The counting is the data room's (it owns the use keys); which candidates the actor
 * may see, and their order among equals, is the catalogue's.
 */
export async function alsoUsedDatasets(
  ctx: Context,
  actor: Actor | null,
  ref: string,
  limit = 10,
): Promise<Page<Dataset>> {
  const d = await getDataset(ctx, actor, ref);
  const candidates = await usedTogether(ctx.db, d.id, firstCountedDay(ctx.clock.now()));
  const items = await rankVisible(ctx, actor, candidates, limit);
  return { items, total: items.length, page: 1, pageSize: limit };
}
