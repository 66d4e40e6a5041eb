import type { Selectable } from 'kysely';
import {
  DistributionInputSchema,
  DistributionPatchSchema,
  dataAccess,
  seesWholeTable,
  tierSubject,
  findTerm,
  formatErrors,
  formats,
  notFound,
  shapeErrors,
  validationFailed,
  type Actor,
  type Distribution,
  type DistributionInput,
  type IngestStatus,
  isUuid,
} from '../core/index.ts';
import { appendAudit, canEditOrgData, requireActor } from '../identity/index.ts';
import type { Context, Kdb, Schema } from '../platform/index.ts';
import { getDataset, refuseEdit } from './datasets.ts';

type Row = Selectable<Schema['distribution']>;

export function toDistribution(r: Row): Distribution {
  return {
    id: r.id,
    datasetId: r.dataset_id,
    title: r.title,
    description: r.description,
    format: r.format,
    mediaType: r.media_type,
    byteSize: r.byte_size === null ? null : Number(r.byte_size),
    checksum: r.checksum,
    downloadURL: r.download_url,
    accessURL: r.access_url,
    rowCount: r.row_count === null ? null : Number(r.row_count),
    fieldCount: r.field_count,
    ingestStatus: r.ingest_status as IngestStatus,
    issued: new Date(r.issued).toISOString(),
    modified: new Date(r.modified).toISOString(),
  };
}

function check(schema: typeof DistributionInputSchema | typeof DistributionPatchSchema, body: unknown): void {
  const errors = shapeErrors(schema, body);
  if (!errors.some((e) => e.field === 'format' || e.field === 'body'))
    errors.push(...formatErrors((body as { format?: string }).format));
  if (errors.length) throw validationFailed(errors);
}

function columnsOf(input: Partial<DistributionInput>) {
  const term = input.format ? findTerm(formats, input.format) : undefined;
  const set = <K extends string, V>(key: K, v: V | undefined) =>
    v === undefined ? {} : ({ [key]: v } as Record<K, V>);
  return {
    ...set('title', input.title),
    ...set('description', input.description),
    ...set('format', term?.code),
    // A format implies its media type unless the publisher says otherwise.
    ...set(
      'media_type',
      input.mediaType ?? (term ? ((term.mediaType as string | undefined) ?? null) : undefined),
    ),
    ...set('download_url', input.downloadURL),
    ...set('access_url', input.accessURL),
    ...set('byte_size', input.byteSize),
    ...set('checksum', input.checksum),
  };
}

/**
 * A file's checksum, size and row count describe its data: a caller who may not read the data
 * (conditional, unopened, or a grant for part of it) could use them to confirm a guessed copy
 * or learn how many records there are. The one tier policy in core decides.
 */
function withoutUnreadableFacts(
  ctx: Context,
  actor: Actor | null,
  dataset: Awaited<ReturnType<typeof getDataset>>,
  list: Distribution[],
): Distribution[] {
  // The tier policy without grants: the catalogue stands below the access room, so a grant holder
  // sees the facts through the data it reads, not here (the conservative side of the rule).
  const access = dataAccess(actor, tierSubject(dataset), [], ctx.clock.now());
  if (seesWholeTable(access)) return list;
  return list.map((d) => ({ ...d, byteSize: null, checksum: null, rowCount: null }));
}

/** Distributions follow their dataset's visibility: whoever cannot see the dataset cannot see its files. */
export async function listDistributions(
  ctx: Context,
  actor: Actor | null,
  datasetRef: string,
): Promise<Distribution[]> {
  const d = await getDataset(ctx, actor, datasetRef);
  const rows = await ctx.db
    .selectFrom('distribution')
    .selectAll()
    .where('dataset_id', '=', d.id)
    .orderBy('issued')
    .orderBy('id')
    .execute();
  return withoutUnreadableFacts(ctx, actor, d, rows.map(toDistribution));
}

export async function getDistribution(ctx: Context, actor: Actor | null, id: string): Promise<Distribution> {
  const r = isUuid(id)
    ? await ctx.db.selectFrom('distribution').selectAll().where('id', '=', id).executeTakeFirst()
    : undefined;
  if (!r) throw notFound('Distribution', '资源');
  const d = await getDataset(ctx, actor, r.dataset_id);
  return withoutUnreadableFacts(ctx, actor, d, [toDistribution(r)])[0];
}

async function editableDataset(ctx: Context, actor: Actor, datasetId: string) {
  const d = await getDataset(ctx, actor, datasetId);
  if (!canEditOrgData(actor, d.publisher.id))
    return refuseEdit(ctx, actor, 'distribution.write', d.id, d.publisher.id);
  return d;
}

export async function createDistribution(
  ctx: Context,
  actor: Actor | null,
  datasetRef: string,
  body: unknown,
): Promise<Distribution> {
  const a = requireActor(actor);
  const d = await editableDataset(ctx, a, datasetRef);
  check(DistributionInputSchema, body);
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const row = await trx
      .insertInto('distribution')
      .values({
        description: null,
        media_type: null,
        download_url: null,
        access_url: null,
        byte_size: null,
        checksum: null,
        row_count: null,
        field_count: null,
        ...(columnsOf(body as DistributionInput) as { title: string; format: string }),
        dataset_id: d.id,
        issued: now,
        modified: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const dist = toDistribution(row);
    await trx.updateTable('dataset').set({ modified: now }).where('id', '=', d.id).execute();
    await appendAudit(trx, now, {
      actorId: a.userId,
      action: 'distribution.create',
      entityType: 'distribution',
      entityId: dist.id,
      after: dist,
    });
    return dist;
  });
}

export async function updateDistribution(
  ctx: Context,
  actor: Actor | null,
  id: string,
  body: unknown,
): Promise<Distribution> {
  const a = requireActor(actor);
  const before = await getDistribution(ctx, a, id);
  await editableDataset(ctx, a, before.datasetId);
  check(DistributionPatchSchema, body);
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const row = await trx
      .updateTable('distribution')
      .set({ ...columnsOf(body as Partial<DistributionInput>), modified: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const after = toDistribution(row);
    await trx.updateTable('dataset').set({ modified: now }).where('id', '=', before.datasetId).execute();
    await appendAudit(trx, now, {
      actorId: a.userId,
      action: 'distribution.update',
      entityType: 'distribution',
      entityId: id,
      before,
      after,
    });
    return after;
  });
}

export async function deleteDistribution(ctx: Context, actor: Actor | null, id: string): Promise<void> {
  const a = requireActor(actor);
  const before = await getDistribution(ctx, a, id);
  await editableDataset(ctx, a, before.datasetId);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('distribution').where('id', '=', id).execute();
    await appendAudit(trx, ctx.clock.now(), {
      actorId: a.userId,
      action: 'distribution.delete',
      entityType: 'distribution',
      entityId: id,
      before,
    });
  });
}

/**
 * The state of a distribution's latest upload, as the data room reports it while ingesting
 * (`running`, `failed`); `succeeded` arrives with the `dataVersionPublished` event. Runs in the
 * caller's transaction.
 */
export async function setIngestStatus(
  db: Kdb,
  distributionId: string,
  status: 'running' | 'failed',
): Promise<void> {
  await db
    .updateTable('distribution')
    .set({ ingest_status: status })
    .where('id', '=', distributionId)
    .execute();
}
