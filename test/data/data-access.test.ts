import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Worker } from '../../src/platform/index.ts';
import { onEachDatabase } from '../helpers/db.ts';
import { orgBody, startServer, type TestServer } from '../helpers/app.ts';
import { requestBody } from '../access/world.ts';
import { gbkHospitalCsv } from './files.ts';
import { dataWorker, ingest, publishedDistribution } from './helpers.ts';

const tableOf = (id: string) => `dist_${id.replace(/-/g, '')}`;

/**
 * Conditional and unopened data never leave through any data path to a caller without a grant;
 * a grant gives exactly its fields and rows, on every path.
 */
onEachDatabase('data access', (kind) => {
  let s: TestServer;
  let worker: Worker;
  let owner: Awaited<ReturnType<typeof publishedDistribution>>;
  let conditional: Awaited<ReturnType<typeof publishedDistribution>>;
  let unopened: Awaited<ReturnType<typeof publishedDistribution>>;
  let stranger: { token: string; id: string };
  let citizen: { token: string; id: string };

  before(async () => {
    s = await startServer(kind);
    worker = dataWorker(s);
    const admin = await s.userWithToken('sysadmin');
    owner = await publishedDistribution(s, admin, { title: '公开的医疗机构名录' });
    const org = { id: owner.orgId, staff: owner.staff };
    // Not shared between departments either: another department has no way in but a grant.
    conditional = await publishedDistribution(
      s,
      admin,
      {
        title: '医疗机构床位明细',
        openTier: 'conditional',
        openConditions: '须签署数据使用协议',
        shareTier: 'conditional',
        shareConditions: '须申请',
      },
      org,
    );
    unopened = await publishedDistribution(
      s,
      admin,
      {
        title: '医护人员名单',
        openTier: 'not_open',
        notOpenReason: '涉及个人信息',
        notOpenLegalBasis: '《中华人民共和国个人信息保护法》第二十八条',
        shareTier: 'not_shared',
        notSharedReason: '涉及个人信息，不向其他部门共享',
        notSharedLegalBasis: '《中华人民共和国个人信息保护法》第三十四条',
      },
      org,
    );
    for (const d of [owner, conditional, unopened])
      assert.equal(
        (await ingest(s, d.staff.token, d.distributionId, '名录.csv', gbkHospitalCsv())).state,
        'succeeded',
      );
    const other = await s.call('POST', '/api/v1/organisations', { token: admin.token, body: orgBody(990) });
    stranger = await s.userWithToken('department', other.body.id);
    citizen = await s.userWithToken('public');
  });
  after(async () => {
    await worker.stop();
    await s.close();
  });

  const paths = (id: string) =>
    [
      ['GET', `/api/v1/distributions/${id}/rows`],
      ['GET', `/api/v1/distributions/${id}/aggregate?groupBy=${encodeURIComponent('所在区县')}`],
      ['GET', `/api/v1/distributions/${id}/preview`],
      ['GET', `/api/v1/distributions/${id}/download?format=csv`],
      ['GET', `/api/v1/distributions/${id}/download?format=xlsx`],
      ['GET', `/api/v1/distributions/${id}/download?format=original`],
      ['GET', `/api/v1/distributions/${id}/download?format=csvw`],
      ['GET', `/api/v1/distributions/${id}/versions`],
      ['GET', `/api/v1/distributions/${id}/versions/1`],
      ['POST', '/api/v1/query', { sql: `SELECT * FROM ${tableOf(id)}` }],
      ['POST', '/api/v1/query', { sql: `SELECT count(*) FROM ${tableOf(id)}` }],
    ] as const;

  test('conditional and unopened data are refused on every path to the public and to other departments', async () => {
    for (const [d, reason] of [
      [conditional, 'conditional'],
      [unopened, 'not_open'],
    ] as const) {
      for (const who of [undefined, citizen.token, stranger.token]) {
        for (const [method, url, body] of paths(d.distributionId)) {
          const r = await s.call(method, url, { token: who, body });
          assert.equal(
            r.status,
            403,
            `${reason} ${method} ${url} as ${who ? 'user' : 'anonymous'}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`,
          );
          assert.equal(r.body.error.code, 'access_denied');
          assert.equal(r.body.error.details.reason, reason);
          assert.doesNotMatch(JSON.stringify(r.body), /医院|海曙|1200/, 'nothing of the data in the refusal');
        }
      }
      // The owner reads everything.
      for (const [method, url, body] of paths(d.distributionId)) {
        const r = await s.call(method, url, { token: d.staff.token, body });
        assert.equal(r.status, 200, `owner ${method} ${url}: ${JSON.stringify(r.body).slice(0, 200)}`);
      }
    }
    // The catalogue still describes them: metadata is public, data is not — nor the facts that
    // describe the data (checksum, size, row count), which only its readers see (ADR 0029).
    const meta = await s.call('GET', `/api/v1/distributions/${conditional.distributionId}`);
    assert.equal(meta.status, 200);
    assert.equal(meta.body.format, 'CSV');
    assert.equal(meta.body.rowCount, null);
    assert.equal(meta.body.checksum, null);
    const ownMeta = await s.call('GET', `/api/v1/distributions/${conditional.distributionId}`, {
      token: conditional.staff.token,
    });
    assert.equal(ownMeta.body.rowCount, 6);
  });

  test('data of unpublished datasets does not exist for outsiders', async () => {
    const d = await publishedDistribution(
      s,
      { token: owner.staff.token },
      { title: '未发布' },
      { id: owner.orgId, staff: owner.staff },
    );
    await s.call('POST', `/api/v1/datasets/${d.datasetId}/withdraw`, { token: owner.staff.token });
    for (const [method, url, body] of paths(d.distributionId)) {
      for (const who of [undefined, citizen.token, stranger.token]) {
        const r = await s.call(method, url, { token: who, body });
        assert.equal(r.status, 404, `${method} ${url}: ${r.status}`);
      }
    }
  });

  test('a grant gives exactly its fields and rows on every path', async () => {
    const applied = await s.call('POST', '/api/v1/applications', {
      token: citizen.token,
      body: requestBody([{ id: conditional.datasetId, fields: ['机构名称', '床位数'] }]),
    });
    assert.equal(applied.status, 201, JSON.stringify(applied.body));
    const approved = await s.call('POST', `/api/v1/applications/${applied.body.items[0].id}/approve`, {
      token: owner.staff.token,
      body: {
        datasets: [
          {
            id: conditional.datasetId,
            fields: ['机构名称', '床位数'],
            rows: [{ field: '所在区县', op: 'eq', value: '江北区' }],
          },
        ],
        expiresOn: '2026-12-31',
        // Less than was asked (two fields, one district): the department says why (issue 14).
        reason: '按最小必要原则，仅授权本区机构名称与床位数',
      },
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    const id = conditional.distributionId;
    const as = (method: string, url: string, body?: unknown) =>
      s.call(method, url, { token: citizen.token, body });

    const rows = await as('GET', `/api/v1/distributions/${id}/rows`);
    assert.equal(rows.status, 200, JSON.stringify(rows.body));
    assert.deepEqual(rows.body.records, [
      { 机构名称: '明州市中医院', 床位数: null },
      { 机构名称: '明州市妇女儿童医院', 床位数: 650 },
    ]);
    assert.equal(rows.body.total, 2);
    assert.deepEqual(
      rows.body.fields.map((f: { name: string }) => f.name),
      ['机构名称', '床位数'],
    );
    // Fields outside the grant cannot be filtered, grouped or searched on: that would reveal them.
    assert.equal(
      (
        await as(
          'GET',
          `/api/v1/distributions/${id}/rows?filters=${encodeURIComponent('{"所在区县":"海曙区"}')}`,
        )
      ).status,
      400,
    );
    assert.equal(
      (await as('GET', `/api/v1/distributions/${id}/aggregate?groupBy=${encodeURIComponent('所在区县')}`))
        .status,
      400,
    );
    const agg = await as(
      'GET',
      `/api/v1/distributions/${id}/aggregate?metrics=${encodeURIComponent('count,sum:床位数')}`,
    );
    assert.deepEqual(agg.body.rows, [{ count: 2, 'sum:床位数': 650 }]);
    const preview = await as('GET', `/api/v1/distributions/${id}/preview`);
    assert.deepEqual(
      preview.body.columns.map((c: { name: string; max: unknown }) => [c.name, c.max]),
      [
        ['机构名称', '明州市妇女儿童医院'],
        ['床位数', 650],
      ],
      'statistics of the granted rows, not the table',
    );
    assert.equal(preview.body.version.rowCount, 2);
    assert.equal(preview.body.problems, null);
    const csv = await fetch(`${s.url}/api/v1/distributions/${id}/download?format=csv`, {
      headers: { authorization: `Bearer ${citizen.token}` },
    });
    assert.equal(
      (await csv.text()).replace('\uFEFF', ''),
      '机构名称,床位数\r\n明州市中医院,\r\n明州市妇女儿童医院,650\r\n',
    );
    assert.equal(
      (await as('GET', `/api/v1/distributions/${id}/download?format=original`)).status,
      403,
      'the original file holds everything',
    );
    const q = await as('POST', '/api/v1/query', { sql: `SELECT * FROM ${tableOf(id)}` });
    assert.deepEqual(
      q.body.columns.map((c: { name: string }) => c.name),
      ['机构名称', '床位数'],
    );
    assert.equal(q.body.rowCount, 2);
    const sneaky = await as('POST', '/api/v1/query', { sql: `SELECT 所在区县 FROM ${tableOf(id)}` });
    assert.equal(sneaky.status, 400, 'a field outside the grant does not exist in the sandbox');
    const versions = await as('GET', `/api/v1/distributions/${id}/versions`);
    assert.deepEqual(
      versions.body.items[0].columns.map((c: { name: string }) => c.name),
      ['机构名称', '床位数'],
    );
    assert.equal(versions.body.items[0].checksum, null);
    // The grant is personal: the other department still sees nothing.
    assert.equal(
      (await s.call('GET', `/api/v1/distributions/${id}/rows`, { token: stranger.token })).status,
      403,
    );
    // And reads under it are logged for the provider.
    const logged = await s.ctx.db
      .selectFrom('data_access_log')
      .select('action')
      .where('user_id', '=', citizen.id)
      .execute();
    assert.ok(
      ['rows', 'aggregate', 'preview', 'download', 'query', 'versions'].every((a) =>
        logged.some((l) => l.action === a),
      ),
      JSON.stringify(logged),
    );
  });
});
