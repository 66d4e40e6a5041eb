import { sql, type Kdb } from '../platform/index.ts';
import type { Condition } from './search/index.ts';

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

/**
 * The first day (YYYY-MM-DD) whose use still counts. Days are Asia/Shanghai days elsewhere; on a
 * 180-day window, the eight hours between that and UTC do not matter.
 */
export function firstCountedDay(now: Date): string {
  return new Date(now.getTime() - ALSO_USED_WINDOW_DAYS * 86400000).toISOString().slice(0, 10);
}

/**
 * Ids of visible datasets that at least MIN_COMMON_KEYS keys used together with the target within
 * the window, most keys in common first. The counts stay here: shown, their changes would tell
 * an observer when one more person used both.
 */
export async function alsoUsedBy(
  db: Kdb,
  visible: Condition,
  datasetId: string,
  since: string,
  limit: number,
): Promise<string[]> {
  // Counted from the target's users outwards before the catalogue is joined, whatever the
  // planner thinks of the visibility rule: the work is bounded by KEYS_PER_LOOKUP, not the catalogue.
  const { rows } = await sql<{ id: string }>`
    WITH users AS MATERIALIZED (
      SELECT user_key FROM dataset_use_key
       WHERE dataset_id = ${datasetId} AND last_day >= ${since}
       ORDER BY last_day DESC LIMIT ${KEYS_PER_LOOKUP}
    ), common AS MATERIALIZED (
      SELECT other.dataset_id, count(*) AS keys
        FROM users JOIN dataset_use_key other ON other.user_key = users.user_key
       WHERE other.dataset_id <> ${datasetId} AND other.last_day >= ${since}
       GROUP BY other.dataset_id
      HAVING count(*) >= ${MIN_COMMON_KEYS}
    )
    SELECT dataset.id
      FROM common JOIN dataset ON dataset.id = common.dataset_id
     WHERE ${visible}
     ORDER BY common.keys DESC, dataset.modified DESC, dataset.id
     LIMIT ${limit}`.execute(db);
  return rows.map((r) => r.id);
}
