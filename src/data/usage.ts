import type { Dataset } from '../core/index.ts';
import { raise, sql, type Context } from '../platform/index.ts';
import { currentCaller, usageKey } from './usage-key.ts';

export type UseKind = 'downloads' | 'api_calls' | 'previews';

/** The calendar day in Asia/Shanghai: usage is counted per local day. */
export function shanghaiDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

/**
 * Counts a successful read of each distribution's data (for usage statistics and indicators),
 * records the use under the caller's pseudonymous key ("people who used this also used") and raises
 * `dataRead`, on which the catalogue adds downloads to its running totals (the "most downloaded"
 * sort) — in one transaction, so the sort is right as soon as the read is. Counting is telemetry, not a change of state: it is not
 * audited, and it never fails a read.
 */
export async function countUse(ctx: Context, distributionIds: string[], kind: UseKind): Promise<void> {
  const ids = [...new Set(distributionIds)];
  if (!ids.length) return;
  await telemetry(ctx, kind, async (day, key) => {
    await ctx.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ datasetId: string; n: number }>`
        WITH counted AS (
          INSERT INTO distribution_usage AS u (distribution_id, day, ${sql.ref(kind)})
          SELECT id, ${day}, 1 FROM unnest(${ids}::uuid[]) AS id
          ON CONFLICT (distribution_id, day) DO UPDATE SET ${sql.ref(kind)} = u.${sql.ref(kind)} + 1
          RETURNING distribution_id
        ), used AS (
          SELECT distribution.dataset_id, count(*)::int AS n
            FROM counted JOIN distribution ON distribution.id = counted.distribution_id
           GROUP BY distribution.dataset_id
        )${recordKey(key, day)}
        SELECT used.dataset_id AS "datasetId", used.n FROM used`.execute(trx);
      await raise(trx, 'dataRead', { kind, datasets: rows });
    });
  });
}

/**
 * Counts a view of a dataset's page (portal or API) and raises `dataRead`, on which the catalogue
 * adds it to the dataset's running total (the "most viewed" sort), in one transaction, recording the use under the caller's key as a read does.
 * Views of a dataset that is not public yet, and its own department's views, are not interest from
 * its users: they are not counted. Never fails the page.
 */
export async function countView(
  ctx: Context,
  dataset: Pick<Dataset, 'id' | 'status'> & { publisher: { id: string } },
): Promise<void> {
  if (dataset.status !== 'published' || currentCaller()?.actor?.orgId === dataset.publisher.id) return;
  await telemetry(ctx, 'views', async (day, key) => {
    await ctx.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ datasetId: string; n: number }>`
        WITH used AS (
          INSERT INTO dataset_usage AS u (dataset_id, day, views) VALUES (${dataset.id}, ${day}, 1)
          ON CONFLICT (dataset_id, day) DO UPDATE SET views = u.views + 1
          RETURNING dataset_id
        )${recordKey(key, day)}
        SELECT used.dataset_id AS "datasetId", 1 AS n FROM used`.execute(trx);
      await raise(trx, 'dataRead', { kind: 'views', datasets: rows });
    });
  });
}

/**
 * Runs a count for today under the caller's key (none outside a request: the CLI and jobs), and
 * swallows its failure.
 */
async function telemetry(
  ctx: Context,
  kind: string,
  count: (day: string, key: string | null) => Promise<void>,
): Promise<void> {
  const day = shanghaiDay(ctx.clock.now());
  try {
    const caller = currentCaller();
    await count(day, caller ? await usageKey(ctx, caller, day) : null);
  } catch (err) {
    ctx.logger.warn({ err, kind }, 'usage count failed');
  }
}

/**
 * A further step for a statement whose CTE `used` yields the datasets used: the key's last use of
 * each. An unchanged day is not written again.
 */
function recordKey(key: string | null, day: string) {
  if (!key) return sql``;
  return sql`, recorded AS (
        INSERT INTO dataset_use_key AS k (user_key, dataset_id, last_day)
        SELECT ${key}, dataset_id, ${day} FROM used
        ON CONFLICT (user_key, dataset_id) DO UPDATE SET last_day = excluded.last_day
         WHERE k.last_day < excluded.last_day
      )`;
}

export interface UsageRow {
  distributionId: string;
  day: string;
  downloads: number;
  apiCalls: number;
  previews: number;
}

/** Daily counts for the insight module: one row per distribution and day, `from`/`to` inclusive (YYYY-MM-DD). */
export async function listUsage(
  ctx: Context,
  opts: { distributionId?: string; from?: string; to?: string } = {},
): Promise<UsageRow[]> {
  let q = ctx.db.selectFrom('distribution_usage').selectAll().orderBy('day').orderBy('distribution_id');
  if (opts.distributionId) q = q.where('distribution_id', '=', opts.distributionId);
  if (opts.from) q = q.where('day', '>=', opts.from);
  if (opts.to) q = q.where('day', '<=', opts.to);
  return (await q.execute()).map((r) => ({
    distributionId: r.distribution_id,
    day: r.day,
    downloads: r.downloads,
    apiCalls: r.api_calls,
    previews: r.previews,
  }));
}
