import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from '../../src/platform/index.ts';
import { countAudit, verifyAudit } from '../../src/identity/index.ts';
import { onEachDatabase } from '../helpers/db.ts';
import { datasetBody, orgBody, startServer, type TestServer } from '../helpers/app.ts';

onEachDatabase('catalogue API', (kind) => {
  let s: TestServer;
  let admin: { token: string };
  before(async () => {
    s = await startServer(kind);
    admin = await s.userWithToken('sysadmin');
  });
  after(() => s.close());

  test('healthz answers 200 and names the database', async () => {
    const r = await s.call('GET', '/healthz');
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'ok');
    assert.equal(r.body.database, kind);
  });

  test('create an organisation and a dataset, publish it, read every field back; drafts are hidden', async () => {
    const org = await s.call('POST', '/api/v1/organisations', {
      token: admin.token,
      body: orgBody(1, { nameEn: 'Bureau 1' }),
    });
    assert.equal(org.status, 201, JSON.stringify(org.body));
    const input = datasetBody(org.body.id);
    const created = await s.call('POST', '/api/v1/datasets', { token: admin.token, body: input });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const d = created.body;
    assert.equal(d.status, 'draft');
    assert.match(d.code, /^14-11339900MB0000001X-00001$/);
    assert.equal(d.slug, 'zhu-fang-gong-ji-jin-jiao-cun-qing-kuang');
    assert.equal(d.updateFrequency, 'annual');
    assert.equal(d.updateFrequencyText, '每年年底');

    const anonDraft = await s.call('GET', `/api/v1/datasets/${d.id}`);
    assert.equal(anonDraft.status, 404);
    assert.equal(anonDraft.body.error.code, 'not_found');
    const anonList = await s.call('GET', '/api/v1/datasets');
    assert.equal(anonList.body.total, 0);

    const pub = await s.call('POST', `/api/v1/datasets/${d.id}/publish`, { token: admin.token });
    assert.equal(pub.status, 200);
    assert.equal(pub.body.status, 'published');
    assert.equal(pub.body.versionNumber, 1);

    const read = await s.call('GET', `/api/v1/datasets/${d.slug}`);
    assert.equal(read.status, 200);
    const back = read.body;
    for (const key of [
      'title',
      'description',
      'themes',
      'tags',
      'contact',
      'openTier',
      'shareTier',
      'license',
      'spatial',
      'temporal',
      'language',
      'fields',
      'scenario',
      'relations',
      'source',
      'version',
    ] as const) {
      assert.deepEqual(back[key], (input as Record<string, unknown>)[key], key);
    }
    assert.equal(back.publisher.id, org.body.id);
    assert.equal(back.publisher.orgCode, '11339900MB0000001X');
    assert.ok(back.issued && back.modified);
    assert.deepEqual(back.distributions, []);
    const byCode = await s.call('GET', `/api/v1/datasets/${d.code}`);
    assert.equal(byCode.body.id, d.id);

    const versions = await s.call('GET', `/api/v1/datasets/${d.id}/versions`);
    assert.equal(versions.body.total, 1);
    assert.equal(versions.body.items[0].snapshot.title, input.title);

    // A later edit does not touch the frozen snapshot; publishing again adds version 2.
    await s.call('PATCH', `/api/v1/datasets/${d.id}`, {
      token: admin.token,
      body: { title: '住房公积金缴存统计' },
    });
    const v1 = await s.call('GET', `/api/v1/datasets/${d.id}/versions/1`);
    assert.equal(v1.body.snapshot.title, input.title);
    await s.call('POST', `/api/v1/datasets/${d.id}/publish`, { token: admin.token });
    const v2 = await s.call('GET', `/api/v1/datasets/${d.id}/versions/2`);
    assert.equal(v2.body.snapshot.title, '住房公积金缴存统计');

    const withdrawn = await s.call('POST', `/api/v1/datasets/${d.id}/withdraw`, { token: admin.token });
    assert.equal(withdrawn.body.status, 'withdrawn');
    assert.equal((await s.call('GET', `/api/v1/datasets/${d.id}`)).status, 404);
    const again = await s.call('POST', `/api/v1/datasets/${d.id}/withdraw`, { token: admin.token });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'invalid_transition');
  });

  test('invalid bodies are refused with the offending field, and nothing is written', async () => {
    const org = await s.call('POST', '/api/v1/organisations', { token: admin.token, body: orgBody(2) });
    const orgId = org.body.id;
    const auditBefore = await countAudit(s.ctx.db);
    const datasetsBefore = await s.ctx.db
      .selectFrom('dataset')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const { title: _t, ...noTitle } = datasetBody(orgId);
    const cases: {
      name: string;
      body?: unknown;
      raw?: string;
      status: number;
      code: string;
      field?: string;
    }[] = [
      { name: 'missing title', body: noTitle, status: 400, code: 'validation_failed', field: 'title' },
      {
        name: 'unknown theme',
        body: datasetBody(orgId, { themes: ['astrology'] }),
        status: 400,
        code: 'validation_failed',
        field: 'themes[0]',
      },
      {
        name: 'bad tier',
        body: datasetBody(orgId, { openTier: 'sometimes' }),
        status: 400,
        code: 'validation_failed',
        field: 'openTier',
      },
      {
        name: 'wrong type',
        body: datasetBody(orgId, { title: 42, tags: '公积金' }),
        status: 400,
        code: 'validation_failed',
        field: 'tags',
      },
      {
        name: 'unknown field',
        body: datasetBody(orgId, { colour: 'red' }),
        status: 400,
        code: 'validation_failed',
        field: 'colour',
      },
      {
        name: 'unknown frequency',
        body: datasetBody(orgId, { updateFrequency: '看心情' }),
        status: 400,
        code: 'validation_failed',
        field: 'updateFrequency',
      },
      {
        name: 'not open without reason',
        body: datasetBody(orgId, { openTier: 'not_open' }),
        status: 400,
        code: 'validation_failed',
        field: 'notOpenReason',
      },
      {
        name: 'unknown organisation',
        body: datasetBody('00000000-0000-4000-8000-000000000000'),
        status: 400,
        code: 'validation_failed',
        field: 'orgId',
      },
      { name: 'array body', body: [1, 2], status: 400, code: 'validation_failed', field: 'body' },
      { name: 'malformed JSON', raw: '{"title": "住房', status: 400, code: 'invalid_json' },
      {
        name: '5 MB JSON',
        raw: JSON.stringify(datasetBody(orgId, { description: 'x'.repeat(5 * 1024 * 1024) })),
        status: 413,
        code: 'payload_too_large',
      },
    ];
    for (const c of cases) {
      const r = await s.call('POST', '/api/v1/datasets', { token: admin.token, body: c.body, raw: c.raw });
      assert.equal(r.status, c.status, `${c.name}: ${JSON.stringify(r.body).slice(0, 300)}`);
      assert.equal(r.body.error.code, c.code, c.name);
      assert.ok(r.body.error.message, c.name);
      if (c.field)
        assert.ok(
          r.body.error.details.fields.some((f: { field: string }) => f.field === c.field),
          `${c.name}: ${JSON.stringify(r.body.error.details)}`,
        );
    }
    const bothWrong = await s.call('POST', '/api/v1/datasets', {
      token: admin.token,
      body: datasetBody(orgId, { title: '', themes: ['nope'] }),
    });
    const named = bothWrong.body.error.details.fields.map((f: { field: string }) => f.field);
    assert.ok(
      named.includes('title') && named.includes('themes[0]'),
      `every offending field is named: ${named}`,
    );
    const en = await s.call('POST', '/api/v1/datasets', {
      token: admin.token,
      body: noTitle,
      headers: { 'accept-language': 'en-GB' },
    });
    assert.match(en.body.error.message, /Invalid input: title/);
    assert.match(
      (await s.call('POST', '/api/v1/datasets', { token: admin.token, body: noTitle })).body.error.message,
      /输入有误/,
    );

    const badPatch = await s.call('PATCH', '/api/v1/organisations/' + orgId, {
      token: admin.token,
      body: { regionCode: 'abc' },
    });
    assert.equal(badPatch.status, 400);
    const badPage = await s.call('GET', '/api/v1/datasets?pageSize=1000');
    assert.equal(badPage.status, 400);
    assert.equal(badPage.body.error.details.fields[0].field, 'pageSize');

    assert.equal(await countAudit(s.ctx.db), auditBefore, 'audit log unchanged');
    const datasetsAfter = await s.ctx.db
      .selectFrom('dataset')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(datasetsAfter.n), Number(datasetsBefore.n));
  });

  test('unauthenticated and unauthorised callers are refused', async () => {
    const org = await s.call('POST', '/api/v1/organisations', { token: admin.token, body: orgBody(3) });
    assert.equal((await s.call('POST', '/api/v1/datasets', { body: datasetBody(org.body.id) })).status, 401);
    const bad = await s.call('GET', '/api/v1/datasets', { token: 'kf_not-a-real-token-but-long-enough' });
    assert.equal(bad.status, 401);
    assert.equal(bad.body.error.code, 'unauthenticated');
    const citizen = await s.userWithToken('public');
    const r = await s.call('POST', '/api/v1/organisations', { token: citizen.token, body: orgBody(4) });
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'forbidden');
  });

  test("a department cannot modify another department's dataset, and the attempt is audited", async () => {
    const a = await s.call('POST', '/api/v1/organisations', { token: admin.token, body: orgBody(5) });
    const b = await s.call('POST', '/api/v1/organisations', { token: admin.token, body: orgBody(6) });
    const staffA = await s.userWithToken('department', a.body.id);
    const staffB = await s.userWithToken('department', b.body.id);
    const mine = await s.call('POST', '/api/v1/datasets', {
      token: staffA.token,
      body: datasetBody(a.body.id, { title: '医疗机构名录', themes: ['health'] }),
    });
    assert.equal(mine.status, 201);
    await s.call('POST', `/api/v1/datasets/${mine.body.id}/publish`, { token: staffA.token });
    const intrusion = await s.call('PATCH', `/api/v1/datasets/${mine.body.id}`, {
      token: staffB.token,
      body: { title: '篡改' },
    });
    assert.equal(intrusion.status, 403);
    const withdraw = await s.call('POST', `/api/v1/datasets/${mine.body.id}/withdraw`, {
      token: staffB.token,
    });
    assert.equal(withdraw.status, 403);
    const createForOther = await s.call('POST', '/api/v1/datasets', {
      token: staffB.token,
      body: datasetBody(a.body.id),
    });
    assert.equal(createForOther.status, 403);
    const still = await s.call('GET', `/api/v1/datasets/${mine.body.id}`);
    assert.equal(still.body.title, '医疗机构名录');
    assert.equal(still.body.status, 'published');
    const denied = await s.ctx.db
      .selectFrom('audit_event')
      .selectAll()
      .where('actor_id', '=', staffB.id)
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      denied.map((e) => e.action),
      ['dataset.update.denied', 'dataset.withdraw.denied', 'dataset.create.denied'],
    );
    // Staff B sees A's drafts no more than the public does.
    const draft = await s.call('POST', '/api/v1/datasets', {
      token: staffA.token,
      body: datasetBody(a.body.id, { title: '内部草稿' }),
    });
    assert.equal(
      (await s.call('GET', `/api/v1/datasets/${draft.body.id}`, { token: staffB.token })).status,
      404,
    );
    assert.equal(
      (await s.call('GET', `/api/v1/datasets/${draft.body.id}`, { token: staffA.token })).status,
      200,
    );
  });

  test('list filters by organisation, theme, open tier and status', async () => {
    const org = await s.call('POST', '/api/v1/organisations', { token: admin.token, body: orgBody(7) });
    const mk = async (extra: Record<string, unknown>, publish = true) => {
      const d = await s.call('POST', '/api/v1/datasets', {
        token: admin.token,
        body: datasetBody(org.body.id, extra),
      });
      assert.equal(d.status, 201, JSON.stringify(d.body));
      if (publish) await s.call('POST', `/api/v1/datasets/${d.body.id}/publish`, { token: admin.token });
      return d.body;
    };
    await mk({ title: '空气质量监测数据', themes: ['energy_environment'] });
    await mk({
      title: '公交线路站点信息',
      themes: ['transport'],
      openTier: 'conditional',
      openConditions: '需签署使用协议',
    });
    await mk({ title: '未发布的交通数据', themes: ['transport'] }, false);
    const byOrg = await s.call('GET', `/api/v1/datasets?org=${org.body.orgCode}`);
    assert.deepEqual(byOrg.body.items.map((d: { title: string }) => d.title).sort(), [
      '公交线路站点信息',
      '空气质量监测数据',
    ]);
    assert.deepEqual(
      byOrg.body.facets.theme,
      [
        { value: 'energy_environment', count: 1 },
        { value: 'transport', count: 1 },
      ],
      'the draft is not counted for an anonymous caller',
    );
    assert.deepEqual(byOrg.body.facets.openTier, [
      { value: 'conditional', count: 1 },
      { value: 'unconditional', count: 1 },
    ]);
    const byTheme = await s.call('GET', `/api/v1/datasets?org=${org.body.id}&theme=transport`);
    assert.equal(byTheme.body.facets.theme.length, 2, 'a facet ignores its own filter');
    assert.deepEqual(
      byTheme.body.items.map((d: { title: string }) => d.title),
      ['公交线路站点信息'],
    );
    const byThemeLabel = await s.call(
      'GET',
      `/api/v1/datasets?org=${org.body.id}&theme=${encodeURIComponent('道路交通')}`,
    );
    assert.equal(byThemeLabel.body.total, 1);
    const byTier = await s.call('GET', `/api/v1/datasets?org=${org.body.id}&openTier=conditional`);
    assert.equal(byTier.body.total, 1);
    const drafts = await s.call('GET', `/api/v1/datasets?org=${org.body.id}&status=draft`, {
      token: admin.token,
    });
    assert.deepEqual(
      drafts.body.items.map((d: { title: string }) => d.title),
      ['未发布的交通数据'],
    );
    const anonDrafts = await s.call('GET', `/api/v1/datasets?org=${org.body.id}&status=draft`);
    assert.equal(anonDrafts.body.total, 0);
    const paged = await s.call('GET', `/api/v1/datasets?org=${org.body.id}&pageSize=1&page=2`);
    assert.equal(paged.body.items.length, 1);
    assert.equal(paged.body.total, 2);
    assert.equal(paged.body.page, 2);
  });

  test('distribution metadata CRUD follows its dataset', async () => {
    const org = await s.call('POST', '/api/v1/organisations', { token: admin.token, body: orgBody(8) });
    const d = await s.call('POST', '/api/v1/datasets', {
      token: admin.token,
      body: datasetBody(org.body.id, { title: '企业登记注册信息' }),
    });
    const dist = await s.call('POST', `/api/v1/datasets/${d.body.id}/distributions`, {
      token: admin.token,
      body: { title: '企业名录 CSV', format: 'csv' },
    });
    assert.equal(dist.status, 201, JSON.stringify(dist.body));
    assert.equal(dist.body.format, 'CSV');
    assert.equal(dist.body.mediaType, 'text/csv');
    assert.equal(
      (await s.call('GET', `/api/v1/distributions/${dist.body.id}`)).status,
      404,
      'hidden while the dataset is a draft',
    );
    const bad = await s.call('POST', `/api/v1/datasets/${d.body.id}/distributions`, {
      token: admin.token,
      body: { title: 'x', format: 'EXE' },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details.fields[0].field, 'format');
    await s.call('POST', `/api/v1/datasets/${d.body.id}/publish`, { token: admin.token });
    const patched = await s.call('PATCH', `/api/v1/distributions/${dist.body.id}`, {
      token: admin.token,
      body: { title: '企业名录（CSV）' },
    });
    assert.equal(patched.body.title, '企业名录（CSV）');
    const listed = await s.call('GET', `/api/v1/datasets/${d.body.id}`);
    assert.equal(listed.body.distributions.length, 1);
    assert.equal(
      (await s.call('DELETE', `/api/v1/distributions/${dist.body.id}`, { token: admin.token })).status,
      204,
    );
    assert.equal((await s.call('GET', `/api/v1/datasets/${d.body.id}/distributions`)).body.total, 0);
  });

  test('hostile paths and query strings get clear 4xx answers and change nothing', async () => {
    const before = await countAudit(s.ctx.db);
    const hostile = ["x' OR '1'='1", '../../etc/passwd', '%00', '<script>alert(1)</script>', 'a'.repeat(300)];
    for (const ref of hostile) {
      const r = await s.call('GET', `/api/v1/datasets/${encodeURIComponent(ref)}`);
      assert.ok([400, 404].includes(r.status), `${ref}: ${r.status}`);
      assert.ok(r.body.error.code);
      const o = await s.call('GET', `/api/v1/organisations/${encodeURIComponent(ref)}`);
      assert.ok([400, 404].includes(o.status), `${ref}: ${o.status}`);
    }
    const q = await s.call('GET', `/api/v1/datasets?q=${encodeURIComponent("%' OR 1=1 --")}`);
    assert.equal(q.status, 200);
    assert.equal(q.body.total, 0);
    assert.equal((await s.call('GET', '/api/v1/datasets?openTier=everything')).status, 400);
    assert.equal((await s.call('GET', '/api/v1/datasets?page=-1')).status, 400);
    assert.equal(
      (await s.call('PATCH', '/api/v1/organisations/not-a-uuid', { token: admin.token, body: { name: 'x' } }))
        .status,
      400,
    );
    assert.equal((await s.call('DELETE', '/api/v1/datasets/nope', { token: admin.token })).status, 404);
    assert.equal((await s.call('GET', '/api/v1/no-such-route')).body.error.code, 'route_not_found');
    assert.equal(await countAudit(s.ctx.db), before);
  });

  test('unopened datasets enter public lists only where policy lists them', async () => {
    const org = await s.call('POST', '/api/v1/organisations', { token: admin.token, body: orgBody(10) });
    const d = await s.call('POST', '/api/v1/datasets', {
      token: admin.token,
      body: datasetBody(org.body.id, {
        title: '不予开放的测试数据',
        openTier: 'not_open',
        notOpenReason: '涉及国家秘密',
        notOpenLegalBasis: '《中华人民共和国保守国家秘密法》',
      }),
    });
    await s.call('POST', `/api/v1/datasets/${d.body.id}/publish`, { token: admin.token });
    const listed = async () => (await s.call('GET', `/api/v1/datasets?org=${org.body.orgCode}`)).body;
    assert.equal((await listed()).total, 0);
    assert.equal((await listed()).facets.openTier.length, 0);
    s.ctx.config.workflow.listUnopened = true;
    try {
      const shown = await listed();
      assert.equal(shown.total, 1);
      assert.equal(shown.items[0].notOpenReason, '涉及国家秘密');
    } finally {
      s.ctx.config.workflow.listUnopened = false;
    }
  });

  test('vocabularies and OpenAPI are served', async () => {
    const themes = await s.call('GET', '/api/v1/vocabularies/themes');
    assert.equal(themes.status, 200);
    assert.equal(themes.body.terms.length, 16);
    assert.equal((await s.call('GET', '/api/v1/vocabularies/nope')).status, 404);
    const spec = await s.call('GET', '/api/v1/openapi.json');
    assert.equal(spec.status, 200);
    assert.ok(
      spec.body.paths['/api/v1/datasets'].post.requestBody,
      'dataset create documented with its body',
    );
    assert.ok(spec.body.paths['/api/v1/datasets/{ref}/publish']);
  });

  test('tokens are shown once, stored hashed, and revocable', async () => {
    const user = await s.userWithToken(
      'department',
      (await s.call('POST', '/api/v1/organisations', { token: admin.token, body: orgBody(9) })).body.id,
    );
    const made = await s.call('POST', '/api/v1/tokens', { token: user.token, body: { name: 'script' } });
    assert.equal(made.status, 201);
    assert.match(made.body.token, /^kf_/);
    const stored = await s.ctx.db
      .selectFrom('api_token')
      .select('token_hash')
      .where('id', '=', made.body.id)
      .executeTakeFirstOrThrow();
    assert.notEqual(stored.token_hash, made.body.token);
    assert.equal((await s.call('GET', '/api/v1/me', { token: made.body.token })).body.email, user.email);
    const listed = await s.call('GET', '/api/v1/tokens', { token: user.token });
    assert.ok(
      listed.body.items.every((t: Record<string, unknown>) => !('token' in t) && !('tokenHash' in t)),
    );
    assert.equal(
      (await s.call('DELETE', `/api/v1/tokens/${made.body.id}`, { token: user.token })).status,
      204,
    );
    assert.equal((await s.call('GET', '/api/v1/me', { token: made.body.token })).status, 401);
  });

  test('the audit chain verifies, and an edit by hand is detected', async () => {
    const ok = await verifyAudit(s.ctx.db);
    assert.equal(ok.ok, true);
    assert.ok(ok.checked > 10);
    const apiVerify = await s.call('GET', '/api/v1/audit/verify', { token: admin.token });
    assert.equal(apiVerify.body.ok, true);
    await assert.rejects(
      sql`UPDATE audit_event SET action = 'x' WHERE seq = 3`.execute(s.ctx.db),
      /append-only/,
    );
    await s.ctx.database.exec(`ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update;
      UPDATE audit_event SET after = '{"title":"forged"}' WHERE seq = 3;
      ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update;`);
    const broken = await verifyAudit(s.ctx.db);
    assert.equal(broken.ok, false);
    assert.equal(broken.brokenAt, 3);
  });
});
