import { getDataset, getDistribution } from '../catalog/index.ts';
import type { DataAction, DataPass, DataReader } from '../data/index.ts';
import { DomainError, notFound, type Actor } from '../core/index.ts';
import type { Context } from '../platform/index.ts';
import { resolveDataAccess } from './data-access.ts';

/**
 * The one gate every read of data passes (ADR 0021). It stands in the access room because it
 * composes the catalogue (is the dataset visible?), the tier policy and the caller's grants and
 * shares (may its data be read, and how much?); the data room's readers take a `DataReader` made
 * here and never decide access themselves.
 */

const DENIED = {
  conditional: {
    zh: '该数据为有条件开放，须申请获批后才能获取',
    en: 'This data is open on conditions; apply for access to read it',
  },
  not_open: { zh: '该数据不予开放', en: 'This data is not open' },
  outside_grant: {
    zh: '该令牌只能读取其所属授权范围内的数据',
    en: 'This token reads only the data of its grant',
  },
};

export const accessDenied = (reason: keyof typeof DENIED) =>
  new DomainError('forbidden', 'access_denied', DENIED[reason], { reason });

/** Visible and readable, or the error that says why not (404 for what the caller may not know exists). */
export async function checkAccess(
  ctx: Context,
  actor: Actor | null,
  distributionId: string,
  action: DataAction,
  detail?: unknown,
): Promise<DataPass> {
  const distribution = await getDistribution(ctx, actor, distributionId);
  const dataset = await getDataset(ctx, actor, distribution.datasetId);
  const access = await resolveDataAccess(ctx, actor, dataset, {
    action,
    detail: { distributionId: distribution.id, ...(detail as object | undefined) },
  });
  if (access.kind === 'denied') {
    if (access.reason === 'not_published') throw notFound('Distribution', '资源');
    throw accessDenied(access.reason);
  }
  return { dataset, distribution, access };
}

/** The reader the data room's functions take: `actor`, behind this room's gate. */
export const dataReader = (actor: Actor | null): DataReader => ({
  actor,
  pass: (ctx, distributionId, action, detail) => checkAccess(ctx, actor, distributionId, action, detail),
});
