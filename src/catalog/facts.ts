import type { DataField, DatasetStatus, OpenTier, ShareTier } from '../core/index.ts';
import { UUID } from './datasets.ts';
import type { Kdb } from '../platform/index.ts';

export interface DatasetFacts {
  id: string;
  code: string;
  slug: string;
  title: string;
  orgId: string;
  orgName: string;
  status: DatasetStatus;
  openTier: OpenTier;
  shareTier: ShareTier;
  fields: DataField[];
}

const RESOURCE_CODE = /^\d{2}-[0-9A-Z]+-\d{5}$/;

/** Datasets by id, resource code or slug, each under every ref it was found by; unpublished ones too (the caller decides). */
export async function findDatasets(db: Kdb, refs: string[]): Promise<Map<string, DatasetFacts>> {
  const out = new Map<string, DatasetFacts>();
  if (!refs.length) return out;
  const ids = refs.filter((r) => UUID.test(r));
  const codes = refs.filter((r) => RESOURCE_CODE.test(r));
  const slugs = refs.filter((r) => !UUID.test(r) && !RESOURCE_CODE.test(r));
  const rows = await db
    .selectFrom('dataset as d')
    .innerJoin('organisation as o', 'o.id', 'd.org_id')
    .select([
      'd.id',
      'd.code',
      'd.slug',
      'd.title',
      'd.org_id',
      'o.name as org_name',
      'd.status',
      'd.open_tier',
      'd.share_tier',
      'd.fields',
    ])
    .where((eb) =>
      eb.or([
        ...(ids.length ? [eb('d.id', 'in', ids)] : []),
        ...(codes.length ? [eb('d.code', 'in', codes)] : []),
        ...(slugs.length ? [eb('d.slug', 'in', slugs)] : []),
      ]),
    )
    .execute();
  for (const r of rows) {
    const facts: DatasetFacts = {
      id: r.id,
      code: r.code,
      slug: r.slug,
      title: r.title,
      orgId: r.org_id,
      orgName: r.org_name,
      status: r.status as DatasetStatus,
      openTier: r.open_tier as OpenTier,
      shareTier: r.share_tier as ShareTier,
      fields: (r.fields ?? []) as DataField[],
    };
    for (const key of [r.id, r.code, r.slug]) if (refs.includes(key)) out.set(key, facts);
  }
  return out;
}
