// Search at national scale (issue 4): a synthetic catalogue of BENCH_SEARCH_N (default 200,000)
// realistic Chinese datasets built from the demo vocabulary, indexed by `reindexAll`, then a fixed
// query mix through `listDatasets` (items, total, facets, highlights) next to the same queries as
// a naive ILIKE '%…%' scan, on embedded PGlite and on a throwaway PostgreSQL cluster.
//   npm run bench search                       # full size
//   BENCH_SEARCH_N=20000 npm run bench search  # quick
//   BENCH_SEARCH_DB=postgres npm run bench search   # one database only (pglite | postgres)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createLogger,
  loadConfig,
  migrate,
  openDatabase,
  sql,
  systemClock,
  type Context,
  type Database,
} from '../src/platform/index.ts';
import { listDatasets, reindexAll, compactSearchIndex, type DatasetFilter } from '../src/catalog/index.ts';
import { readDemoCatalogue } from '../src/demo/index.ts';
import {
  findTerm,
  normaliseFrequency,
  resourceCode,
  slugify,
  themeIndex,
  themes,
} from '../src/core/index.ts';
// @ts-expect-error plain JS helper shared with test/run.js
import { startCluster } from '../test/helpers/pg-cluster.js';

const { datasets: demoDatasets, organisations: demoOrganisations } = readDemoCatalogue();

const N = Number(process.env.BENCH_SEARCH_N ?? 200_000);
const ONLY = process.env.BENCH_SEARCH_DB;
const ROUNDS = Number(process.env.BENCH_SEARCH_ROUNDS ?? 5);

type BenchQuery = { label: string; filter: DatasetFilter; words: string[] };

/**
 * The query mix: what people type into a Chinese portal's search box — topics, partial words,
 * synonyms, pinyin, a typo, a 数据项, filters, another sort, a later page.
 */
const QUERIES: BenchQuery[] = [
  { label: '公积金', filter: { q: '公积金' }, words: ['公积金'] },
  { label: '住房公积金缴存', filter: { q: '住房公积金缴存' }, words: ['住房公积金', '缴存'] },
  { label: '医院 (→医疗机构)', filter: { q: '医院' }, words: ['医院'] },
  { label: '医疗机构名录', filter: { q: '医疗机构名录' }, words: ['医疗机构', '名录'] },
  { label: '积金 (part of a word)', filter: { q: '积金' }, words: ['积金'] },
  { label: 'gjj (initials)', filter: { q: 'gjj' }, words: ['gjj'] },
  { label: 'gongjijin (pinyin)', filter: { q: 'gongjijin' }, words: ['gongjijin'] },
  { label: 'gongjjin (typo)', filter: { q: 'gongjjin' }, words: ['gongjjin'] },
  { label: '不动产登记', filter: { q: '不动产登记' }, words: ['不动产登记'] },
  { label: 'field:身份证号', filter: { q: 'field:身份证号' }, words: ['身份证号'] },
  { label: '统一社会信用代码', filter: { q: '统一社会信用代码' }, words: ['统一社会信用代码'] },
  { label: '空气质量 监测', filter: { q: '空气质量 监测' }, words: ['空气质量', '监测'] },
  { label: '社保 缴费', filter: { q: '社保 缴费' }, words: ['社保', '缴费'] },
  { label: '食品 许可', filter: { q: '食品 许可' }, words: ['食品', '许可'] },
  { label: '低保 (→最低生活保障)', filter: { q: '低保' }, words: ['低保'] },
  { label: '交通 theme=transport', filter: { q: '交通', theme: 'transport' }, words: ['交通'] },
  { label: '企业 format=CSV', filter: { q: '企业', format: 'CSV' }, words: ['企业'] },
  { label: '养老 adminLevel=county', filter: { q: '养老', adminLevel: 'county' }, words: ['养老'] },
  { label: '学校 sort=newest', filter: { q: '学校', sort: 'newest' }, words: ['学校'] },
  { label: '地质灾害隐患点 page 3', filter: { q: '地质灾害隐患点', page: 3 }, words: ['地质灾害隐患点'] },
];

/**
 * Words that match a large share of the synthetic catalogue (every dataset built from the same
 * demo title shares its words), and the listing without words: the slowest cases, reported apart.
 */
const BROAD: BenchQuery[] = [
  { label: '名录 (broad)', filter: { q: '名录' }, words: ['名录'] },
  { label: '统计 (broad)', filter: { q: '统计' }, words: ['统计'] },
  { label: '信息 (broad)', filter: { q: '信息' }, words: ['信息'] },
  { label: 'no words: whole catalogue, newest', filter: { sort: 'newest' }, words: [] },
];

// ---------------------------------------------------------------------------------------------
// Synthetic catalogue
// ---------------------------------------------------------------------------------------------

/** A fictional province: its capital, cities and counties (GB/T 2260-shaped codes, made up). */
const REGIONS: { name: string; code: string; level: string }[] = [
  { name: '东海省', code: '390000', level: 'provincial' },
  { name: '明州市', code: '339900', level: 'prefecture' },
  { name: '临江市', code: '390100', level: 'sub_provincial' },
  { name: '清源市', code: '390200', level: 'prefecture' },
  { name: '云溪市', code: '390300', level: 'prefecture' },
  { name: '安澜市', code: '390400', level: 'prefecture' },
  { name: '青田市', code: '390500', level: 'prefecture' },
  { name: '鹿城区', code: '339901', level: 'county' },
  { name: '海曙区', code: '339902', level: 'county' },
  { name: '江北区', code: '339903', level: 'county' },
  { name: '北仑区', code: '339904', level: 'county' },
  { name: '象山县', code: '339905', level: 'county' },
  { name: '宁海县', code: '339906', level: 'county' },
  { name: '上城区', code: '390101', level: 'county' },
  { name: '西湖区', code: '390102', level: 'county' },
  { name: '桐庐县', code: '390103', level: 'county' },
  { name: '越城区', code: '390201', level: 'county' },
  { name: '诸暨市', code: '390202', level: 'county' },
  { name: '南湖区', code: '390301', level: 'county' },
  { name: '海宁市', code: '390302', level: 'county' },
  { name: '婺城区', code: '390401', level: 'county' },
  { name: '义乌市', code: '390402', level: 'county' },
  { name: '椒江区', code: '390501', level: 'county' },
  { name: '温岭市', code: '390502', level: 'county' },
];

const SUFFIXES = [
  '',
  '',
  '',
  '（年度汇总）',
  '（按区县）',
  '（月报）',
  '明细',
  '统计',
  '信息',
  '名录',
  '（历史数据）',
  '动态',
];
/** Generic 数据项 many departments add to any table. */
const EXTRA_FIELDS = [
  { name: 'stat_date', title: '统计日期', type: 'date', description: '数据统计截止日期' },
  { name: 'district', title: '区县', type: 'string', description: '所属区县名称' },
  { name: 'update_time', title: '更新时间', type: 'datetime', description: '记录最近一次更新的时间' },
  { name: 'remark', title: '备注', type: 'string', description: '其他需要说明的情况' },
  { name: 'address', title: '地址', type: 'string', description: '详细地址' },
];
const FORMATS = ['CSV', 'XLSX', 'JSON', 'XML', 'API'];

/** Deterministic pseudo-random numbers, so every run builds the same catalogue. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function generate(database: Database, n: number): Promise<{ orgs: number }> {
  const db = database.db;
  const rnd = random(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const now = new Date().toISOString();
  const orgs: { id: string; key: string; code: string; region: (typeof REGIONS)[number] }[] = [];
  const orgRows = REGIONS.flatMap((region, r) =>
    demoOrganisations.map((o, k) => ({
      name: region.name + o.name.replace(/^明州市/, ''),
      org_code: `11${region.code}MB${String(r * 100 + k).padStart(7, '0')}X`,
      region_code: region.code,
      admin_level: region.level,
      key: o.key,
      region,
    })),
  );
  for (const o of orgRows) {
    const row = await db
      .insertInto('organisation')
      .values({
        name: o.name,
        org_code: o.org_code,
        region_code: o.region_code,
        admin_level: o.admin_level,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    orgs.push({ id: row.id, key: o.key, code: o.org_code, region: o.region });
  }
  const byDepartment = new Map<string, typeof demoDatasets>();
  for (const d of demoDatasets) byDepartment.set(d.orgKey, [...(byDepartment.get(d.orgKey) ?? []), d]);
  const allTags = [...new Set(demoDatasets.flatMap((d) => d.tags ?? []))];
  const slugs = new Map(demoDatasets.map((d) => [d.title, slugify(d.title)]));
  const seq = new Map<string, number>();
  const publishers = orgs.filter((o) => byDepartment.has(o.key));
  const BATCH = 2000;
  for (let start = 0; start < n; start += BATCH) {
    const rows = [];
    for (let i = start; i < Math.min(n, start + BATCH); i++) {
      const org = pick(publishers);
      const base = pick(byDepartment.get(org.key)!);
      const year = 2015 + Math.floor(rnd() * 11);
      const suffix = pick(SUFFIXES);
      const stem =
        suffix && /(名录|信息|统计|情况|数据|明细)$/.test(base.title) && rnd() < 0.5
          ? base.title.replace(/(名录|信息|统计|情况|数据|明细)$/, '')
          : base.title;
      const title = `${rnd() < 0.4 ? `${year}年` : ''}${rnd() < 0.3 ? org.region.name : ''}${stem}${suffix}`;
      const fields = [...(base.fields ?? [])];
      for (let k = Math.floor(rnd() * 3); k > 0; k--) {
        const extra = pick(EXTRA_FIELDS);
        if (!fields.some((f) => f.name === extra.name)) fields.push(extra as (typeof fields)[number]);
      }
      const s = (seq.get(org.id) ?? 0) + 1;
      seq.set(org.id, s);
      const status = rnd() < 0.92 ? 'published' : pick(['draft', 'in_review', 'withdrawn']);
      const modified = new Date(
        Date.UTC(year, Math.floor(rnd() * 12), 1 + Math.floor(rnd() * 28)),
      ).toISOString();
      const theme = findTerm(themes, base.themes[0])!.code;
      rows.push({
        code: resourceCode({ themeIndex: themeIndex(theme), orgCode: org.code, sequence: s }),
        code_seq: s,
        slug: `${slugs.get(base.title)}-${i + 1}`,
        org_id: org.id,
        title,
        description: `${base.description.replaceAll('明州市', org.region.name)}本数据集覆盖${year}年${org.region.name}范围。`,
        themes: base.themes,
        tags: [...new Set([...(base.tags ?? []), ...(rnd() < 0.5 ? [pick(allTags)] : [])])],
        open_tier: base.openTier,
        open_conditions: base.openConditions ?? null,
        not_open_reason: base.notOpenReason ?? null,
        share_tier: base.shareTier,
        update_frequency: normaliseFrequency(base.updateFrequency).updateFrequency,
        license: base.license ?? null,
        spatial: org.region.code,
        fields,
        status,
        version_number: status === 'published' || status === 'withdrawn' ? 1 : 0,
        issued: status === 'draft' ? null : modified,
        modified,
      });
    }
    await sql`
      INSERT INTO dataset (code, code_seq, slug, org_id, title, description, themes, tags, contact, open_tier, open_conditions,
                           not_open_reason, share_tier, update_frequency, license, spatial, language, fields, status, version_number,
                           issued, modified, created_at)
      SELECT code, code_seq, slug, org_id, title, description, themes, tags, '{}', open_tier, open_conditions, not_open_reason,
             share_tier, update_frequency, license, spatial, 'zh', fields, status, version_number, issued, modified, modified
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(code text, code_seq int, slug text, org_id uuid, title text,
             description text, themes text[], tags text[], open_tier text, open_conditions text, not_open_reason text, share_tier text,
             update_frequency text, license text, spatial text, fields jsonb, status text, version_number int, issued timestamptz,
             modified timestamptz)`.execute(db);
  }
  // One or two files per dataset, formats spread by a hash of the id.
  const formats = sql.raw(`ARRAY[${FORMATS.map((f) => `'${f}'`).join(',')}]`);
  await sql`
    INSERT INTO distribution (dataset_id, title, format, issued, modified)
    SELECT d.id, d.title || '（' || f.format || '）', f.format, d.modified, d.modified
      FROM dataset d
     CROSS JOIN LATERAL (
       SELECT (${formats})[1 + abs(hashtext(d.id::text)) % ${FORMATS.length}] AS format
       UNION SELECT (${formats})[1 + abs(hashtext(d.slug)) % ${FORMATS.length}] WHERE hashtext(d.code) % 2 = 0
     ) f`.execute(db);
  return { orgs: orgs.length };
}

// ---------------------------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------------------------

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

/**
 * The naive way: every word ILIKE '%…%' over title, description, tags and fields, most recently
 * modified first, the same visibility rule for the public. No synonyms, no pinyin, no facets.
 */
async function ilikeSearch(db: Database['db'], words: string[], page = 1) {
  const like = (w: string) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const conditions = words.map(
    (w) =>
      sql`(dataset.title ILIKE ${like(w)} OR dataset.description ILIKE ${like(w)} OR array_to_string(dataset.tags, ' ') ILIKE ${like(w)} OR dataset.fields::text ILIKE ${like(w)})`,
  );
  const { rows } = await sql<{ id: string; total: number }>`
    SELECT dataset.id, count(*) OVER () AS total
      FROM dataset JOIN organisation ON organisation.id = dataset.org_id
     WHERE dataset.status = 'published' AND dataset.open_tier <> 'not_open' AND ${conditions.length ? sql.join(conditions, sql` AND `) : sql`true`}
     ORDER BY dataset.modified DESC, dataset.id LIMIT 20 OFFSET ${(page - 1) * 20}`.execute(db);
  return rows;
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const r = await fn();
  return [performance.now() - t, r];
}

async function measure(kind: 'pglite' | 'postgres', database: Database) {
  console.log(`\n### ${kind}: ${N.toLocaleString('en')} datasets`);
  await migrate(database);
  const ctx: Context = {
    config: loadConfig({ LOG_LEVEL: 'silent' }),
    database,
    db: database.db,
    clock: systemClock,
    logger: createLogger('silent'),
  };
  console.log(
    `load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const [genMs, gen] = await time(() => generate(database, N));
  console.log(
    `generation (bulk INSERT, not timed as indexing): ${(genMs / 1000).toFixed(1)} s for ${N} datasets and ${gen.orgs} organisations`,
  );
  const [, first] = await time(() => reindexAll(database.db));
  console.log(
    `index build:   ${(first.milliseconds / 1000).toFixed(1)} s — ${Math.round((first.datasets / first.milliseconds) * 1000)} datasets/s`,
  );
  const [, again] = await time(() => reindexAll(database.db));
  console.log(
    `full reindex:  ${(again.milliseconds / 1000).toFixed(1)} s — ${Math.round((again.datasets / again.milliseconds) * 1000)} datasets/s (rows replaced in place)`,
  );
  // A bulk load leaves every index row written twice; compact once, as after any bulk import.
  const [vacuumMs] = await time(async () => {
    await database.exec('VACUUM (FULL, ANALYZE) dataset_search');
    await database.exec('ANALYZE');
  });
  console.log(`VACUUM (FULL, ANALYZE) dataset_search: ${(vacuumMs / 1000).toFixed(1)} s`);

  await runMix(ctx, database, 'query mix', QUERIES);
  await runMix(ctx, database, 'broad words and the whole catalogue', BROAD);

  // Hits of a topical search are mostly a few departments' datasets: with the index rows in
  // publisher order they sit on far fewer pages. Measured apart, as an operator's choice (ADR 0015).
  const clusterMs = await compactSearchIndex(database.db);
  console.log(`\nkaifang reindex --compact's CLUSTER by publisher: ${(clusterMs / 1000).toFixed(1)} s`);
  await runMix(ctx, database, 'query mix, index rows clustered by publisher', QUERIES);
}

async function runMix(ctx: Context, database: Database, title: string, queries: BenchQuery[]) {
  const rows: string[][] = [];
  const all = { search: [] as number[], ilike: [] as number[] };
  for (const q of queries) {
    await listDatasets(ctx, null, q.filter); // warm-up
    const search: number[] = [];
    const ilike: number[] = [];
    let total = 0;
    let naiveTotal = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const [a, res] = await time(() => listDatasets(ctx, null, q.filter));
      search.push(a);
      total = res.total;
      const [b, naive] = await time(() => ilikeSearch(database.db, q.words, q.filter.page));
      ilike.push(b);
      naiveTotal = Number(naive[0]?.total ?? 0);
    }
    all.search.push(...search);
    all.ilike.push(...ilike);
    rows.push([
      q.label,
      String(total),
      String(naiveTotal),
      ms(percentile(search, 50)),
      ms(percentile(search, 95)),
      ms(percentile(ilike, 50)),
    ]);
  }
  console.log(
    `\n#### ${title}\n\n| query | hits | hits (ILIKE) | search p50 | search p95 | ILIKE p50 |\n|---|---:|---:|---:|---:|---:|`,
  );
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  const s50 = percentile(all.search, 50);
  const s95 = percentile(all.search, 95);
  const i50 = percentile(all.ilike, 50);
  const i95 = percentile(all.ilike, 95);
  console.log(`\n${title} (${queries.length} queries × ${ROUNDS} rounds):`);
  console.log(`  search (items + total + 7 facets + highlights): p50 ${ms(s50)}, p95 ${ms(s95)}`);
  console.log(`  naive ILIKE scan (total + first page only):      p50 ${ms(i50)}, p95 ${ms(i95)}`);
  console.log(`  search is ${(i50 / s50).toFixed(1)}× faster at p50, ${(i95 / s95).toFixed(1)}× at p95`);
}

export default async function bench(): Promise<void> {
  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GB RAM`,
  );
  if (ONLY !== 'pglite') {
    const cluster = await startCluster({
      shared_buffers: '1GB',
      work_mem: '32MB',
      maintenance_work_mem: '512MB',
      effective_cache_size: '8GB',
    });
    try {
      const database = await openDatabase({ databaseUrl: cluster.url });
      try {
        await measure('postgres', database);
      } finally {
        await database.close();
      }
    } finally {
      cluster.stop();
    }
  }
  if (ONLY !== 'postgres') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-bench-pglite-'));
    const database = await openDatabase({ databaseUrl: null, dataDir: dir });
    try {
      await measure('pglite', database);
    } finally {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}
