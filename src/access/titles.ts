import type { Kdb } from '../platform/index.ts';

/**
 * The titles of the datasets an application or sharing request asks for, or a grant covers, by
 * owner id: one join, for notices and overdue lists (a catalogue door call per row would be N+1).
 * Owners without datasets are absent from the map.
 */
export async function datasetTitlesByOwner(
  db: Kdb,
  of: 'request' | 'grant',
  ids: readonly string[],
): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  if (!ids.length) return map;
  const rows =
    of === 'request'
      ? await db
          .selectFrom('access_request_dataset as x')
          .innerJoin('dataset as d', 'd.id', 'x.dataset_id')
          .select(['x.request_id as owner', 'd.title'])
          .where('x.request_id', 'in', ids)
          .execute()
      : await db
          .selectFrom('access_grant_dataset as x')
          .innerJoin('dataset as d', 'd.id', 'x.dataset_id')
          .select(['x.grant_id as owner', 'd.title'])
          .where('x.grant_id', 'in', ids)
          .execute();
  for (const r of rows) map.set(r.owner, [...(map.get(r.owner) ?? []), r.title]);
  return map;
}

/** The dataset titles of one request or grant. */
export const datasetTitlesOf = async (db: Kdb, of: 'request' | 'grant', id: string): Promise<string[]> =>
  (await datasetTitlesByOwner(db, of, [id])).get(id) ?? [];
