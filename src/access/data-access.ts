import type { Actor, Dataset } from '../core/index.ts';
import type { Context } from '../platform/index.ts';
import { canEditOrgData } from './permissions.ts';

/** A condition on rows a grant allows, e.g. only one district's records. */
export interface RowCondition {
  field: string;
  op: 'eq' | 'in';
  value: string | number | (string | number)[];
}

/**
 * What a caller may read of a dataset's DATA (not its metadata). Every data path — rows,
 * aggregate, query, download, preview, search snippets, exports — asks this one function.
 */
export type DataAccess =
  | { kind: 'full'; reason: 'open' | 'owner' | 'share' }
  | { kind: 'grant'; grantId: string; fields: string[] | null; rows: RowCondition[] | null; expiresAt: string | null }
  | { kind: 'denied'; reason: 'not_published' | 'conditional' | 'not_open' };

export async function resolveDataAccess(_ctx: Context, actor: Actor | null, dataset: Pick<Dataset, 'id' | 'status' | 'openTier' | 'publisher'>): Promise<DataAccess> {
  if (canEditOrgData(actor, dataset.publisher.id)) return { kind: 'full', reason: 'owner' };
  if (dataset.status !== 'published') return { kind: 'denied', reason: 'not_published' };
  if (dataset.openTier === 'unconditional') return { kind: 'full', reason: 'open' };
  return { kind: 'denied', reason: dataset.openTier === 'conditional' ? 'conditional' : 'not_open' };
}
