import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_PASSWORD, loadDemo } from '../../src/demo/index.ts';
import { countAudit, createUser, verifyAudit } from '../../src/identity/index.ts';
import { webOptions } from '../../src/web/index.ts';
import { startServer, type TestServer } from '../helpers/app.ts';
import { Client, csrfOf, textOf } from './client.ts';

/** The console as HTML forms, without JavaScript, on the demo catalogue (PGlite). */
describe('console without JavaScript', () => {
  let s: TestServer;
  let gjj: Client;
  let csrf: string;
  let gjjOrg: { id: string; org_code: string };

  const validForm = (extra: Record<string, string | string[]> = {}) => ({
    _csrf: csrf,
    title: '公积金贷款逾期情况统计',
    description: '按月统计住房公积金个人贷款逾期笔数和金额。',
    themes: ['urban_housing', 'finance_tax'],
    tags: '公积金，贷款、逾期',
    openTier: 'unconditional',
    openConditions: '',
    notOpenReason: '',
    shareTier: 'unconditional',
    updateFrequency: '每月',
    license: 'gov-open',
    spatial: '339900',
    temporalStart: '2024-01-01',
    temporalEnd: '',
    language: 'zh',
    contactName: '归集管理处',
    contactEmail: 'gjj@mingzhou.example',
    'fields[0][name]': 'month',
    'fields[0][title]': '月份',
    'fields[0][type]': 'date',
    'fields[1][name]': 'overdue',
    'fields[1][title]': '逾期笔数',
    'fields[1][type]': 'integer',
    'fields[1][unit]': '笔',
    'fields[2][name]': '',
    ...extra,
  });
  const countTitled = async (title: string) =>
    (await s.ctx.db.selectFrom('dataset').select('id').where('title', '=', title).execute()).length;

  before(async () => {
    s = await startServer('pglite', webOptions());
    await loadDemo(s.ctx);
    gjjOrg = await s.ctx.db
      .selectFrom('organisation')
      .select(['id', 'org_code'])
      .where('name', '=', '明州市住房公积金管理中心')
      .executeTakeFirstOrThrow();
    gjj = new Client(s.url);
    csrf = await gjj.signIn('gjj@demo.kaifang', DEMO_PASSWORD);
  });
  after(() => s.close());

  test('signed-out visitors are sent to the sign-in form and come back afterwards', async () => {
    const c = new Client(s.url);
    const r = await c.get('/console/datasets/new');
    assert.equal(r.status, 303);
    assert.equal(r.location, '/console/sign-in?next=%2Fconsole%2Fdatasets%2Fnew');
    const form = await c.get(r.location!);
    assert.ok(form.text.includes('name="next" value="/console/datasets/new"'));
    const bad = await c.post('/console/sign-in', {
      _csrf: csrfOf(form.text),
      email: 'gjj@demo.kaifang',
      password: 'not the password',
      next: '/console/datasets/new',
    });
    assert.equal(bad.status, 401);
    assert.ok(textOf(bad.text).includes('邮箱或密码不正确'));
    assert.ok(bad.text.includes('value="gjj@demo.kaifang"'), 'the email is kept');
    assert.equal(c.cookies.has('kaifang_session'), false);
    const ok = await c.post('/console/sign-in', {
      _csrf: csrfOf(form.text),
      email: 'gjj@demo.kaifang',
      password: DEMO_PASSWORD,
      next: '/console/datasets/new',
    });
    assert.equal(ok.status, 303);
    assert.equal(ok.location, '/console/datasets/new');
    assert.equal((await c.get('/console/datasets/new')).status, 200);
    // An open redirect through `next` is not possible.
    const evil = new Client(s.url);
    const f2 = await evil.get('/console/sign-in');
    const r2 = await evil.post('/console/sign-in', {
      _csrf: csrfOf(f2.text),
      email: 'gjj@demo.kaifang',
      password: DEMO_PASSWORD,
      next: '//evil.example/x',
    });
    assert.equal(r2.location, '/console');
  });

  test('the sign-in form refuses posts without its CSRF token (login CSRF)', async () => {
    const c = new Client(s.url);
    const r = await c.post('/console/sign-in', { email: 'gjj@demo.kaifang', password: DEMO_PASSWORD });
    assert.equal(r.status, 403);
    assert.equal(c.cookies.has('kaifang_session'), false);
    const other = new Client(s.url);
    const tokenOfAnother = csrfOf((await other.get('/console/sign-in')).text);
    await c.get('/console/sign-in');
    assert.equal(
      (
        await c.post('/console/sign-in', {
          _csrf: tokenOfAnother,
          email: 'gjj@demo.kaifang',
          password: DEMO_PASSWORD,
        })
      ).status,
      403,
    );
  });

  test('my department: its datasets by status, drafts included', async () => {
    const r = await gjj.get('/console');
    assert.equal(r.status, 200);
    const text = textOf(r.text);
    assert.ok(text.includes('明州市住房公积金管理中心'));
    for (const s of ['草稿', '审核中', '已发布', '已撤回']) assert.ok(text.includes(s));
    assert.ok(text.includes('住房公积金缴存单位名录'), 'own draft listed');
    assert.ok(!text.includes('最低生活保障对象明细'), 'another department’s dataset not listed');
    // The public portal stays public for a signed-in department: its drafts appear only in the console.
    for (const path of [
      '/',
      `/datasets?q=${encodeURIComponent('公积金')}`,
      '/themes/urban_housing',
      `/organisations/${gjjOrg.org_code}`,
    ])
      assert.ok(!(await gjj.get(path)).text.includes('住房公积金缴存单位名录'), path);
  });

  test('one invalid field: the error is shown next to it, every value is kept, nothing is saved', async () => {
    const audit = await countAudit(s.ctx.db);
    const r = await gjj.post('/console/datasets', validForm({ spatial: '明州市' }));
    assert.equal(r.status, 400);
    assert.match(
      r.text,
      /<p class="field-error" id="spatial-error"><span class="visually-hidden">错误：<\/span>请填写 6 位数字的行政区划代码/,
    );
    assert.match(
      r.text,
      /<input\s+id="spatial"\s+name="spatial"\s+type="text"\s+value="明州市"\s+maxlength="6"\s+aria-describedby="spatial-hint spatial-error"\s+aria-invalid="true"/,
    );
    assert.ok(r.text.includes('value="公积金贷款逾期情况统计"'), 'title kept');
    assert.ok(r.text.includes('按月统计住房公积金个人贷款逾期笔数和金额。'), 'description kept');
    assert.ok(r.text.includes('value="逾期笔数"'), 'field rows kept');
    assert.match(r.text, /value="finance_tax"\s+checked/);
    assert.ok(r.text.includes('<a href="#spatial">'), 'error summary links to the field');
    assert.equal(await countTitled('公积金贷款逾期情况统计'), 0);
    assert.equal(await countAudit(s.ctx.db), audit, 'not even an audit event');
  });

  test('several rule errors at once, each under its own field', async () => {
    const r = await gjj.post(
      '/console/datasets',
      validForm({
        title: '',
        themes: [],
        openTier: 'conditional',
        updateFrequency: '偶尔吧',
        'fields[1][name]': 'month',
      }),
    );
    assert.equal(r.status, 400);
    assert.ok(r.text.includes('id="title-error"'));
    assert.ok(r.text.includes('id="themes-error"'));
    assert.ok(r.text.includes('id="openConditions-error"'));
    assert.ok(textOf(r.text).includes('无法识别的更新周期：偶尔吧'));
    assert.ok(r.text.includes('id="fields-1-name-error"'));
  });

  test('a form post without the session’s CSRF token is refused and changes nothing', async () => {
    const { _csrf, ...noToken } = validForm();
    const r = await gjj.post('/console/datasets', noToken);
    assert.equal(r.status, 403);
    assert.ok(textOf(r.text).includes('CSRF'));
    assert.equal((await gjj.post('/console/datasets', { ...noToken, _csrf: 'x'.repeat(43) })).status, 403);
    assert.equal(await countTitled('公积金贷款逾期情况统计'), 0);
  });

  test('create, publish, find publicly; edit, publish again and see the diff; withdraw', async () => {
    const anon = new Client(s.url);
    const created = await gjj.post('/console/datasets', validForm());
    assert.equal(created.status, 303, created.text.slice(0, 500));
    const id = /\/console\/datasets\/([0-9a-f-]{36})\?done=created/.exec(created.location!)![1]!;
    const detail = await gjj.get(created.location!);
    assert.ok(textOf(detail.text).includes('数据集已保存为草稿'));
    const row = await s.ctx.db
      .selectFrom('dataset')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(row.update_frequency, 'monthly');
    assert.equal(
      row.update_frequency_text,
      null,
      'a suggested label is stored as the code, not as original words',
    );
    assert.deepEqual(row.tags, ['公积金', '贷款', '逾期']);
    assert.deepEqual(row.themes, ['urban_housing', 'finance_tax']);
    assert.equal((row.fields as unknown[]).length, 2);
    assert.equal((await anon.get(`/datasets/${row.slug}`)).status, 404, 'a draft is not public');
    const preview = await gjj.get(`/datasets/${row.slug}`);
    assert.equal(preview.status, 200, 'its department previews it');
    assert.ok(textOf(preview.text).includes('尚未公开'));

    const published = await gjj.post(`/console/datasets/${id}/publish`, { _csrf: csrf });
    assert.equal(published.status, 303);
    const search = await anon.get(`/datasets?q=${encodeURIComponent('公积金贷款逾期')}`);
    assert.ok(textOf(search.text).includes('公积金贷款逾期情况统计'));

    const edit = await gjj.get(`/console/datasets/${id}/edit`);
    assert.ok(edit.text.includes('value="每月"'));
    const updated = await gjj.post(
      `/console/datasets/${id}/edit`,
      validForm({ title: '公积金贷款逾期统计', updateFrequency: '每季度末' }),
    );
    assert.equal(updated.status, 303, updated.text.slice(0, 300));
    const pending = await gjj.get(`/console/datasets/${id}`);
    assert.ok(textOf(pending.text).includes('未发布的修改'));
    await gjj.post(`/console/datasets/${id}/publish`, { _csrf: csrf });
    const history = textOf((await gjj.get(`/console/datasets/${id}`)).text);
    assert.ok(history.includes('第 2 版'));
    assert.ok(
      history.includes('公积金贷款逾期情况统计') && history.includes('公积金贷款逾期统计'),
      'title before and after',
    );
    assert.ok(history.includes('每季度末'), 'the department’s words appear in the diff');

    await gjj.post(`/console/datasets/${id}/withdraw`, { _csrf: csrf });
    assert.equal((await anon.get(`/datasets/${row.slug}`)).status, 404, 'withdrawn is hidden');
    assert.ok(
      !(await anon.get(`/datasets?q=${encodeURIComponent('公积金贷款逾期')}`)).text.includes(
        '公积金贷款逾期统计',
      ),
    );
    assert.equal((await verifyAudit(s.ctx.db)).ok, true);
  });

  test('"add rows" re-renders the form with more field rows and saves nothing', async () => {
    const r = await gjj.post(
      '/console/datasets',
      validForm({ title: '加行测试', _action: 'add_rows', _extraRows: '0' }),
    );
    assert.equal(r.status, 200);
    assert.ok(r.text.includes('name="fields[6][name]"'));
    assert.equal(await countTitled('加行测试'), 0);
  });

  test('another department cannot see, edit or publish this department’s datasets', async () => {
    const rsj = new Client(s.url);
    const rsjCsrf = await rsj.signIn('rsj@demo.kaifang', DEMO_PASSWORD);
    const draft = await s.ctx.db
      .selectFrom('dataset')
      .select(['id', 'slug'])
      .where('title', '=', '住房公积金缴存单位名录')
      .executeTakeFirstOrThrow();
    assert.equal((await rsj.get(`/datasets/${draft.slug}`)).status, 404);
    assert.equal((await rsj.get(`/console/datasets/${draft.id}`)).status, 404);
    assert.equal((await rsj.get(`/console/datasets/${draft.id}/edit`)).status, 404);
    assert.equal((await rsj.post(`/console/datasets/${draft.id}/publish`, { _csrf: rsjCsrf })).status, 404);
    const open = await s.ctx.db
      .selectFrom('dataset')
      .select('id')
      .where('title', '=', '住房公积金缴存情况')
      .executeTakeFirstOrThrow();
    assert.equal((await rsj.get(`/console/datasets/${open.id}/edit`)).status, 403);
    const audit = await countAudit(s.ctx.db);
    assert.equal((await rsj.post(`/console/datasets/${open.id}/withdraw`, { _csrf: rsjCsrf })).status, 403);
    const last = await s.ctx.db
      .selectFrom('audit_event')
      .select('action')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal(last.action, 'dataset.withdraw.denied');
    assert.equal(await countAudit(s.ctx.db), audit + 1);
    // Nor can it publish under another department's name by posting its orgId.
    const sneaky = await rsj.post(
      '/console/datasets',
      validForm({ _csrf: rsjCsrf, title: '冒名数据集', orgId: gjjOrg.id }),
    );
    assert.equal(sneaky.status, 303);
    const row = await s.ctx.db
      .selectFrom('dataset')
      .select('org_id')
      .where('title', '=', '冒名数据集')
      .executeTakeFirstOrThrow();
    assert.notEqual(row.org_id, gjjOrg.id);
    // A public user has no console to create datasets in.
    const citizen = new Client(s.url);
    await citizen.signIn('citizen@demo.kaifang', DEMO_PASSWORD);
    assert.equal((await citizen.get('/console/datasets/new')).status, 403);
    assert.equal((await citizen.get('/console/authority')).status, 403);
  });

  test('the data authority sees every department by status and tier', async () => {
    const c = new Client(s.url);
    await c.signIn('authority@demo.kaifang', DEMO_PASSWORD);
    const r = await c.get('/console/authority');
    assert.equal(r.status, 200);
    const text = textOf(r.text);
    const orgs = await s.ctx.db.selectFrom('organisation').select('name').execute();
    for (const o of orgs) assert.ok(text.includes(o.name), o.name);
    const total = (
      await s.ctx.db
        .selectFrom('dataset')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
    assert.match(
      r.text,
      new RegExp(`<tfoot>\\s*<tr>\\s*<th scope="row">合计</th>[\\s\\S]*<strong>${Number(total)}</strong>`),
    );
    assert.equal((await gjj.get('/console/authority')).status, 403);
    const admin = new Client(s.url);
    await admin.signIn('admin@demo.kaifang', DEMO_PASSWORD);
    const form = await admin.get('/console/datasets/new');
    assert.ok(form.text.includes('<select id="orgId" name="orgId"'), 'a sysadmin chooses the publisher');
  });

  test('password change: errors next to fields; success signs out other sessions only', async () => {
    await createUser(s.ctx, null, {
      email: 'pw@test.kaifang',
      role: 'department',
      orgId: gjjOrg.id,
      password: 'first password 1',
    });
    const a = new Client(s.url);
    const aCsrf = await a.signIn('pw@test.kaifang', 'first password 1');
    const b = new Client(s.url);
    await b.signIn('pw@test.kaifang', 'first password 1');
    const mismatch = await a.post('/console/password', {
      _csrf: aCsrf,
      currentPassword: 'first password 1',
      newPassword: 'second password 2',
      confirmPassword: 'different',
    });
    assert.equal(mismatch.status, 400);
    assert.ok(mismatch.text.includes('id="confirmPassword-error"'));
    const wrong = await a.post('/console/password', {
      _csrf: aCsrf,
      currentPassword: 'nope nope nope',
      newPassword: 'second password 2',
      confirmPassword: 'second password 2',
    });
    assert.equal(wrong.status, 400);
    assert.ok(wrong.text.includes('id="currentPassword-error"'));
    const short = await a.post('/console/password', {
      _csrf: aCsrf,
      currentPassword: 'first password 1',
      newPassword: 'short',
      confirmPassword: 'short',
    });
    assert.ok(short.text.includes('id="newPassword-error"'));
    const ok = await a.post('/console/password', {
      _csrf: aCsrf,
      currentPassword: 'first password 1',
      newPassword: 'second password 2',
      confirmPassword: 'second password 2',
    });
    assert.equal(ok.status, 303);
    assert.equal((await a.get('/console')).status, 200, 'this browser stays signed in');
    assert.equal((await b.get('/console')).status, 303, 'the other browser is signed out');
  });

  test('sign-out ends the session; the old cookie is then worth nothing', async () => {
    const c = new Client(s.url);
    const token = await c.signIn('gjj@demo.kaifang', DEMO_PASSWORD);
    const cookie = c.cookies.get('kaifang_session')!;
    const out = await c.post('/console/sign-out', { _csrf: token });
    assert.equal(out.status, 303);
    assert.equal(c.cookies.has('kaifang_session'), false);
    const replay = await fetch(`${s.url}/console`, {
      headers: { cookie: `kaifang_session=${cookie}` },
      redirect: 'manual',
    });
    assert.equal(replay.status, 303);
    const api = await fetch(`${s.url}/api/v1/me`, { headers: { cookie: `kaifang_session=${cookie}` } });
    assert.equal(api.status, 401);
  });

  test('one-click application for conditional data: prefilled, refused without the commitment, then submitted', async () => {
    const d = await s.ctx.db
      .selectFrom('dataset')
      .select(['id', 'code', 'title', 'org_id'])
      .where('open_tier', '=', 'conditional')
      .where('status', '=', 'published')
      .orderBy('code')
      .executeTakeFirstOrThrow();
    const anon = new Client(s.url);
    const signInFirst = await anon.get(`/apply?dataset=${d.code}`);
    assert.equal(signInFirst.status, 200);
    assert.ok(
      signInFirst.text.includes(
        `href="/console/sign-in?next=%2Fapply%3Fdataset%3D${encodeURIComponent(d.code)}"`,
      ),
    );
    const citizen = new Client(s.url);
    const token = await citizen.signIn('citizen@demo.kaifang', DEMO_PASSWORD);
    const form = await citizen.get(`/apply?dataset=${d.code}`);
    assert.equal(form.status, 200);
    assert.ok(form.text.includes('value="社会公众用户"'), 'the applicant’s name is prefilled');
    assert.ok(textOf(form.text).includes('郑重承诺'), 'the commitment text is shown');
    const version = /name="commitmentVersion" value="([^"]+)"/.exec(form.text)![1]!;
    const answer = {
      _csrf: token,
      commitmentVersion: version,
      name: '社会公众用户',
      purpose: '研究住房保障政策',
      scenario: '学术研究',
      periodEnd: '2026-12-31',
    };
    const refused = await citizen.post(`/apply?dataset=${d.code}`, answer);
    assert.equal(refused.status, 400);
    assert.ok(refused.text.includes('id="accepted-error"'));
    assert.ok(refused.text.includes('研究住房保障政策'), 'what was typed is kept');
    const count = async () =>
      (
        await s.ctx.db
          .selectFrom('access_request')
          .select('id')
          .where('provider_org_id', '=', d.org_id)
          .execute()
      ).length;
    assert.equal(await count(), 0, 'nothing submitted');
    const ok = await citizen.post(`/apply?dataset=${d.code}`, { ...answer, accepted: '1' });
    assert.equal(ok.status, 200, textOf(ok.text).slice(0, 400));
    assert.ok(textOf(ok.text).includes('申请已提交'));
    assert.equal(await count(), 1);
    const again = await citizen.post(`/apply?dataset=${d.code}`, { ...answer, accepted: '1' });
    assert.equal(again.status, 409, 'a second pending application is refused, in the form');
    assert.equal(await count(), 1);
    assert.equal(
      (await citizen.post(`/apply?dataset=${d.code}`, { ...answer, accepted: '1', _csrf: 'nope' })).status,
      403,
    );
  });

  test('hostile posts: oversized, JSON instead of a form, unknown actions — refused, never a 500', async () => {
    const big = await gjj.post('/console/datasets', validForm({ description: '长'.repeat(600_000) }));
    assert.equal(big.status, 413);
    assert.match(big.headers.get('content-type')!, /text\/html/);
    const json = await gjj.request('POST', '/console/datasets', {
      body: JSON.stringify({ _csrf: csrf, title: { $gt: '' }, themes: 'x' }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(json.status, 400);
    const unknown = await gjj.post('/console/datasets/00000000-0000-0000-0000-000000000000/explode', {
      _csrf: csrf,
    });
    assert.equal(unknown.status, 404);
    assert.equal((await gjj.get('/console/datasets/not-a-uuid')).status, 404);
    const many = await gjj.post(
      '/console/datasets',
      validForm({ 'fields[999][name]': 'x', 'fields[0][__proto__]': 'y', __proto__: 'z' } as Record<
        string,
        string
      >),
    );
    assert.ok([303, 400].includes(many.status), String(many.status));
  });
});
