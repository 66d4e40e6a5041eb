import {
  dataAccess,
  grantMayOpen,
  tierSubject,
  type Actor,
  type DataAccess,
  type Dataset,
} from '../core/index.ts';
import type { Context } from '../platform/index.ts';
import { findDatasets } from '../catalog/index.ts';
import { findGrantCandidates, logDataUse } from './grants/index.ts';

export type { RowCondition, DataAccess } from '../core/index.ts';

/** What the caller is about to read, for the access log (`rows`, `aggregate`, `download`, …). */
export interface DataUseNote {
  action: string;
  detail?: unknown;
}

type DatasetTiers = Pick<Dataset, 'id' | 'status' | 'openTier' | 'publisher'> &
  Partial<Pick<Dataset, 'shareTier'>>;

/**
 * What a caller may read of a dataset's DATA (not its metadata): the tier policy's `dataAccess`
 * (core/tiers.ts) over the caller's grants. Every data path — rows, aggregate, query, download,
 * preview, search snippets, exports — asks this one function. Reads through a share or a grant are
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
  // A caller holding only the open tier (a search hit) need not load the share tier first.
  const shareTier =
    dataset.shareTier ?? (await findDatasets(ctx.db, [dataset.id])).get(dataset.id)?.shareTier;
  // A dataset that is not (or no longer) stored shares nothing.
  const subject = tierSubject({ ...dataset, shareTier: shareTier ?? 'not_shared' });
  const now = ctx.clock.now();
  const grants =
    actor && grantMayOpen(actor, subject) ? await findGrantCandidates(ctx, actor, dataset.id) : [];
  const access = dataAccess(actor, subject, grants, now);
  if (use && actor && access.kind === 'full' && access.reason === 'share')
    await logDataUse(ctx, 'share', null, { datasetId: dataset.id, userId: actor.userId, ...use });
  if (use && actor && access.kind === 'grant')
    await logDataUse(ctx, 'grant', access.grantId, { datasetId: dataset.id, userId: actor.userId, ...use });
  return access;
}
