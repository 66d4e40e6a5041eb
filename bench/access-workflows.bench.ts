// Tiered access (issue 6): what a grant check adds to every data read, and what the working-day
// calendar costs. A synthetic installation on embedded PGlite and on a throwaway PostgreSQL
// cluster (BENCH_ACCESS_DB=pglite|postgres for one only): BENCH_GRANTS (default 50,000)
// grants over 5,000 users and 500 conditional datasets, then `resolveDataAccess` for
//   open data (no database round trip: the baseline), a user with no grant (one indexed lookup),
//   a user with a grant (lookup + one access-log insert), department staff on shared data (log insert);
// and `addWorkingDays(…, 5)` against a plain Monday–Friday count.
//   npm run bench access
//   BENCH_GRANTS=5000 npm run bench access   # quick
import { randomUUID } from 'node:crypto';
import { resolveDataAccess } from '../src/access/index.ts';
import { addWorkingDays, type Actor, type Dataset } from '../src/core/index.ts';
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
// @ts-expect-error plain JS helper shared with test/run.js
import { startCluster } from '../test/helpers/pg-cluster.js';

const GRANTS = Number(process.env.BENCH_GRANTS ?? 50_000);
const USERS = 5_000;
const DATASETS = 500;
const CALLS = Number(process.env.BENCH_CALLS ?? 2_000);
const ONLY = process.env.BENCH_ACCESS_DB;

async function time(
  label: string,
  n: number,
  fn: (i: number) => unknown,
  baseline?: number,
): Promise<number> {
  for (let i = 0; i < Math.min(50, n); i++) await fn(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn(i);
  const us = Number(process.hrtime.bigint() - t0) / 1000 / n;
  const ratio = baseline ? `  (${(us / baseline).toFixed(1)}× baseline)` : '  (baseline)';
  console.log(
    `${label.padEnd(48)} ${us.toFixed(1).padStart(9)} µs/call ${Math.round(1e6 / us)
      .toString()
      .padStart(9)} calls/s${ratio}`,
  );
  return us;
}

async function measure(kind: string, database: Database) {
  await migrate(database);
  const ctx: Context = {
    config: loadConfig({ LOG_LEVEL: 'silent' }),
    database,
    db: database.db,
    clock: systemClock,
    logger: createLogger('silent'),
  };
  const db = ctx.db;
  const now = new Date();
  const [orgA, orgB] = await Promise.all(
    ['A', 'B'].map(
      async (k, i) =>
        (
          await db
            .insertInto('organisation')
            .values({
              name: `基准局${k}`,
              org_code: `11339900MB000009${i}X`,
              region_code: '339900',
              admin_level: 'prefecture',
              created_at: now,
              updated_at: now,
            })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id,
    ),
  );
  const datasetIds: string[] = [];
  for (let i = 0; i < DATASETS + 2; i++) {
    const id = randomUUID();
    datasetIds.push(id);
    await db
      .insertInto('dataset')
      .values({
        id,
        code: `14-11339900MB0000090X-${String(i + 1).padStart(5, '0')}`,
        code_seq: i + 1,
        slug: `bench-${i}`,
        org_id: orgA,
        title: `基准数据集${i}`,
        description: '基准',
        contact: '{}',
        open_tier: i === DATASETS ? 'unconditional' : 'conditional',
        share_tier: i === DATASETS + 1 ? 'unconditional' : 'conditional',
        update_frequency: 'monthly',
        temporal: 'null',
        fields: '[]',
        status: 'published',
        modified: now,
        created_at: now,
      })
      .execute();
  }
  await sql`INSERT INTO app_user (id, email, name, role, created_at)
    SELECT gen_random_uuid(), 'u' || g || '@bench.kaifang', 'u' || g, 'public', now() FROM generate_series(1, ${USERS}) g`.execute(
    db,
  );
  const staff = (
    await db
      .insertInto('app_user')
      .values({
        email: 'staff@bench.kaifang',
        name: 'staff',
        role: 'department',
        org_id: orgB,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  const users = (
    await db.selectFrom('app_user').select('id').where('role', '=', 'public').orderBy('email').execute()
  ).map((u) => u.id);
  const t0 = Date.now();
  // Grants in bulk: one request and one grant row each, over random users and datasets.
  await sql`INSERT INTO access_request (id, kind, batch_id, requester_id, provider_org_id, status, purpose, scenario, period_end, applicant,
      commitment_version, commitment_accepted_at, deadline_days, submitted_at, created_at, updated_at)
    SELECT gen_random_uuid(), 'application', gen_random_uuid(), u.id, ${orgA}, 'approved', '基准', '基准', '2099-12-31', '{}', 'bench', now(), 5, now(), now(), now()
    FROM generate_series(1, ${GRANTS}) g
    JOIN LATERAL (SELECT id FROM app_user WHERE role = 'public' OFFSET (g % ${USERS}) LIMIT 1) u ON true`.execute(
    db,
  );
  await sql`INSERT INTO access_grant (request_id, kind, user_id, provider_org_id, status, issued_at, expires_at)
    SELECT id, 'open', requester_id, provider_org_id, 'active', now(), now() + interval '1 year' FROM access_request`.execute(
    db,
  );
  await sql`INSERT INTO access_grant_dataset (grant_id, dataset_id, fields)
    SELECT g.id, (${sql.raw(`ARRAY['${datasetIds.slice(0, DATASETS).join("','")}']::uuid[]`)})[1 + (abs(hashtext(g.id::text)) % ${DATASETS})], '["a"]'
    FROM access_grant g`.execute(db);
  // What autovacuum would have done by the time an installation holds this many grants.
  await sql`ANALYZE`.execute(db);
  console.log(
    `\n### ${kind}: seeded ${GRANTS} grants over ${USERS} users and ${DATASETS} datasets in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );

  const holder = await db
    .selectFrom('access_grant as g')
    .innerJoin('access_grant_dataset as gd', 'gd.grant_id', 'g.id')
    .select(['g.user_id', 'gd.dataset_id'])
    .limit(1)
    .executeTakeFirstOrThrow();
  const dataset = (id: string, openTier: Dataset['openTier'], shareTier: Dataset['shareTier']) =>
    ({
      id,
      status: 'published',
      openTier,
      shareTier,
      publisher: { id: orgA, name: '', orgCode: '' },
    }) as Pick<Dataset, 'id' | 'status' | 'openTier' | 'shareTier' | 'publisher'>;
  const actor = (userId: string, role: Actor['role'] = 'public', orgId: string | null = null): Actor => ({
    userId,
    email: '',
    role,
    orgId,
  });
  const stranger = actor(users[users.length - 1]);
  const granted = dataset(holder.dataset_id, 'conditional', 'conditional');
  const check = await resolveDataAccess(ctx, actor(holder.user_id!), granted);
  if (check.kind !== 'grant') throw new Error('bench setup: expected a grant');

  if (process.env.BENCH_EXPLAIN) {
    const plan = await sql<{
      'QUERY PLAN': string;
    }>`EXPLAIN ANALYZE SELECT g.id FROM access_grant g JOIN access_grant_dataset gd ON gd.grant_id = g.id
      WHERE gd.dataset_id = ${holder.dataset_id} AND g.status = 'active' AND g.expires_at > now() AND g.user_id = ${stranger.userId}`.execute(
      db,
    );
    console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
  }
  console.log(`\nresolveDataAccess, ${CALLS} calls each`);
  const base = await time('open data (no lookup)', CALLS, () =>
    resolveDataAccess(ctx, stranger, dataset(datasetIds[DATASETS], 'unconditional', 'conditional')),
  );
  await time('one trivial query (SELECT 1), for scale', CALLS, () => sql`SELECT 1`.execute(db), base);
  await time(
    'conditional, no grant (indexed lookup)',
    CALLS,
    () => resolveDataAccess(ctx, stranger, granted),
    base,
  );
  await time(
    'conditional, with grant (lookup + log row)',
    CALLS,
    () => resolveDataAccess(ctx, actor(holder.user_id!), granted, { action: 'rows' }),
    base,
  );
  await time(
    'shared unconditionally (log row)',
    CALLS,
    () =>
      resolveDataAccess(
        ctx,
        actor(staff, 'department', orgB),
        dataset(datasetIds[DATASETS + 1], 'conditional', 'unconditional'),
      ),
    base,
  );
}

export default async function bench() {
  if (ONLY !== 'postgres') {
    const database = await openDatabase({ databaseUrl: null, inMemory: true });
    try {
      await measure('pglite (in memory)', database);
    } finally {
      await database.close();
    }
  }
  if (ONLY !== 'pglite') {
    const cluster = await startCluster();
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
  console.log('\nworking-day deadlines, 100,000 calls each');
  const monFri = (from: string, n: number) => {
    let d = new Date(`${from}T00:00:00Z`);
    while (n > 0) {
      d = new Date(d.getTime() + 86_400_000);
      if (d.getUTCDay() % 6 !== 0) n--;
    }
    return d.toISOString().slice(0, 10);
  };
  const days = Array.from({ length: 365 }, (_, i) =>
    new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10),
  );
  const plain = await time('Monday–Friday only (baseline)', 100_000, (i) => monFri(days[i % 365], 5));
  await time(
    'addWorkingDays with 法定节假日 and 调休',
    100_000,
    (i) => addWorkingDays(days[i % 365], 5),
    plain,
  );
}
