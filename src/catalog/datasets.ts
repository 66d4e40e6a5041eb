import type { Insertable, RawBuilder, Selectable } from 'kysely';
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
  formats as formatVocabulary,
  updateFrequencies,
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
  listingRule,
  maySee,
} from '../core/index.ts';
import { appendAudit, canEditOrgData, requireActor } from '../identity/index.ts';
import { raise, sql, type Context, type Kdb, type Schema } from '../platform/index.ts';
import {
  bitOf,
  codeOf,
  correctQuery,
  type CodedFacet,
  fieldCondition,
  highlight,
  indexDataset,
  matchCondition,
  parseQuery,
  rankExpression,
  relatedTo,
  searchPartitions,
  searchSession,
  type Condition,
  type Highlight,
  type Relation,
  type SearchQuery,
} from './search/index.ts';

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
    notOpenLegalBasis: r.not_open_legal_basis,
    notSharedReason: r.not_shared_reason,
    notSharedLegalBasis: r.not_shared_legal_basis,
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

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const RESOURCE_CODE = /^\d{2}-[0-9A-Z]+-\d{5}$/;

/** A dataset is addressed by id, resource code or slug, whichever the caller has. */
async function loadRow(db: Kdb, ref: string): Promise<Row | undefined> {
  const column = UUID.test(ref) ? 'dataset.id' : RESOURCE_CODE.test(ref) ? 'dataset.code' : 'dataset.slug';
  return baseQuery(db).where(column, '=', ref).executeTakeFirst();
}

/** A dataset the actor may see; otherwise 404, so that unpublished datasets are not even confirmed to exist. */
export async function getDataset(ctx: Context, actor: Actor | null, ref: string): Promise<Dataset> {
  const r = await loadRow(ctx.db, ref);
  if (!r || !maySee(actor, { status: r.status as DatasetStatus, orgId: r.org_id }))
    throw notFound('Dataset', '数据集');
  return toDataset(r);
}

export type DatasetSort = 'relevance' | 'newest' | 'modified' | 'views' | 'downloads' | 'title';

export interface DatasetFilter {
  org?: string;
  theme?: string;
  openTier?: string;
  shareTier?: string;
  updateFrequency?: string;
  /** A distribution format (CSV, XLSX …): datasets offering at least one file in it. */
  format?: string;
  /** The publisher's GB/T 2260 region code. */
  region?: string;
  /** The publisher's administrative level. */
  adminLevel?: string;
  status?: string;
  /** Search words; `field:身份证号` asks for datasets having that 数据项. */
  q?: string;
  /** 数据项 (field names or titles) every dataset must have; comma-separated or repeated. */
  fields?: string | string[];
  /** Relevance by default when searching, else most recently modified. */
  sort?: DatasetSort;
  page?: number;
  pageSize?: number;
}

export type FacetName = 'theme' | 'org' | 'openTier' | 'updateFrequency' | 'format' | 'region' | 'adminLevel';
export interface Facet {
  value: string;
  count: number;
}
export type Facets = Record<FacetName, Facet[]>;

/** A dataset in a list; when searching, with its title and description as HTML, matches in <mark>. */
export type ListedDataset = Dataset & { highlight?: Highlight };

export interface DatasetList extends Page<ListedDataset> {
  facets: Facets;
  /**
   * Only when searching: a corrected query when this one found nothing as typed, else null. For
   * mistyped pinyin (gongjjin) the items are already the corrected query's (公积金); for mistyped
   * Chinese the list stays empty and the correction is only offered.
   */
  didYouMean?: string | null;
}

/**
 * What a caller may find in lists, searches, facet counts and related datasets. The public
 * (anonymous or registered) finds published datasets that are opened, unconditionally or on
 * conditions — not unopened (不予开放) ones; department staff find every published dataset (the
 * government's own catalogue, for sharing) and their own unpublished ones; reviewers, the data
 * authority and sysadmins find everything. Over `dataset`, or over the search index's copies of
 * the same columns (`dataset_search`). An installation whose policy lists unopened datasets with
 * their reason (`KAIFANG_LIST_UNOPENED=1`) shows them to the public too; their data is never served.
 */
function visibleTo(
  ctx: Context,
  actor: Actor | null,
  table: 'dataset' | 'dataset_search' = 'dataset',
): Condition {
  // The tier policy's listing rule (core/tiers.ts), in SQL; `mayList` reads the same rule.
  const rule = listingRule(actor, { listUnopened: ctx.config.workflow.listUnopened });
  if (rule.everything) return sql<boolean>`true`;
  const column = (name: string) => sql.ref(`${table}.${name}`);
  // The search index holds codes for these values (migration 006).
  const value = (facet: 'status' | 'open_tier', v: string) =>
    table === 'dataset' ? sql`${v}` : codeOf(facet, v);
  const listed = sql.join(
    [
      sql`${column('status')} IN (${sql.join(rule.statuses.map((v) => value('status', v)))})`,
      ...rule.hiddenOpenTiers.map(
        (t) => sql`${column('open_tier')} IS DISTINCT FROM ${value('open_tier', t)}`,
      ),
    ],
    sql` AND `,
  );
  if (!rule.ownOrgs.length) return sql<boolean>`(${listed})`;
  return sql<boolean>`((${listed}) OR ${column('org_id')} IN (${sql.join(rule.ownOrgs)}))`;
}

/** The column each sort orders by, after relevance or date; `modified` is always there to break ties. */
const SORT_COLUMN = {
  relevance: null,
  modified: null,
  newest: 'dataset_search.issued',
  views: 'dataset_search.views',
  downloads: 'dataset_search.downloads',
  title: 'dataset_search.slug',
} as const;

const ORDER: Record<DatasetSort, Condition> = {
  relevance: sql`hits.rank DESC, hits.modified DESC, hits.id`,
  newest: sql`hits.issued DESC NULLS LAST, hits.id`,
  modified: sql`hits.modified DESC, hits.id`,
  views: sql`hits.views DESC, hits.modified DESC, hits.id`,
  downloads: sql`hits.downloads DESC, hits.modified DESC, hits.id`,
  // The slug is the title in pinyin, so this is the dictionary order Chinese readers expect.
  title: sql`hits.slug, hits.id`,
};

/**
 * What facets, facet filters and sorts need of a search row, from the whole index or one of its
 * partitions (ADR 0019): the narrow row per dataset kept in step with the catalogue, never the
 * wide dataset rows.
 */
function hitRows(db: Kdb, sq: SearchQuery, sort: DatasetSort, from = 'dataset_search') {
  const sortColumn = SORT_COLUMN[sort];
  return db
    .selectFrom(sql`${sql.table(from)}`.as('dataset_search') as unknown as 'dataset_search')
    .select([
      'dataset_search.dataset_id as id',
      'dataset_search.org_id',
      'dataset_search.themes',
      'dataset_search.formats',
      'dataset_search.open_tier',
      'dataset_search.update_frequency',
      'dataset_search.modified',
      (sort === 'relevance' ? rankExpression(sq) : sql<number>`0`).as('rank'),
    ])
    .$if(sortColumn !== null, (qb) => qb.select(sortColumn!));
}

/**
 * Every dataset the actor may see that matches the words and passes the filters no facet stands
 * for. The visibility rule is applied here, in SQL, before anything is counted, so totals and
 * facet counts never reveal hidden datasets.
 */
function filtered(
  db: Kdb,
  visible: Condition,
  f: DatasetFilter,
  sq: SearchQuery,
  sort: DatasetSort,
  from: string,
) {
  let q = hitRows(db, sq, sort, from).where(visible);
  if (f.shareTier)
    q = q.where(sql<boolean>`dataset_search.share_tier = ${codeOf('share_tier', f.shareTier)}`);
  if (f.status) q = q.where(sql<boolean>`dataset_search.status = ${codeOf('status', f.status)}`);
  for (const c of [matchCondition(sq), fieldCondition(sq)]) if (c) q = q.where(c);
  return q;
}

/** Publishers by a property of theirs; organisations are few, so this is a small initial lookup. */
const publishersWhere = (condition: Condition) => (from: FacetSource) =>
  sql<boolean>`${sql.ref(`${from}.org_id`)} = ANY(ARRAY(SELECT organisation.id FROM organisation WHERE ${condition}))`;

/**
 * Facet filters apply to the `hits` of `filtered` (for the page) and to their `combos` (for the
 * counts): both have the faceted columns.
 */
type FacetSource = 'hits' | 'combos';
type FacetFilter = { facet: FacetName; condition: (from: FacetSource) => Condition };

/** The facet filters in use. */
function facetFilters(f: DatasetFilter): FacetFilter[] {
  const out: FacetFilter[] = [];
  const add = (facet: FacetName, condition: FacetFilter['condition']) => out.push({ facet, condition });
  const column = (name: string) => (from: FacetSource) => sql.ref(`${from}.${name}`);
  const has = (name: 'themes' | 'formats', bit: RawBuilder<string>) => (from: FacetSource) =>
    sql<boolean>`${column(name)(from)} & ${bit} <> 0`;
  const is =
    (name: 'open_tier' | 'update_frequency', code: RawBuilder<number | null>) => (from: FacetSource) =>
      sql<boolean>`${column(name)(from)} = ${code}`;
  if (f.theme)
    add('theme', has('themes', bitOf('theme', findTerm(themeVocabulary, f.theme)?.code ?? f.theme)));
  if (f.org)
    add(
      'org',
      publishersWhere(
        UUID.test(f.org)
          ? sql`organisation.org_code = ${f.org} OR organisation.id = ${f.org}`
          : sql`organisation.org_code = ${f.org}`,
      ),
    );
  if (f.openTier) add('openTier', is('open_tier', codeOf('open_tier', f.openTier)));
  if (f.updateFrequency)
    add(
      'updateFrequency',
      is(
        'update_frequency',
        codeOf('update_frequency', findTerm(updateFrequencies, f.updateFrequency)?.code ?? f.updateFrequency),
      ),
    );
  if (f.format)
    add('format', has('formats', bitOf('format', findTerm(formatVocabulary, f.format)?.code ?? f.format)));
  if (f.region) add('region', publishersWhere(sql`organisation.region_code = ${f.region}`));
  if (f.adminLevel) add('adminLevel', publishersWhere(sql`organisation.admin_level = ${f.adminLevel}`));
  return out;
}

/** Facets over the publisher: the organisation column each counts by. */
const ORG_FACETS = { org: 'org_code', region: 'region_code', adminLevel: 'admin_level' } as const;
/** Facets over coded columns of the hits (migration 006): the column, its codes, and whether it is a bit set. */
const CODED_FACETS = {
  openTier: ['open_tier', 'open_tier', false],
  updateFrequency: ['update_frequency', 'update_frequency', false],
  theme: ['themes', 'theme', true],
  format: ['formats', 'format', true],
} as const;
const FACETS = [...Object.keys(ORG_FACETS), ...Object.keys(CODED_FACETS)] as FacetName[];
/** The faceted columns: `combos` counts hits per combination of them. */
const GROUPED = ['org_id', 'open_tier', 'update_frequency', 'themes', 'formats'] as const;
type Grouped = (typeof GROUPED)[number];
/** GROUPING() of the columns above for the set that groups by `column` alone: every other bit set. */
const groupedBy = (column: Grouped) =>
  (2 ** GROUPED.length - 1) ^ (2 ** (GROUPED.length - 1 - GROUPED.indexOf(column)));
const columnOf = (facet: FacetName): Grouped =>
  facet in CODED_FACETS ? CODED_FACETS[facet as keyof typeof CODED_FACETS][0] : 'org_id';

/**
 * What a partition's statement returns: its total, its best ids in order, and per facet the hits
 * counted by key — a publisher's id, a code, or a bit set of codes, as text — with the codes and
 * publishers needed to turn keys into values.
 */
interface PartitionResult {
  total: number;
  ids: string[];
  counts: Record<FacetName, [string, number][]>;
  codes: [CodedFacet, number, string][];
  orgs: { id: string; org_code: string; region_code: string; admin_level: string }[];
}

/**
 * Each facet counts what choosing one of its values would give: every filter applies except its
 * own. Hits are first counted once per combination of faceted values (`combos`: a few thousand
 * rows even for tens of thousands of hits), and every facet is counted from those: facets whose
 * filter is not in use share one GROUPING SETS pass (the total comes from it too), a facet whose
 * filter is in use gets a pass of its own. Keys become values in the application
 * (`decodeFacets`), after the partitions' counts are added up.
 */
function facetCounts(where: (from: FacetSource, skip?: FacetName) => Condition, active: Set<FacetName>) {
  const counted = (facet: FacetName) => {
    const column = columnOf(facet);
    return active.has(facet)
      ? sql`SELECT ${sql.ref(`combos.${column}`)}::text AS key, sum(combos.n)::int AS n FROM combos WHERE ${where('combos', facet)} GROUP BY 1`
      : sql`SELECT ${sql.ref(`g.${column}`)}::text AS key, g.n FROM g WHERE g.grouped = ${groupedBy(column)}`;
  };
  return sql`json_build_object(${sql.join(
    FACETS.map(
      (facet) =>
        sql`${facet}::text, (SELECT coalesce(json_agg(json_build_array(c.key, c.n)), '[]'::json) FROM (${counted(facet)}) c)`,
    ),
  )})`;
}

/** Partitions' counts added up, and their keys turned into values; most hits first. */
function decodeFacets(parts: PartitionResult[]): Facets {
  const code = new Map(parts.flatMap((p) => p.codes.map(([facet, c, value]) => [`${facet}:${c}`, value])));
  const org = new Map(parts.flatMap((p) => p.orgs.map((o) => [o.id, o])));
  const facets = {} as Facets;
  for (const facet of FACETS) {
    const values = (key: string): string[] => {
      if (facet in ORG_FACETS) return [org.get(key)![ORG_FACETS[facet as keyof typeof ORG_FACETS]]];
      const [, codes, set] = CODED_FACETS[facet as keyof typeof CODED_FACETS];
      if (!set) return [code.get(`${codes}:${key}`)!];
      const bits = BigInt(key);
      return [...Array(63).keys()]
        .filter((b) => (bits >> BigInt(b)) & 1n)
        .map((b) => code.get(`${codes}:${b}`)!);
    };
    const counts = new Map<string, number>();
    for (const p of parts)
      for (const [key, n] of p.counts[facet])
        for (const v of values(key)) counts.set(v, (counts.get(v) ?? 0) + n);
    facets[facet] = [...counts]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  }
  return facets;
}

const listOf = (v: string | string[] | undefined) =>
  (Array.isArray(v) ? v : v ? [v] : [])
    .flatMap((s) => s.split(/[,，]/))
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Lists, filters and searches datasets. With `q`, items are ranked by relevance (title over tags
 * and fields over description), carry highlights, and a query that finds nothing gets a
 * "did you mean".
 */
export async function listDatasets(
  ctx: Context,
  actor: Actor | null,
  f: DatasetFilter = {},
): Promise<DatasetList> {
  const page = Math.max(1, f.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, f.pageSize ?? 20));
  const sq = parseQuery(f.q, listOf(f.fields));
  const searching = sq.document !== null || sq.fields !== null;
  const sort = f.sort ?? (searching ? 'relevance' : 'modified');
  const facets = facetFilters(f);
  const active = new Set(facets.map((c) => c.facet));
  const where = (from: FacetSource, skip?: FacetName) =>
    sql<boolean>`${sql.join([sql`true`, ...facets.filter((c) => c.facet !== skip).map((c) => c.condition(from))], sql` AND `)}`;
  const columns = (from: string) => sql.join(GROUPED.map((c) => sql.ref(`${from}.${c}`)));
  const top = page * pageSize;
  const codedFacets = Object.values(CODED_FACETS).map(([, codes]) => codes);
  const run = (query: SearchQuery, partition: string) => (db: Kdb) =>
    sql<PartitionResult>`
      WITH hits AS MATERIALIZED (${filtered(db, visibleTo(ctx, actor, 'dataset_search'), f, query, sort, partition)}),
      combos AS MATERIALIZED (SELECT ${columns('hits')}, count(*)::int AS n FROM hits GROUP BY ${columns('hits')}),
      g AS MATERIALIZED (
        SELECT GROUPING(${columns('combos')}) AS grouped, ${columns('combos')}, sum(combos.n)::int AS n
          FROM combos WHERE ${where('combos')}
         GROUP BY GROUPING SETS (${sql.join(GROUPED.map((c) => sql`(${sql.ref(`combos.${c}`)})`))}))
      SELECT
        (SELECT coalesce(sum(g.n), 0)::int FROM g WHERE g.grouped = ${groupedBy('open_tier')}) AS total,
        (SELECT coalesce(json_agg(hits.id), '[]'::json) FROM (
           SELECT hits.id FROM hits WHERE ${where('hits')} ORDER BY ${ORDER[sort]} LIMIT ${top}) hits) AS ids,
        ${facetCounts(where, active)} AS counts,
        (SELECT coalesce(json_agg(json_build_array(search_code.facet, search_code.code, search_code.value)), '[]'::json)
           FROM search_code WHERE search_code.facet IN (${sql.join(codedFacets)})) AS codes,
        (SELECT coalesce(json_agg(organisation), '[]'::json) FROM (
           SELECT organisation.id, organisation.org_code, organisation.region_code, organisation.admin_level FROM organisation
            WHERE organisation.id IN (SELECT combos.org_id FROM combos)) organisation) AS orgs`
      .execute(db)
      .then((r) => r.rows[0]);
  const partitions = await searchPartitions(ctx.database, ctx.db);
  const search = async (query: SearchQuery) => {
    const parts = await Promise.all(partitions.map((p) => searchSession(ctx.db, searching, run(query, p))));
    return {
      total: parts.reduce((n, p) => n + p.total, 0),
      ids: parts.flatMap((p) => p.ids),
      facets: decodeFacets(parts),
    };
  };
  let result = await search(sq);
  let shown = sq;
  let didYouMean: string | null = null;
  if (sq.document !== null && result.total === 0 && f.q) {
    const corrected = await correctQuery(ctx.db, f.q);
    const retry = corrected ? parseQuery(corrected, listOf(f.fields)) : null;
    const second = retry ? await search(retry) : null;
    // Offered only when it finds something the asker may see: the vocabulary spans every title.
    if (second && second.total > 0) {
      didYouMean = corrected;
      // Pinyin with a slip in it is read as meant; mistyped Chinese is left for the asker to accept.
      if (sq.latinWords.length) [result, shown] = [second, retry!];
    }
  }
  // The page, ordered again over the partitions' best; the rule again, as a dataset may have been withdrawn meanwhile.
  const best = ctx.db
    .selectFrom(
      hitRows(ctx.db, shown, sort)
        .where(sql<boolean>`dataset_search.dataset_id = ANY(${sql.val(result.ids)}::uuid[])`)
        .as('hits'),
    )
    .selectAll('hits')
    .orderBy(ORDER[sort])
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  const rows = result.ids.length
    ? await baseQuery(ctx.db)
        .innerJoin(best.as('hits'), 'hits.id', 'dataset.id')
        .where(visibleTo(ctx, actor))
        .orderBy(ORDER[sort])
        .execute()
    : [];
  const items: ListedDataset[] = rows.map((r) => {
    const d = toDataset(r);
    return searching ? { ...d, highlight: highlight(shown, d.title, d.description) } : d;
  });
  return {
    items,
    total: result.total,
    page,
    pageSize,
    facets: result.facets,
    ...(searching && { didYouMean }),
  };
}

/** A dataset related to another, with what they share. */
export type RelatedDataset = Dataset & { related: Omit<Relation, 'id'> };

/**
 * Datasets related to one the actor may see, through shared tags, 数据项, themes and publisher,
 * best first. Only datasets the actor may see are considered, so relations never leak drafts.
 */
export async function relatedDatasets(
  ctx: Context,
  actor: Actor | null,
  ref: string,
  limit = 10,
): Promise<Page<RelatedDataset>> {
  const d = await getDataset(ctx, actor, ref);
  const relations = await relatedTo(
    ctx.db,
    visibleTo(ctx, actor),
    { id: d.id, orgId: d.publisher.id, tags: d.tags, themes: d.themes, fields: d.fields },
    limit,
  );
  const byId = await visibleById(
    ctx,
    actor,
    relations.map((r) => r.id),
  );
  const items = relations.flatMap(({ id, ...related }) => {
    const found = byId.get(id);
    return found ? [{ ...found, related }] : [];
  });
  return { items, total: items.length, page: 1, pageSize: limit };
}

/**
 * The datasets among weighted candidates the actor may list, heaviest first, then most recently
 * modified. Another room ranks (the data room's "also used"); the catalogue applies the tier
 * policy. The weights are not returned.
 */
export async function rankVisible(
  ctx: Context,
  actor: Actor | null,
  candidates: { id: string; weight: number }[],
  limit: number,
): Promise<Dataset[]> {
  if (!candidates.length) return [];
  const { rows } = await sql<{ id: string }>`
    SELECT dataset.id
      FROM (VALUES ${sql.join(candidates.map((c) => sql`(${c.id}::uuid, ${c.weight}::int)`))}) AS c(id, weight)
      JOIN dataset ON dataset.id = c.id
     WHERE ${visibleTo(ctx, actor)}
     ORDER BY c.weight DESC, dataset.modified DESC, dataset.id
     LIMIT ${limit}`.execute(ctx.db);
  const ids = rows.map((r) => r.id);
  const byId = await visibleById(ctx, actor, ids);
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Datasets found by a query of their own, loaded under the rule again: one may have been withdrawn meanwhile. */
async function visibleById(ctx: Context, actor: Actor | null, ids: string[]): Promise<Map<string, Dataset>> {
  const rows = ids.length
    ? await baseQuery(ctx.db).where('dataset.id', 'in', ids).where(visibleTo(ctx, actor)).execute()
    : [];
  return new Map(rows.map((r) => [r.id, toDataset(r)]));
}

/** A department acting outside its remit is refused, and the attempt itself is recorded. */
export async function refuseEdit(
  ctx: Context,
  actor: Actor,
  action: string,
  datasetId: string | null,
  orgId: string,
): Promise<never> {
  await ctx.db.transaction().execute((trx) =>
    appendAudit(trx, ctx.clock.now(), {
      actorId: actor.userId,
      action: `${action}.denied`,
      entityType: 'dataset',
      entityId: datasetId,
      after: { orgId, actorOrgId: actor.orgId },
    }),
  );
  throw new DomainError('forbidden', 'forbidden', {
    zh: '只能管理本部门的数据集',
    en: "You can only manage your own organisation's datasets",
  });
}

function checkInput(
  schema: typeof DatasetInputSchema | typeof DatasetPatchSchema,
  body: unknown,
  merged: (b: Partial<DatasetInput>) => Partial<DatasetInput>,
) {
  const errors = shapeErrors(schema, body);
  const named = new Set(errors.map((e) => e.field));
  if (!named.has('body')) {
    for (const e of datasetRuleErrors(merged(body as Partial<DatasetInput>)))
      if (!named.has(e.field.replace(/\[.*$/, ''))) errors.push(e);
  }
  if (errors.length) throw validationFailed(errors);
}

const orgMissing = () =>
  validationFailed([
    { field: 'orgId', code: 'not_found', message: { zh: '提供部门不存在', en: 'No such organisation' } },
  ]);

function columnsOf(input: Partial<DatasetInput>) {
  const freq = input.updateFrequency !== undefined ? normaliseFrequency(input.updateFrequency) : undefined;
  const themes = input.themes?.map((t) => findTerm(themeVocabulary, t)!.code);
  const set = <K extends string, V>(key: K, v: V | undefined) =>
    v === undefined ? {} : ({ [key]: v } as Record<K, V>);
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
    ...set('not_open_legal_basis', input.notOpenLegalBasis),
    ...set('not_shared_reason', input.notSharedReason),
    ...set('not_shared_legal_basis', input.notSharedLegalBasis),
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
    const taken = await trx
      .selectFrom('dataset')
      .select('id')
      .where('slug', '=', candidate)
      .executeTakeFirst();
    if (!taken || taken.id === selfId) return candidate;
  }
}

export async function createDataset(ctx: Context, actor: Actor | null, body: unknown): Promise<Dataset> {
  const a = requireActor(actor);
  checkInput(DatasetInputSchema, body, (b) => b);
  const input = body as DatasetInput;
  const org = await ctx.db
    .selectFrom('organisation')
    .select(['id', 'org_code'])
    .where('id', '=', input.orgId)
    .executeTakeFirst();
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
      not_open_legal_basis: null,
      not_shared_reason: null,
      not_shared_legal_basis: null,
      share_conditions: null,
      share_method: null,
      scenario: null,
      source: null,
      version: null,
      update_frequency_text: null,
      ...cols,
      code: resourceCode({
        themeIndex: themeIndex(input.themes[0] && findTerm(themeVocabulary, input.themes[0])!.code),
        orgCode: org.org_code,
        sequence: Number(next),
      }),
      code_seq: Number(next),
      slug: await uniqueSlug(trx, input.title),
      status: 'draft',
      modified: now,
      created_at: now,
      issued: null,
    } as Insertable<Schema['dataset']>;
    const inserted = await trx.insertInto('dataset').values(values).returning('id').executeTakeFirstOrThrow();
    await indexDataset(trx, inserted.id);
    await raise(trx, 'datasetChanged', { datasetId: inserted.id, at: now });
    const created = toDataset((await loadRow(trx, inserted.id))!);
    await appendAudit(trx, now, {
      actorId: a.userId,
      action: 'dataset.create',
      entityType: 'dataset',
      entityId: created.id,
      after: created,
    });
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
    notOpenLegalBasis: d.notOpenLegalBasis,
    notSharedReason: d.notSharedReason,
    notSharedLegalBasis: d.notSharedLegalBasis,
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

export async function updateDataset(
  ctx: Context,
  actor: Actor | null,
  ref: string,
  body: unknown,
): Promise<Dataset> {
  const a = requireActor(actor);
  const current = await getDataset(ctx, a, ref);
  if (!canEditOrgData(a, current.publisher.id))
    return refuseEdit(ctx, a, 'dataset.update', current.id, current.publisher.id);
  checkInput(DatasetPatchSchema, body, (b) => ({ ...inputOf(current), ...b }));
  const patch = body as Partial<DatasetInput>;
  if (patch.orgId && patch.orgId !== current.publisher.id) {
    const org = await ctx.db
      .selectFrom('organisation')
      .select('id')
      .where('id', '=', patch.orgId)
      .executeTakeFirst();
    if (!org) throw orgMissing();
    if (!canEditOrgData(a, org.id)) return refuseEdit(ctx, a, 'dataset.update', current.id, org.id);
  }
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const cols = columnsOf(patch);
    await trx
      .updateTable('dataset')
      .set({
        ...cols,
        ...(patch.title && { slug: await uniqueSlug(trx, patch.title, current.id) }),
        modified: now,
      })
      .where('id', '=', current.id)
      .execute();
    await indexDataset(trx, current.id);
    await raise(trx, 'datasetChanged', { datasetId: current.id, at: now });
    const after = toDataset((await loadRow(trx, current.id))!);
    await appendAudit(trx, now, {
      actorId: a.userId,
      action: 'dataset.update',
      entityType: 'dataset',
      entityId: current.id,
      before: current,
      after,
    });
    return after;
  });
}

/** Drafts that were never published can be deleted; anything once public is withdrawn instead, to keep its history. */
export async function deleteDataset(ctx: Context, actor: Actor | null, ref: string): Promise<void> {
  const a = requireActor(actor);
  const current = await getDataset(ctx, a, ref);
  if (!canEditOrgData(a, current.publisher.id))
    return refuseEdit(ctx, a, 'dataset.delete', current.id, current.publisher.id);
  if (current.versionNumber > 0)
    throw new DomainError('conflict', 'published_before', {
      zh: '已发布过的数据集不能删除，请改为撤回',
      en: 'A dataset that was ever published cannot be deleted; withdraw it instead',
    });
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('distribution').where('dataset_id', '=', current.id).execute();
    await trx.deleteFrom('dataset').where('id', '=', current.id).execute();
    await appendAudit(trx, ctx.clock.now(), {
      actorId: a.userId,
      action: 'dataset.delete',
      entityType: 'dataset',
      entityId: current.id,
      before: current,
    });
  });
}

/** Moves a dataset along its lifecycle; publishing freezes an immutable snapshot as a new version. */
export async function transitionDataset(
  ctx: Context,
  actor: Actor | null,
  ref: string,
  action: DatasetAction,
): Promise<Dataset> {
  const a = requireActor(actor);
  const current = await getDataset(ctx, a, ref);
  if (!canEditOrgData(a, current.publisher.id))
    return refuseEdit(ctx, a, `dataset.${action}`, current.id, current.publisher.id);
  const to = nextStatus(current.status, action);
  if (!to)
    throw new DomainError(
      'conflict',
      'invalid_transition',
      {
        zh: `当前状态（${current.status}）不能执行该操作（${action}）`,
        en: `Cannot ${action} a dataset that is ${current.status}`,
      },
      { status: current.status, action },
    );
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const publishing = action === 'publish';
    await trx
      .updateTable('dataset')
      .set({
        status: to,
        ...(publishing && {
          version_number: current.versionNumber + 1,
          issued: current.issued ?? now,
          modified: now,
        }),
      })
      .where('id', '=', current.id)
      .execute();
    const after = toDataset((await loadRow(trx, current.id))!);
    await raise(trx, 'datasetChanged', { datasetId: current.id, at: now });
    if (publishing) {
      await trx
        .insertInto('dataset_version')
        .values({
          dataset_id: current.id,
          number: after.versionNumber,
          published_at: now,
          published_by: a.userId,
          snapshot: JSON.stringify(after),
        })
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

export async function listVersions(
  ctx: Context,
  actor: Actor | null,
  ref: string,
): Promise<DatasetVersion[]> {
  const d = await getDataset(ctx, actor, ref);
  const rows = await ctx.db
    .selectFrom('dataset_version')
    .selectAll()
    .where('dataset_id', '=', d.id)
    .orderBy('number', 'desc')
    .execute();
  return rows.map((r) => ({
    datasetId: r.dataset_id,
    number: r.number,
    publishedAt: new Date(r.published_at).toISOString(),
    publishedBy: r.published_by,
    snapshot: r.snapshot as Dataset,
  }));
}

export async function getVersion(
  ctx: Context,
  actor: Actor | null,
  ref: string,
  number: number,
): Promise<DatasetVersion> {
  const found = (await listVersions(ctx, actor, ref)).find((v) => v.number === number);
  if (!found) throw notFound('Version', '版本');
  return found;
}

/** Field-by-field difference between two snapshots, for "what changed" views. */
export function diffDatasets(
  before: Partial<Dataset>,
  after: Partial<Dataset>,
): { field: string; before: unknown; after: unknown }[] {
  const skip = new Set(['status', 'versionNumber', 'modified', 'issued']);
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const out = [];
  for (const k of keys) {
    if (skip.has(k)) continue;
    const b = (before as Record<string, unknown>)[k];
    const aa = (after as Record<string, unknown>)[k];
    if (JSON.stringify(b) !== JSON.stringify(aa))
      out.push({ field: k, before: b ?? null, after: aa ?? null });
  }
  return out;
}
