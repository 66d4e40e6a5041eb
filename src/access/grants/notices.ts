import type { Page, RevocationNotice } from '../../core/index.ts';
import type { Context } from '../../platform/index.ts';
import { iso } from './support.ts';

/**
 * A display name as the public notice shows it: the first character and stars, so that the
 * notice names a breach without publishing a person (张三 → 张*, alice → a****). Email
 * addresses are never shown.
 */
export function maskName(name: string): string {
  const chars = [...name.split('@')[0].trim()];
  if (!chars.length) return '*';
  return chars[0] + '*'.repeat(Math.max(1, Math.min(chars.length - 1, 4)));
}

/**
 * The public notice of revoked grants (公示): a user who breaks the agreement loses access and
 * this is announced on the platform (Jiangsu; seed 001 §4). Only grants to the public are listed;
 * sharing between departments is not a public matter.
 */
export async function listRevocationNotices(
  ctx: Context,
  opts: { page?: number; pageSize?: number } = {},
): Promise<Page<RevocationNotice>> {
  const page = Math.max(1, opts.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, opts.pageSize ?? 20));
  const q = ctx.db
    .selectFrom('access_grant as g')
    .innerJoin('organisation as p', 'p.id', 'g.provider_org_id')
    .innerJoin('app_user as u', 'u.id', 'g.user_id')
    .where('g.kind', '=', 'open')
    .where('g.status', '=', 'revoked');
  const { total } = await q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await q
    .select(['g.id', 'g.status_changed_at', 'g.status_reason', 'u.name', 'p.name as provider'])
    .orderBy('g.status_changed_at', 'desc')
    .orderBy('g.id')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  const ids = rows.map((r) => r.id);
  const datasets = ids.length
    ? await ctx.db
        .selectFrom('access_grant_dataset as gd')
        .innerJoin('dataset as d', 'd.id', 'gd.dataset_id')
        .select(['gd.grant_id', 'd.id', 'd.title'])
        .where('gd.grant_id', 'in', ids)
        .orderBy('d.code')
        .execute()
    : [];
  return {
    items: rows.map((r) => ({
      grantId: r.id,
      revokedAt: iso(r.status_changed_at)!,
      grantee: maskName(r.name),
      provider: r.provider,
      datasets: datasets.filter((d) => d.grant_id === r.id).map((d) => ({ id: d.id, title: d.title })),
      reason: r.status_reason ?? '',
    })),
    total: Number(total),
    page,
    pageSize,
  };
}
