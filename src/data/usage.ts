import { sql, type Context } from '../platform/index.ts';

export type UseKind = 'downloads' | 'api_calls' | 'previews';

/** The calendar day in Asia/Shanghai: usage is counted per local day. */
export function shanghaiDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

/**
 * Counts a successful read of each distribution's data (for usage statistics and indicators).
 * Counting is telemetry, not a change of state: it is not audited, and it never fails a read.
 */
export async function countUse(ctx: Context, distributionIds: string[], kind: UseKind): Promise<void> {
  const day = shanghaiDay(ctx.clock.now());
  try {
    for (const id of new Set(distributionIds)) {
      await ctx.db
        .insertInto('distribution_usage')
        .values({ distribution_id: id, day, [kind]: 1 })
        .onConflict((oc) =>
          oc
            .columns(['distribution_id', 'day'])
            .doUpdateSet({ [kind]: sql`distribution_usage.${sql.ref(kind)} + 1` }),
        )
        .execute();
    }
  } catch (err) {
    ctx.logger.warn({ err, kind }, 'usage count failed');
  }
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
