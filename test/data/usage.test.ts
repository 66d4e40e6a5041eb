import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { shanghaiDay, usageKey } from '../../src/data/index.ts';
import { sql, type Worker } from '../../src/platform/index.ts';
import { webOptions } from '../../src/web/index.ts';
import { onEachDatabase } from '../helpers/db.ts';
import { orgBody, startServer, type TestServer } from '../helpers/app.ts';
import { dataWorker, ingest, publishedDistribution } from './helpers.ts';

const CSV = '区县,机构数\n鄞州区,12\n海曙区,9\n';
const DAY = 86400000;
const ALSO_USED_ZH = '使用了该数据集的用户还使用了';

/** Usage feeding the catalogue: view and download counts behind the sorts, and "also used". */
onEachDatabase('usage feeds discovery', (kind) => {
  let s: TestServer;
  let worker: Worker;
  let admin: { token: string };
  let otherOrg: string;
  let seq = 0;

  /** A published dataset with one ingested CSV distribution, in its own organisation. */
  const dataset = async (extra: Record<string, unknown> = {}) => {
    const d = await publishedDistribution(s, admin, { title: `用量测试数据${++seq}`, ...extra });
    const job = await ingest(s, d.staff.token, d.distributionId, 'data.csv', CSV);
    assert.equal(job.state, 'succeeded', JSON.stringify(job));
    return d;
  };
  const view = (id: string, token?: string) => s.call('GET', `/api/v1/datasets/${id}`, { token });
  const alsoUsed = async (id: string, token?: string) => {
    const r = await s.call('GET', `/api/v1/datasets/${id}/also-used`, { token });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.items.map((d: { id: string }) => d.id) as string[];
  };
  /** The two datasets in the order a sort lists them. */
  const order = async (sort: string, ids: string[]) => {
    const r = await s.call('GET', `/api/v1/datasets?sort=${sort}&pageSize=100`);
    assert.equal(r.status, 200);
    return (r.body.items as { id: string }[]).map((d) => d.id).filter((id) => ids.includes(id));
  };
  const totals = (id: string) =>
    s.ctx.db
      .selectFrom('dataset_search')
      .select(['views', 'downloads'])
      .where('dataset_id', '=', id)
      .executeTakeFirstOrThrow()
      .then((r) => ({ views: Number(r.views), downloads: Number(r.downloads) }));

  before(async () => {
    s = await startServer(kind, webOptions());
    worker = dataWorker(s);
    admin = await s.userWithToken('sysadmin');
    const org = await s.call('POST', '/api/v1/organisations', { token: admin.token, body: orgBody(990) });
    assert.equal(org.status, 201, JSON.stringify(org.body));
    otherOrg = org.body.id;
  });
  after(async () => {
    await worker.stop();
    await s.close();
  });

  test('views and downloads are counted per day, kept as totals, and change the sorts at once', async () => {
    const a = await dataset();
    const b = await dataset();
    const both = [a.datasetId, b.datasetId];
    assert.equal((await view(a.datasetId)).status, 200);
    assert.equal((await view(a.datasetId)).status, 200);
    const page = await fetch(`${s.url}/datasets/${a.datasetId}`);
    assert.equal(page.status, 200, 'the portal page counts too');
    await view(b.datasetId);
    assert.deepEqual(await totals(a.datasetId), { views: 3, downloads: 0 });
    const daily = await s.ctx.db
      .selectFrom('dataset_usage')
      .selectAll()
      .where('dataset_id', '=', a.datasetId)
      .execute();
    assert.deepEqual(
      daily.map((r) => [r.day, r.views]),
      [['2026-03-02', 3]],
    );
    assert.deepEqual(await order('views', both), [a.datasetId, b.datasetId]);

    // Its own department reading it, its edits and a list are not views.
    for (let i = 0; i < 4; i++) await view(b.datasetId, b.staff.token);
    const edit = await s.call('PATCH', `/api/v1/datasets/${b.datasetId}`, {
      token: b.staff.token,
      body: { description: '更新后的说明。' },
    });
    assert.equal(edit.status, 200, JSON.stringify(edit.body));
    assert.equal((await totals(b.datasetId)).views, 1);
    for (let i = 0; i < 3; i++) await view(b.datasetId);
    assert.deepEqual(await order('views', both), [b.datasetId, a.datasetId]);

    const download = async (id: string) => {
      const r = await fetch(`${s.url}/api/v1/distributions/${id}/download?format=csv`);
      assert.equal(r.status, 200);
      assert.match(await r.text(), /鄞州区/);
    };
    await download(b.distributionId);
    assert.deepEqual(await order('downloads', both), [b.datasetId, a.datasetId]);
    for (let i = 0; i < 2; i++) await download(a.distributionId);
    assert.deepEqual(await order('downloads', both), [a.datasetId, b.datasetId]);
    const counted = await s.ctx.db
      .selectFrom('distribution_usage')
      .select(sql<number>`sum(downloads)::int`.as('n'))
      .where('distribution_id', '=', a.distributionId)
      .executeTakeFirstOrThrow();
    assert.deepEqual(await totals(a.datasetId), { views: 3, downloads: counted.n });
    assert.equal(counted.n, 2);
  });

  test('a failing count never fails the read', async () => {
    const a = await dataset();
    await sql`ALTER TABLE dataset_usage RENAME TO dataset_usage_away`.execute(s.ctx.db);
    try {
      const r = await view(a.datasetId);
      assert.equal(r.status, 200);
      assert.equal(r.body.id, a.datasetId);
    } finally {
      await sql`ALTER TABLE dataset_usage_away RENAME TO dataset_usage`.execute(s.ctx.db);
    }
    assert.equal((await totals(a.datasetId)).views, 0, 'nothing half-counted');
  });

  test('"also used" needs three users in common, and shows on the dataset page only then', async () => {
    const c = await dataset();
    const d = await dataset();
    const users = await Promise.all([1, 2, 3].map(() => s.userWithToken('public')));
    // Any use counts: a page view, a preview, a download, an API call.
    for (const u of users.slice(0, 2)) {
      assert.equal((await view(c.datasetId, u.token)).status, 200);
      const preview = await s.call('GET', `/api/v1/distributions/${d.distributionId}/preview`, {
        token: u.token,
      });
      assert.equal(preview.status, 200);
    }
    assert.deepEqual(await alsoUsed(c.datasetId), [], 'two users in common show nothing');
    const before = await fetch(`${s.url}/datasets/${c.datasetId}`).then((r) => r.text());
    assert.ok(!before.includes(ALSO_USED_ZH));

    const third = users[2]!;
    const rows = await s.call('GET', `/api/v1/distributions/${c.distributionId}/rows?limit=1`, {
      token: third.token,
    });
    assert.equal(rows.status, 200);
    const download = await fetch(`${s.url}/api/v1/distributions/${d.distributionId}/download`, {
      headers: { authorization: `Bearer ${third.token}` },
    });
    assert.equal(download.status, 200);
    await download.arrayBuffer();
    assert.deepEqual(await alsoUsed(c.datasetId), [d.datasetId]);
    assert.deepEqual(await alsoUsed(d.datasetId), [c.datasetId]);

    const zh = await fetch(`${s.url}/datasets/${c.datasetId}`).then((r) => r.text());
    assert.ok(zh.includes(ALSO_USED_ZH));
    const { title } = await s.ctx.db
      .selectFrom('dataset')
      .select('title')
      .where('id', '=', d.datasetId)
      .executeTakeFirstOrThrow();
    const section = zh.slice(zh.indexOf(ALSO_USED_ZH), zh.indexOf('</section>', zh.indexOf(ALSO_USED_ZH)));
    assert.ok(section.includes(`>${title}</a>`), section);
    const en = await fetch(`${s.url}/datasets/${c.datasetId}?lang=en`).then((r) => r.text());
    assert.ok(en.includes('People who used this also used'));

    // Uses are recorded under pseudonymous keys: user ids for those signed in, never an address.
    const keys = await s.ctx.db.selectFrom('dataset_use_key').select('user_key').execute();
    assert.ok(keys.some((k) => k.user_key === `u:${third.id}`));
    for (const k of keys) {
      assert.match(k.user_key, /^(u:[0-9a-f-]{36}|a:[A-Za-z0-9_-]{22})$/);
      assert.ok(!k.user_key.includes('127.0.0.1'));
    }
  });

  test('drafts and conditional-only datasets never appear to the public in "also used"', async () => {
    const open = await dataset();
    const shared = await dataset({
      openTier: 'not_open',
      notOpenReason: '涉及个人隐私',
      notOpenLegalBasis: '《中华人民共和国个人信息保护法》第二十八条',
      shareTier: 'conditional',
      shareConditions: '限业务使用',
    });
    const later = await dataset();
    const staff = await Promise.all([1, 2, 3].map(() => s.userWithToken('department', otherOrg)));
    for (const u of staff)
      for (const id of [open.datasetId, shared.datasetId, later.datasetId])
        assert.equal((await view(id, u.token)).status, 200);
    for (const action of ['withdraw', 'return_to_draft']) {
      const r = await s.call('POST', `/api/v1/datasets/${later.datasetId}/${action}`, {
        token: later.staff.token,
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }

    const reviewer = await s.userWithToken('reviewer');
    assert.deepEqual(
      new Set(await alsoUsed(open.datasetId, reviewer.token)),
      new Set([shared.datasetId, later.datasetId]),
      'the co-usage is there',
    );
    assert.deepEqual(await alsoUsed(open.datasetId, staff[0]!.token), [shared.datasetId]);
    assert.deepEqual(await alsoUsed(open.datasetId), [], 'the public sees neither');
    const page = await fetch(`${s.url}/datasets/${open.datasetId}`).then((r) => r.text());
    assert.ok(!page.includes(ALSO_USED_ZH));
    assert.equal((await s.call('GET', `/api/v1/datasets/${later.datasetId}/also-used`)).status, 404);
  });

  test('bad references and limits are refused; the endpoint is in the OpenAPI document', async () => {
    const openapi = await s.call('GET', '/api/v1/openapi.json');
    const path = openapi.body.paths['/api/v1/datasets/{ref}/also-used'];
    assert.ok(path?.get, 'documented');
    assert.deepEqual(path.get.parameters.map((p: { name: string }) => p.name).sort(), ['limit', 'ref']);
    const missing = await s.call('GET', '/api/v1/datasets/no-such-dataset/also-used');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'not_found');
    const uuid = await s.call('GET', '/api/v1/datasets/00000000-0000-4000-8000-000000000000/also-used');
    assert.equal(uuid.status, 404);
    assert.equal((await s.call('GET', `/api/v1/datasets/${'x'.repeat(300)}/also-used`)).status, 400);
    const a = await dataset();
    for (const limit of ['0', '51', 'many'])
      assert.equal(
        (await s.call('GET', `/api/v1/datasets/${a.datasetId}/also-used?limit=${limit}`)).status,
        400,
      );
  });

  test('the anonymous key is not the address, and changes with the day', async () => {
    const start = s.clock.now();
    try {
      const anonymous = (address: string) =>
        usageKey(s.ctx, { actor: null, address }, shanghaiDay(s.clock.now()));
      const k1 = await anonymous('203.0.113.7');
      assert.match(k1, /^a:[A-Za-z0-9_-]{22}$/);
      assert.ok(!k1.includes('203') && !k1.includes('113'));
      assert.equal(await anonymous('203.0.113.7'), k1, 'stable within the day');
      assert.notEqual(await anonymous('203.0.113.8'), k1);
      s.clock.advance(DAY);
      const k2 = await anonymous('203.0.113.7');
      assert.notEqual(k2, k1, 'a new day, a new key');
      const salts = await s.ctx.db.selectFrom('usage_salt').select('day').execute();
      assert.deepEqual(
        salts.map((r) => r.day),
        [shanghaiDay(s.clock.now())],
        'yesterday’s salt is gone: its keys cannot be recomputed',
      );
      const actor = { userId: 'u-1', email: 'x@y.cn', role: 'public' as const, orgId: null };
      assert.equal(
        await usageKey(s.ctx, { actor, address: '203.0.113.7' }, shanghaiDay(s.clock.now())),
        'u:u-1',
      );
    } finally {
      s.clock.set(start);
    }
  });

  test('only use within the window counts, and older use is deleted with the day’s rotation', async () => {
    const e = await dataset();
    const f = await dataset();
    const users = await Promise.all([1, 2, 3].map(() => s.userWithToken('public')));
    for (const u of users) for (const id of [e.datasetId, f.datasetId]) await view(id, u.token);
    assert.deepEqual(await alsoUsed(e.datasetId), [f.datasetId]);
    const start = s.clock.now();
    try {
      s.clock.advance(181 * DAY);
      assert.deepEqual(await alsoUsed(e.datasetId), [], 'past the window');
      await view(e.datasetId); // the day's first anonymous use makes its salt
      const left = await s.ctx.db
        .selectFrom('dataset_use_key')
        .select('last_day')
        .where('last_day', '<=', shanghaiDay(start))
        .execute();
      assert.deepEqual(left, []);
      const old = await s.ctx.db
        .selectFrom('dataset_use_key')
        .select('user_key')
        .where('user_key', '=', `u:${users[0]!.id}`)
        .execute();
      assert.deepEqual(old, [], 'uses past the window are deleted');
    } finally {
      s.clock.set(start);
    }
  });
});
