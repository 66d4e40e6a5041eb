import type { Actor, Dataset, RowCondition } from '../core/index.ts';
import type { Context } from '../platform/index.ts';
import { findGrantAccess, logDataUse } from './grants/index.ts';
import { canEditOrgData } from './permissions.ts';
import { sharedWithoutRequest } from './sharing/index.ts';

export type { RowCondition } from '../core/index.ts';

/**
 * What a caller may read of a dataset's DATA (not its metadata). Every data path — rows,
 * aggregate, query, download, preview, search snippets, exports — asks this one function.
 */
export type DataAccess =
  | { kind: 'full'; reason: 'open' | 'owner' | 'share' }
  | {
      kind: 'grant';
      grantId: string;
      fields: string[] | null;
      rows: RowCondition[] | null;
      expiresAt: string | null;
    }
  | { kind: 'denied'; reason: 'not_published' | 'conditional' | 'not_open' | 'outside_grant' };

/** What the caller is about to read, for the access log (`rows`, `aggregate`, `download`, …). */
export interface DataUseNote {
  action: string;
  detail?: unknown;
}

type DatasetTiers = Pick<Dataset, 'id' | 'status' | 'openTier' | 'publisher'> &
  Partial<Pick<Dataset, 'shareTier'>>;

/**
 * The order matters: the owning department reads everything; nothing unpublished leaves it; open
 * data is open; another department's staff read unconditionally shared data; a live grant gives
 * exactly its fields and rows; everything else is denied. Reads through a share or a grant are
 * logged here (one entry per call), so call it when data is about to be served and say what in
 * `use`; callers need not log again (`logGrantUse` is for extra detail such as row counts).
 * A page that only decides what to show (a download button, an apply link) passes `use = null`:
 * nothing is served, so nothing is logged.
 */
export async function resolveDataAccess(
  ctx: Context,
  actor: Actor | null,
  dataset: DatasetTiers,
  use: DataUseNote | null = { action: 'data' },
): Promise<DataAccess> {
  if (actor?.grantId) return grantTokenAccess(ctx, actor, dataset, use);
  if (canEditOrgData(actor, dataset.publisher.id)) return { kind: 'full', reason: 'owner' };
  if (dataset.status !== 'published') return { kind: 'denied', reason: 'not_published' };
  if (dataset.openTier === 'unconditional') return { kind: 'full', reason: 'open' };
  const denied: DataAccess = {
    kind: 'denied',
    reason: dataset.openTier === 'conditional' ? 'conditional' : 'not_open',
  };
  if (!actor) return denied;
  const shareTier = await shareTierOf(ctx, dataset);
  if (!shareTier) return denied;
  if (sharedWithoutRequest(actor, { shareTier, publisher: dataset.publisher })) {
    if (use) await logDataUse(ctx, 'share', null, { datasetId: dataset.id, userId: actor.userId, ...use });
    return { kind: 'full', reason: 'share' };
  }
  const grant = await findGrantAccess(ctx, actor, { id: dataset.id, openTier: dataset.openTier, shareTier });
  if (!grant) return denied;
  if (use)
    await logDataUse(ctx, 'grant', grant.grantId, { datasetId: dataset.id, userId: actor.userId, ...use });
  return { kind: 'grant', ...grant };
}

/** A token bound to one grant reads that grant's datasets, as the grant allows, and nothing else, open data included. */
async function grantTokenAccess(
  ctx: Context,
  actor: Actor,
  dataset: DatasetTiers,
  use: DataUseNote | null,
): Promise<DataAccess> {
  if (dataset.status !== 'published') return { kind: 'denied', reason: 'not_published' };
  const shareTier = await shareTierOf(ctx, dataset);
  const grant = shareTier
    ? await findGrantAccess(ctx, actor, { id: dataset.id, openTier: dataset.openTier, shareTier })
    : null;
  if (!grant) return { kind: 'denied', reason: 'outside_grant' };
  if (use)
    await logDataUse(ctx, 'grant', grant.grantId, { datasetId: dataset.id, userId: actor.userId, ...use });
  return { kind: 'grant', ...grant };
}

const shareTierOf = async (ctx: Context, dataset: DatasetTiers) =>
  dataset.shareTier ??
  (await ctx.db.selectFrom('dataset').select('share_tier').where('id', '=', dataset.id).executeTakeFirst())
    ?.share_tier;
