import type { Insertable, Selectable } from 'kysely';
import {
  DatasetInputSchema,
  DatasetPatchSchema,
  DomainError,
  datasetRuleErrors,
  nextStatus,
  normaliseFrequency,
  notFound,
  resourceCode,
  shapeErrors,
  slugify,
  themeIndex,
  findTerm,
  themes as themeVocabulary,
  validationFailed,
  type Actor,
  type DataField,
  type Dataset,
  type DatasetAction,
  type DatasetInput,
  type DatasetStatus,
  type DatasetVersion,
  type OpenTier,
  type Page,
  type ShareTier,
  type UpdateFrequency,
} from '../core/index.ts';
import { appendAudit, canEditOrgData, canSeeUnpublished, requireActor, unpublishedScope } from '../access/index.ts';
import { sql, type Context, type Kdb, type Schema } from '../platform/index.ts';

type Row = Selectable<Schema['dataset']> & { org_name: string; org_code: string };

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export function toDataset(r: Row): Dataset {
  return {
    id: r.id,
    code: r.code,
    slug: r.slug,
    title: r.title,
    description: r.description,
    themes: r.themes,
    tags: r.tags,
    publisher: { id: r.org_id, name: r.org_name, orgCode: r.org_code },
    contact: (r.contact ?? {}) as Dataset['contact'],
    openTier: r.open_tier as OpenTier,
    openConditions: r.open_conditions,
    notOpenReason: r.not_open_reason,
    shareTier: r.share_tier as ShareTier,
    shareConditions: r.share_conditions,
    shareMethod: r.share_method,
    updateFrequency: r.update_frequency as UpdateFrequency,
    updateFrequencyText: r.update_frequency_text,
    license: r.license,
    spatial: r.spatial,
    temporal: (r.temporal ?? null) as Dataset['temporal'],
    language: r.language,
    fields: (r.fields ?? []) as DataField[],
    scenario: r.scenario,
    relations: r.relations,
    source: r.source,
    version: r.version,
    status: r.status as DatasetStatus,
    versionNumber: r.version_number,
    issued: iso(r.issued),
    modified: iso(r.modified)!,
    createdAt: iso(r.created_at)!,
  };
}

function baseQuery(db: Kdb) {
  return db
    .selectFrom('dataset')
    .innerJoin('organisation', 'organisation.id', 'dataset.org_id')
    .selectAll('dataset')
    .select(['organisation.name as org_name', 'organisation.org_code as org_code']);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const RESOURCE_CODE = /^\d{2}-[0-9A-Z]+-\d{5}$/;

/** A dataset is addressed by id, resource code or slug, whichever the caller has. */
async function loadRow(db: Kdb, ref: string): Promise<Row | undefined> {
  const column = UUID.test(ref) ? 'dataset.id' : RESOURCE_CODE.test(ref) ? 'dataset.code' : 'dataset.slug';
  return baseQuery(db).where(column, '=', ref).executeTakeFirst();
}

/** A dataset the actor may see; otherwise 404, so that unpublished datasets are not even confirmed to exist. */
export async function getDataset(ctx: Context, actor: Actor | null, ref: string): Promise<Dataset> {
  const r = await loadRow(ctx.db, ref);
  if (!r || (r.status !== 'published' && !canSeeUnpublished(actor, r.org_id))) throw notFound('Dataset', '数据集');
  return toDataset(r);
}

export interface DatasetFilter {
  org?: string;
  theme?: string;
  openTier?: string;
  shareTier?: string;
  updateFrequency?: string;
  status?: string;
  q?: string;
  sort?: 'newest' | 'modified' | 'title';
  page?: number;
  pageSize?: number;
}

export type FacetName = 'theme' | 'org' | 'openTier' | 'updateFrequency';
export interface Facet {
  value: string;
  count: number;
}
export type Facets = Record<FacetName, Facet[]>;

type Query = ReturnType<typeof baseQuery>;

/** Published datasets for everyone, plus unpublished ones within the actor's reach. */
function visibleTo(db: Kdb, actor: Actor | null): Query {
  const scope = unpublishedScope(actor);
  return baseQuery(db).where((eb) => {
    const visible = [eb('dataset.status', '=', 'published')];
    if (scope === null) visible.push(eb.val(true).$castTo<boolean>() as never);
    else if (scope.length) visible.push(eb('dataset.org_id', 'in', scope));
    return eb.or(visible);
  });
}

/** Applies every filter except `skip`: a facet counts what its own choice would give. */
function filtered(q: Query, f: DatasetFilter, skip?: FacetName): Query {
  if (f.org && skip !== 'org') q = q.where((eb) => eb.or([eb('organisation.org_code', '=', f.org!), ...(UUID.test(f.org!) ? [eb('dataset.org_id', '=', f.org!)] : [])]));
  if (f.theme && skip !== 'theme') {
    const code = findTerm(themeVocabulary, f.theme)?.code ?? f.theme;
    q = q.where(sql<boolean>`${code} = ANY(dataset.themes)`);
  }
  if (f.openTier && skip !== 'openTier') q = q.where('dataset.open_tier', '=', f.openTier);
  if (f.updateFrequency && skip !== 'updateFrequency') q = q.where('dataset.update_frequency', '=', f.updateFrequency);
  if (f.shareTier) q = q.where('dataset.share_tier', '=', f.shareTier);
  if (f.status) q = q.where('dataset.status', '=', f.status);
  if (f.q?.trim()) {
    const like = `%${f.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb('dataset.title', 'ilike', like), eb('dataset.description', 'ilike', like), eb(sql`array_to_string(dataset.tags, ' ')`, 'ilike', like)]));
  }
  return q;
}

async function facetCounts(db: Kdb, actor: Actor | null, f: DatasetFilter): Promise<Facets> {
  const count = async (name: FacetName, column: ReturnType<typeof sql<string>>) => {
    const rows = await filtered(visibleTo(db, actor), f, name)
      .clearSelect()
      .select([column.as('value'), (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy('value')
      .orderBy('count', 'desc')
      .orderBy('value')
      .execute();
    return rows.map((r) => ({ value: String(r.value), count: Number(r.count) }));
  };
  const [theme, org, openTier, updateFrequency] = await Promise.all([
    count('theme', sql<string>`unnest(dataset.themes)`),
    count('org', sql<string>`organisation.org_code`),
    count('openTier', sql<string>`dataset.open_tier`),
    count('updateFrequency', sql<string>`dataset.update_frequency`),
  ]);
  return { theme, org, openTier, updateFrequency };
}

/**
 * The visibility rule is applied in SQL before counting, so totals and facet counts never
 * reveal hidden datasets.
 */
export async function listDatasets(ctx: Context, actor: Actor | null, f: DatasetFilter = {}): Promise<Page<Dataset> & { facets: Facets }> {
  const page = Math.max(1, f.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, f.pageSize ?? 20));
  const q = filtered(visibleTo(ctx.db, actor), f);
  const { total } = await q
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const order =
    f.sort === 'title' ? (['dataset.title', 'asc'] as const) : f.sort === 'newest' ? (['dataset.issued', 'desc'] as const) : (['dataset.modified', 'desc'] as const);
  const rows = await q
    .orderBy(order[0], (ob) => (order[1] === 'desc' ? ob.desc().nullsLast() : ob.asc()))
    .orderBy('dataset.id')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return { items: rows.map(toDataset), total: Number(total), page, pageSize, facets: await facetCounts(ctx.db, actor, f) };
}

/** A department acting outside its remit is refused, and the attempt itself is recorded. */
export async function refuseEdit(ctx: Context, actor: Actor, action: string, datasetId: string | null, orgId: string): Promise<never> {
  await ctx.db.transaction().execute((trx) =>
    appendAudit(trx, ctx.clock.now(), { actorId: actor.userId, action: `${action}.denied`, entityType: 'dataset', entityId: datasetId, after: { orgId, actorOrgId: actor.orgId } }),
  );
  throw new DomainError('forbidden', 'forbidden', {
    zh: '只能管理本部门的数据集',
    en: "You can only manage your own organisation's datasets",
  });
}

function checkInput(schema: typeof DatasetInputSchema | typeof DatasetPatchSchema, body: unknown, merged: (b: Partial<DatasetInput>) => Partial<DatasetInput>) {
  const errors = shapeErrors(schema, body);
  const named = new Set(errors.map((e) => e.field));
  if (!named.has('body')) {
    for (const e of datasetRuleErrors(merged(body as Partial<DatasetInput>))) if (!named.has(e.field.replace(/\[.*$/, ''))) errors.push(e);
  }
  if (errors.length) throw validationFailed(errors);
}

const orgMissing = () => validationFailed([{ field: 'orgId', code: 'not_found', message: { zh: '提供部门不存在', en: 'No such organisation' } }]);

function columnsOf(input: Partial<DatasetInput>) {
  const freq = input.updateFrequency !== undefined ? normaliseFrequency(input.updateFrequency) : undefined;
  const themes = input.themes?.map((t) => findTerm(themeVocabulary, t)!.code);
  const set = <K extends string, V>(key: K, v: V | undefined) => (v === undefined ? {} : ({ [key]: v } as Record<K, V>));
  return {
    ...set('title', input.title),
    ...set('description', input.description),
    ...set('org_id', input.orgId),
    ...set('themes', themes),
    ...set('tags', input.tags && [...new Set(input.tags.map((t) => t.trim()))]),
    ...set('contact', input.contact && JSON.stringify(input.contact)),
    ...set('open_tier', input.openTier),
    ...set('open_conditions', input.openConditions),
    ...set('not_open_reason', input.notOpenReason),
    ...set('share_tier', input.shareTier),
    ...set('share_conditions', input.shareConditions),
    ...set('share_method', input.shareMethod),
    ...set('update_frequency', freq?.updateFrequency),
    ...set('update_frequency_text', freq && freq.updateFrequencyText),
    ...set('license', input.license),
    ...set('spatial', input.spatial),
    ...set('temporal', input.temporal === undefined ? undefined : JSON.stringify(input.temporal)),
    ...set('language', input.language),
    ...set('fields', input.fields && JSON.stringify(input.fields)),
    ...set('scenario', input.scenario),
    ...set('relations', input.relations),
    ...set('source', input.source),
    ...set('version', input.version),
  };
}

async function uniqueSlug(trx: Kdb, title: string, selfId?: string): Promise<string> {
  const base = slugify(title);
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? base : `${base}-${i}`;
    const taken = await trx.selectFrom('dataset').select('id').where('slug', '=', candidate).executeTakeFirst();
    if (!taken || taken.id === selfId) return candidate;
  }
}

export async function createDataset(ctx: Context, actor: Actor | null, body: unknown): Promise<Dataset> {
  const a = requireActor(actor);
  checkInput(DatasetInputSchema, body, (b) => b);
  const input = body as DatasetInput;
  const org = await ctx.db.selectFrom('organisation').select(['id', 'org_code']).where('id', '=', input.orgId).executeTakeFirst();
  if (!org) throw orgMissing();
  if (!canEditOrgData(a, org.id)) return refuseEdit(ctx, a, 'dataset.create', null, org.id);
  return ctx.db.transaction().execute(async (trx) => {
    // Locking the publisher serialises its code sequence.
    await trx.selectFrom('organisation').select('id').where('id', '=', org.id).forUpdate().execute();
    const { next } = await trx
      .selectFrom('dataset')
      .select(sql<number>`coalesce(max(code_seq), 0) + 1`.as('next'))
      .where('org_id', '=', org.id)
      .executeTakeFirstOrThrow();
    const now = ctx.clock.now();
    const cols = columnsOf(input);
    const values = {
        language: 'zh',
        tags: [],
        relations: [],
        contact: '{}',
        fields: '[]',
        temporal: 'null',
        license: null,
        spatial: null,
        open_conditions: null,
        not_open_reason: null,
        share_conditions: null,
        share_method: null,
        scenario: null,
        source: null,
        version: null,
        update_frequency_text: null,
        ...cols,
        code: resourceCode({ themeIndex: themeIndex(input.themes[0] && findTerm(themeVocabulary, input.themes[0])!.code), orgCode: org.org_code, sequence: Number(next) }),
        code_seq: Number(next),
        slug: await uniqueSlug(trx, input.title),
        status: 'draft',
        modified: now,
        created_at: now,
        issued: null,
    } as Insertable<Schema['dataset']>;
    const inserted = await trx.insertInto('dataset').values(values).returning('id').executeTakeFirstOrThrow();
    const created = toDataset((await loadRow(trx, inserted.id))!);
    await appendAudit(trx, now, { actorId: a.userId, action: 'dataset.create', entityType: 'dataset', entityId: created.id, after: created });
    return created;
  });
}

/** Everything a department wrote, as input again: lets a patch be checked as the whole it produces. */
export function inputOf(d: Dataset): DatasetInput {
  return {
    title: d.title,
    description: d.description,
    orgId: d.publisher.id,
    themes: d.themes,
    tags: d.tags,
    contact: d.contact,
    openTier: d.openTier,
    openConditions: d.openConditions,
    notOpenReason: d.notOpenReason,
    shareTier: d.shareTier,
    shareConditions: d.shareConditions,
    shareMethod: d.shareMethod,
    updateFrequency: d.updateFrequencyText ?? d.updateFrequency,
    license: d.license,
    spatial: d.spatial,
    temporal: d.temporal,
    language: d.language,
    fields: d.fields,
    scenario: d.scenario,
    relations: d.relations,
    source: d.source,
    version: d.version,
  };
}

export async function updateDataset(ctx: Context, actor: Actor | null, ref: string, body: unknown): Promise<Dataset> {
  const a = requireActor(actor);
  const current = await getDataset(ctx, a, ref);
  if (!canEditOrgData(a, current.publisher.id)) return refuseEdit(ctx, a, 'dataset.update', current.id, current.publisher.id);
  checkInput(DatasetPatchSchema, body, (b) => ({ ...inputOf(current), ...b }));
  const patch = body as Partial<DatasetInput>;
  if (patch.orgId && patch.orgId !== current.publisher.id) {
    const org = await ctx.db.selectFrom('organisation').select('id').where('id', '=', patch.orgId).executeTakeFirst();
    if (!org) throw orgMissing();
    if (!canEditOrgData(a, org.id)) return refuseEdit(ctx, a, 'dataset.update', current.id, org.id);
  }
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const cols = columnsOf(patch);
    await trx
      .updateTable('dataset')
      .set({ ...cols, ...(patch.title && { slug: await uniqueSlug(trx, patch.title, current.id) }), modified: now })
      .where('id', '=', current.id)
      .execute();
    const after = toDataset((await loadRow(trx, current.id))!);
    await appendAudit(trx, now, { actorId: a.userId, action: 'dataset.update', entityType: 'dataset', entityId: current.id, before: current, after });
    return after;
  });
}

/** Drafts that were never published can be deleted; anything once public is withdrawn instead, to keep its history. */
export async function deleteDataset(ctx: Context, actor: Actor | null, ref: string): Promise<void> {
  const a = requireActor(actor);
  const current = await getDataset(ctx, a, ref);
  if (!canEditOrgData(a, current.publisher.id)) return refuseEdit(ctx, a, 'dataset.delete', current.id, current.publisher.id);
  if (current.versionNumber > 0)
    throw new DomainError('conflict', 'published_before', { zh: '已发布过的数据集不能删除，请改为撤回', en: 'A dataset that was ever published cannot be deleted; withdraw it instead' });
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('distribution').where('dataset_id', '=', current.id).execute();
    await trx.deleteFrom('dataset').where('id', '=', current.id).execute();
    await appendAudit(trx, ctx.clock.now(), { actorId: a.userId, action: 'dataset.delete', entityType: 'dataset', entityId: current.id, before: current });
  });
}

/** Moves a dataset along its lifecycle; publishing freezes an immutable snapshot as a new version. */
export async function transitionDataset(ctx: Context, actor: Actor | null, ref: string, action: DatasetAction): Promise<Dataset> {
  const a = requireActor(actor);
  const current = await getDataset(ctx, a, ref);
  if (!canEditOrgData(a, current.publisher.id)) return refuseEdit(ctx, a, `dataset.${action}`, current.id, current.publisher.id);
  const to = nextStatus(current.status, action);
  if (!to)
    throw new DomainError('conflict', 'invalid_transition', {
      zh: `当前状态（${current.status}）不能执行该操作（${action}）`,
      en: `Cannot ${action} a dataset that is ${current.status}`,
    }, { status: current.status, action });
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const publishing = action === 'publish';
    await trx
      .updateTable('dataset')
      .set({
        status: to,
        ...(publishing && { version_number: current.versionNumber + 1, issued: current.issued ?? now, modified: now }),
      })
      .where('id', '=', current.id)
      .execute();
    const after = toDataset((await loadRow(trx, current.id))!);
    if (publishing) {
      await trx
        .insertInto('dataset_version')
        .values({ dataset_id: current.id, number: after.versionNumber, published_at: now, published_by: a.userId, snapshot: JSON.stringify(after) })
        .execute();
    }
    await appendAudit(trx, now, {
      actorId: a.userId,
      action: `dataset.${action}`,
      entityType: 'dataset',
      entityId: current.id,
      before: { status: current.status, versionNumber: current.versionNumber },
      after: { status: after.status, versionNumber: after.versionNumber },
    });
    return after;
  });
}

export async function listVersions(ctx: Context, actor: Actor | null, ref: string): Promise<DatasetVersion[]> {
  const d = await getDataset(ctx, actor, ref);
  const rows = await ctx.db.selectFrom('dataset_version').selectAll().where('dataset_id', '=', d.id).orderBy('number', 'desc').execute();
  return rows.map((r) => ({
    datasetId: r.dataset_id,
    number: r.number,
    publishedAt: new Date(r.published_at).toISOString(),
    publishedBy: r.published_by,
    snapshot: r.snapshot as Dataset,
  }));
}

export async function getVersion(ctx: Context, actor: Actor | null, ref: string, number: number): Promise<DatasetVersion> {
  const found = (await listVersions(ctx, actor, ref)).find((v) => v.number === number);
  if (!found) throw notFound('Version', '版本');
  return found;
}

/** Field-by-field difference between two snapshots, for "what changed" views. */
export function diffDatasets(before: Partial<Dataset>, after: Partial<Dataset>): { field: string; before: unknown; after: unknown }[] {
  const skip = new Set(['status', 'versionNumber', 'modified', 'issued']);
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const out = [];
  for (const k of keys) {
    if (skip.has(k)) continue;
    const b = (before as Record<string, unknown>)[k];
    const aa = (after as Record<string, unknown>)[k];
    if (JSON.stringify(b) !== JSON.stringify(aa)) out.push({ field: k, before: b ?? null, after: aa ?? null });
  }
  return out;
}
