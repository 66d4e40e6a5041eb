import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_PASSWORD, loadDemo } from '../../src/demo/index.ts';
import { authenticateToken, countAudit } from '../../src/identity/index.ts';
import { webOptions } from '../../src/web/index.ts';
import { startServer, type TestServer } from '../helpers/app.ts';
import { onEachDatabase } from '../helpers/db.ts';
import { Client, csrfOf, textOf } from './client.ts';

/**
 * The application and grant pages as HTML without JavaScript, on the demo catalogue: a citizen
 * applies, the providing department answers (returning, approving with a scope), the citizen
 * uses the grant (token, report), the department revokes it and the public notice shows it.
 */
onEachDatabase('application and grant pages without JavaScript', (kind) => {
  let s: TestServer;
  let citizen: Client;
  let jtj: Client;
  let gjj: Client;
  let citizenCsrf: string;
  let jtjCsrf: string;
  let gjjCsrf: string;
  let taxi: { id: string; code: string; title: string; org_id: string };
  let applicationId: string;

  const dataset = (title: string) =>
    s.ctx.db
      .selectFrom('dataset')
      .select(['id', 'code', 'title', 'org_id'])
      .where('title', '=', title)
      .executeTakeFirstOrThrow();
  const request = (id: string) =>
    s.ctx.db.selectFrom('access_request').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const signedIn = async (email: string) => {
    const c = new Client(s.url);
    return { c, csrf: await c.signIn(email, DEMO_PASSWORD) };
  };

  /** The one-click form, filled in and sent as a person would. */
  async function apply(c: Client, code: string, extra: Record<string, string | string[]> = {}) {
    const form = await c.get(`/apply?dataset=${code}`);
    assert.equal(form.status, 200);
    const r = await c.post(`/apply?dataset=${code}`, {
      _csrf: csrfOf(form.text),
      commitmentVersion: /name="commitmentVersion" value="([^"]+)"/.exec(form.text)![1]!,
      name: '社会公众用户',
      purpose: '研究出租车出行的时空分布 <script>alert(1)</script>',
      scenario: '学术研究：城市交通规划',
      periodEnd: '2026-12-31',
      accepted: '1',
      ...extra,
    });
    assert.equal(r.status, 200, textOf(r.text).slice(0, 400));
  }

  before(async () => {
    s = await startServer(kind, webOptions());
    await loadDemo(s.ctx);
    taxi = await dataset('巡游出租车运营数据');
    ({ c: citizen, csrf: citizenCsrf } = await signedIn('citizen@demo.kaifang'));
    ({ c: jtj, csrf: jtjCsrf } = await signedIn('jtj@demo.kaifang'));
    ({ c: gjj, csrf: gjjCsrf } = await signedIn('gjj@demo.kaifang'));
    await apply(citizen, taxi.code, { fields: ['pickup_zone', 'dropoff_zone', 'fare'] });
    applicationId = (
      await s.ctx.db
        .selectFrom('access_request')
        .select('id')
        .where('provider_org_id', '=', taxi.org_id)
        .executeTakeFirstOrThrow()
    ).id;
  });
  after(() => s?.close());

  test('my applications: status, the deadline as a date in working days, links; the done page leads there', async () => {
    const r = await citizen.get('/my/applications');
    assert.equal(r.status, 200);
    const text = textOf(r.text);
    assert.ok(text.includes('我的申请'));
    assert.ok(text.includes('巡游出租车运营数据'));
    assert.ok(text.includes('待答复'));
    // Submitted Monday 2 March 2026: five working days are 3, 4, 5, 6 and 9 March.
    assert.ok(text.includes('2026年3月9日'), text.slice(0, 2000));
    assert.ok(text.includes('5 个工作日'));
    assert.ok(r.text.includes(`href="/my/applications/${applicationId}"`));
    assert.ok(
      r.text.includes(`action="/my/applications/${applicationId}/withdraw"`),
      'undecided: can withdraw',
    );
    const en = await citizen.get('/my/applications?lang=en');
    assert.ok(textOf(en.text).includes('My applications'));
    assert.ok(textOf(en.text).includes('Awaiting answer'));
    assert.ok(textOf(en.text).includes('9 Mar 2026'));
    await citizen.get('/my/applications?lang=zh');
    // The header links to it and to the notifications of every signed-in page.
    const home = await citizen.get('/');
    assert.ok(home.text.includes('href="/my/applications"'));
    assert.ok(home.text.includes('href="/notifications"'));
    assert.ok(home.text.includes('href="/notices/revocations"'), 'the public notice is in the footer');
  });

  test('signed out: sent to sign in; a public user has no console inbox', async () => {
    const anon = new Client(s.url);
    const r = await anon.get('/my/applications');
    assert.equal(r.status, 303);
    assert.equal(r.location, '/console/sign-in?next=%2Fmy%2Fapplications');
    assert.equal((await anon.get(`/console/applications/${applicationId}`)).status, 303);
    assert.equal((await citizen.get('/console/applications')).status, 403);
    assert.equal((await citizen.get('/console/oversight')).status, 403);
    assert.equal((await citizen.get('/console/grants')).status, 403);
  });

  test('the providing department: its inbox by deadline, the request, and a badge for the new notice', async () => {
    const inbox = await jtj.get('/console/applications');
    assert.equal(inbox.status, 200);
    const text = textOf(inbox.text);
    assert.ok(text.includes('巡游出租车运营数据'));
    assert.ok(text.includes('社会公众用户'));
    assert.ok(text.includes('2026年3月9日'));
    assert.ok(inbox.text.includes(`href="/console/applications/${applicationId}"`));
    assert.match(inbox.text, /class="count-badge"\s*>1<span class="visually-hidden">条未读<\/span>/);
    const detail = await jtj.get(`/console/applications/${applicationId}`);
    assert.equal(detail.status, 200);
    const d = textOf(detail.text);
    assert.ok(d.includes('研究出租车出行的时空分布'));
    assert.ok(!detail.text.includes('<script>alert(1)</script>'), 'what the applicant typed is escaped');
    assert.ok(detail.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(d.includes('上车区域、下车区域、车费'), 'the fields asked for, by title');
    for (const id of ['approve-form', 'reject-form', 'return_for_info-form'])
      assert.ok(detail.text.includes(`id="${id}"`), id);
    // The fields asked for are ticked; the others offered unticked.
    assert.match(detail.text, /name="ds\[0\]\[fields\]"\s+value="fare"\s+checked/);
    assert.match(detail.text, /name="ds\[0\]\[fields\]"\s+value="trip_id"\s*\/>/);
    assert.ok(detail.text.includes('value="2026-12-31"'), 'the grant ends with the period by default');
    // The applicant's own page offers no decisions.
    const own = await citizen.get(`/my/applications/${applicationId}`);
    assert.equal(own.status, 200);
    assert.ok(!own.text.includes('id="approve-form"'));
    assert.ok(own.text.includes('id="withdraw-form"'));
  });

  test('another department can neither see nor decide the application; nothing changes', async () => {
    assert.ok(!textOf((await gjj.get('/console/applications')).text).includes('巡游出租车运营数据'));
    const page = await gjj.get(`/console/applications/${applicationId}`);
    assert.equal(page.status, 404);
    assert.ok(!textOf(page.text).includes('研究出租车出行'));
    const audit = await countAudit(s.ctx.db);
    for (const step of ['approve', 'reject', 'return_for_info']) {
      const r = await gjj.post(`/console/applications/${applicationId}/${step}`, {
        _csrf: gjjCsrf,
        reason: '越权',
        expiresOn: '2026-12-31',
        'ds[0][id]': taxi.id,
      });
      assert.equal(r.status, 403, step);
      assert.ok(textOf(r.text).includes('无权'), step);
    }
    assert.equal((await request(applicationId)).status, 'submitted');
    assert.equal(await countAudit(s.ctx.db), audit + 3, 'each refused attempt is audited, nothing else');
    const denied = await s.ctx.db
      .selectFrom('audit_event')
      .select('action')
      .where('entity_id', '=', applicationId)
      .where('action', 'like', '%.denied')
      .execute();
    assert.equal(denied.length, 3);
    // The applicant cannot decide through the applicant's pages or the console either.
    assert.equal(
      (await citizen.post(`/my/applications/${applicationId}/approve`, { _csrf: citizenCsrf })).status,
      404,
    );
    assert.equal(
      (
        await citizen.post(`/console/applications/${applicationId}/approve`, {
          _csrf: citizenCsrf,
          expiresOn: '2026-12-31',
        })
      ).status,
      403,
    );
    assert.equal((await request(applicationId)).status, 'submitted');
  });

  test('a rejection without a reason shows the error next to the field and changes nothing', async () => {
    const audit = await countAudit(s.ctx.db);
    for (const reason of ['', '   ']) {
      const r = await jtj.post(`/console/applications/${applicationId}/reject`, { _csrf: jtjCsrf, reason });
      assert.equal(r.status, 400);
      assert.match(
        r.text,
        /<p class="field-error" id="reject-reason-error"><span class="visually-hidden">错误：<\/span>请填写理由<\/p>/,
      );
      assert.match(r.text, /<textarea\s+id="reject-reason"\s+name="reason"[^>]*aria-invalid="true"/);
      assert.ok(r.text.includes('<a href="#reject-reason">请填写理由</a>'), 'the summary links to it');
    }
    assert.equal((await request(applicationId)).status, 'submitted');
    assert.equal(await countAudit(s.ctx.db), audit);
  });

  test('CSRF token missing or wrong: refused, nothing changed', async () => {
    const audit = await countAudit(s.ctx.db);
    const none = await jtj.post(`/console/applications/${applicationId}/reject`, { reason: '不符合条件' });
    assert.equal(none.status, 403);
    assert.ok(textOf(none.text).includes('CSRF'));
    const wrong = await jtj.post(`/console/applications/${applicationId}/reject`, {
      _csrf: citizenCsrf,
      reason: '不符合条件',
    });
    assert.equal(wrong.status, 403);
    assert.equal((await citizen.post(`/my/applications/${applicationId}/withdraw`, {})).status, 403);
    assert.equal((await citizen.post('/notifications/read-all', {})).status, 403);
    assert.equal((await request(applicationId)).status, 'submitted');
    assert.equal(await countAudit(s.ctx.db), audit);
  });

  test('return for information pauses the clock; the applicant answers (an empty answer is refused) and it runs again', async () => {
    const r = await jtj.post(`/console/applications/${applicationId}/return_for_info`, {
      _csrf: jtjCsrf,
      reason: '请说明研究机构并提供课题立项证明',
    });
    assert.equal(r.status, 303);
    assert.equal(r.location, `/console/applications/${applicationId}?done=return_for_info`);
    assert.ok(textOf((await jtj.get(r.location!)).text).includes('答复期限暂停计时'));
    const mine = textOf((await citizen.get('/my/applications')).text);
    assert.ok(mine.includes('退回补充材料'));
    assert.ok(mine.includes('请说明研究机构并提供课题立项证明'));
    assert.ok(mine.includes('计时暂停'));
    const page = await citizen.get(`/my/applications/${applicationId}`);
    assert.ok(page.text.includes('id="resubmit-form"'));
    const empty = await citizen.post(`/my/applications/${applicationId}/resubmit`, {
      _csrf: citizenCsrf,
      response: '',
      purpose: '研究出租车出行的时空分布',
    });
    assert.equal(empty.status, 400);
    assert.ok(empty.text.includes('id="resubmit-response-error"'));
    assert.equal((await request(applicationId)).status, 'returned_for_info');
    const ok = await citizen.post(`/my/applications/${applicationId}/resubmit`, {
      _csrf: citizenCsrf,
      response: '明州大学交通学院，课题编号 2026-17',
      purpose: '研究出租车出行的时空分布 <script>alert(1)</script>',
      scenario: '学术研究：城市交通规划',
      periodEnd: '2026-12-31',
    });
    assert.equal(ok.status, 303);
    const row = await request(applicationId);
    assert.equal(row.status, 'submitted');
    assert.equal(row.info_response, '明州大学交通学院，课题编号 2026-17');
    const audit = await s.ctx.db
      .selectFrom('audit_event')
      .select('after')
      .where('entity_id', '=', applicationId)
      .where('action', '=', 'application.resubmit')
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      (audit.after as { changed: string[] }).changed,
      [],
      'unchanged fields are not sent as amendments',
    );
  });

  test('approve with a scope: a half-filled row condition is refused in the form; then some fields, one district, until a date', async () => {
    const half = await jtj.post(`/console/applications/${applicationId}/approve`, {
      _csrf: jtjCsrf,
      'ds[0][id]': taxi.id,
      'ds[0][declared]': '1',
      'ds[0][fields]': ['pickup_zone', 'fare'],
      'ds[0][rowField]': 'pickup_zone',
      'ds[0][rowValues]': '',
      expiresOn: '2026-09-30',
    });
    assert.equal(half.status, 400);
    assert.ok(half.text.includes('id="approve-ds-0-rowValues-error"'));
    assert.match(half.text, /value="fare"\s+checked/, 'the ticks are kept');
    const none = await jtj.post(`/console/applications/${applicationId}/approve`, {
      _csrf: jtjCsrf,
      'ds[0][id]': taxi.id,
      'ds[0][declared]': '1',
      expiresOn: '2026-09-30',
    });
    assert.equal(none.status, 400, 'no field ticked');
    assert.ok(none.text.includes('id="approve-ds-0-fields-error"'));
    const past = await jtj.post(`/console/applications/${applicationId}/approve`, {
      _csrf: jtjCsrf,
      'ds[0][id]': taxi.id,
      'ds[0][declared]': '1',
      'ds[0][fields]': 'fare',
      expiresOn: '2025-01-01',
    });
    assert.equal(past.status, 400);
    assert.ok(past.text.includes('id="approve-expiresOn-error"'));
    assert.equal((await request(applicationId)).status, 'submitted');
    assert.equal((await s.ctx.db.selectFrom('access_grant').select('id').execute()).length, 0);

    const ok = await jtj.post(`/console/applications/${applicationId}/approve`, {
      _csrf: jtjCsrf,
      'ds[0][id]': taxi.id,
      'ds[0][declared]': '1',
      'ds[0][fields]': ['pickup_zone', 'fare'],
      'ds[0][rowField]': 'pickup_zone',
      'ds[0][rowValues]': 'Z01，Z02',
      expiresOn: '2026-09-30',
      reportEvery: 'quarterly',
      reason: '同意用于课题研究',
    });
    assert.equal(ok.status, 303, textOf(ok.text).slice(0, 600));
    const grant = await s.ctx.db
      .selectFrom('access_grant as g')
      .innerJoin('access_grant_dataset as gd', 'gd.grant_id', 'g.id')
      .select(['g.id', 'g.report_every', 'g.expires_at', 'gd.fields', 'gd.row_filter'])
      .where('g.request_id', '=', applicationId)
      .executeTakeFirstOrThrow();
    assert.deepEqual(grant.fields, ['pickup_zone', 'fare']);
    assert.deepEqual(grant.row_filter, [{ field: 'pickup_zone', op: 'in', value: ['Z01', 'Z02'] }]);
    assert.equal(grant.report_every, 'quarterly');
    const detail = textOf((await jtj.get(ok.location!)).text);
    assert.ok(detail.includes('已通过'));
    assert.ok(detail.includes('上车区域、车费'));
    assert.ok(detail.includes('上车区域 为 Z01、Z02 之一'));

    const mine = await citizen.get('/my/applications');
    const text = textOf(mine.text);
    assert.ok(text.includes('已通过'));
    assert.ok(text.includes('同意用于课题研究'), 'the decision’s reason');
    assert.ok(text.includes('上车区域、车费'), 'the grant’s fields');
    assert.ok(text.includes('上车区域 为 Z01、Z02 之一'), 'the grant’s rows');
    assert.ok(text.includes('有效期至 2026年9月30日'), 'the grant’s expiry');
    assert.ok(!mine.text.includes(`/my/applications/${applicationId}/withdraw`), 'decided: no withdrawal');
    assert.ok(mine.text.includes(`href="/my/grants/${grant.id}"`));
  });

  test('the applicant’s notices: a badge with the unread count, the list, mark as read', async () => {
    const home = await citizen.get('/');
    const badge = /class="count-badge"\s*>(\d+)</.exec(home.text);
    assert.ok(badge, 'a badge');
    const unread = Number(badge![1]);
    assert.ok(unread >= 2, 'returned and approved');
    const list = await citizen.get('/notifications');
    assert.equal(list.status, 200);
    const text = textOf(list.text);
    assert.ok(text.includes('有条件开放申请已通过'));
    assert.ok(text.includes('有条件开放申请被退回补充材料'));
    assert.ok(list.text.includes(`href="/my/applications/${applicationId}"`));
    const id = /action="\/notifications\/([0-9a-f-]{36})\/read"/.exec(list.text)![1]!;
    assert.equal((await citizen.post(`/notifications/${id}/read`, { _csrf: citizenCsrf })).status, 303);
    assert.match((await citizen.get('/')).text, new RegExp(`class="count-badge"\\s*>${unread - 1}<`));
    assert.equal((await citizen.post('/notifications/not-an-id/read', { _csrf: citizenCsrf })).status, 404);
    assert.equal((await citizen.post('/notifications/read-all', { _csrf: citizenCsrf })).status, 303);
    assert.ok(!(await citizen.get('/')).text.includes('class="count-badge"'));
    // Another person's notice is not theirs to mark.
    const jtjNotice = await s.ctx.db
      .selectFrom('notification as n')
      .innerJoin('app_user as u', 'u.id', 'n.user_id')
      .select('n.id')
      .where('u.email', '=', 'jtj@demo.kaifang')
      .where('n.read_at', 'is', null)
      .executeTakeFirstOrThrow();
    assert.equal(
      (await citizen.post(`/notifications/${jtjNotice.id}/read`, { _csrf: citizenCsrf })).status,
      404,
    );
  });

  test('the grant page: scope, a token shown once that reads only this grant, a usage report', async () => {
    const grant = await s.ctx.db
      .selectFrom('access_grant')
      .select('id')
      .where('request_id', '=', applicationId)
      .executeTakeFirstOrThrow();
    const page = await citizen.get(`/my/grants/${grant.id}`);
    assert.equal(page.status, 200);
    const text = textOf(page.text);
    assert.ok(text.includes('上车区域、车费'));
    assert.ok(text.includes('每季度报送'));
    assert.ok(page.text.includes('id="token-form"'));
    assert.ok(page.text.includes('id="reports-form"'));
    assert.ok(!page.text.includes('id="revoke-form"'), 'the grantee does not revoke');
    // Another department, or another member of the public, cannot see it.
    assert.equal((await gjj.get(`/console/grants/${grant.id}`)).status, 404);
    const other = (await signedIn('reviewer@demo.kaifang')).c;
    assert.equal((await other.get(`/my/grants/${grant.id}`)).status, 404);

    const blank = await citizen.post(`/my/grants/${grant.id}/tokens`, { _csrf: citizenCsrf, name: ' ' });
    assert.equal(blank.status, 400);
    assert.ok(blank.text.includes('id="token-name-error"'));
    const made = await citizen.post(`/my/grants/${grant.id}/tokens`, {
      _csrf: citizenCsrf,
      name: '交通研究脚本',
    });
    assert.equal(made.status, 200);
    const token = /<code class="wf-token" id="new-token">(kf_[^<]+)<\/code>/.exec(made.text)?.[1];
    assert.ok(token, 'the token is on the page');
    assert.ok(textOf(made.text).includes('只显示这一次'));
    const actor = await authenticateToken(s.ctx, token!);
    assert.equal(actor?.grantId, grant.id, 'the token is tied to this grant');
    assert.ok(!(await citizen.get(`/my/grants/${grant.id}`)).text.includes(token!), 'never shown again');
    assert.equal(
      (await jtj.post(`/console/grants/${grant.id}/tokens`, { _csrf: jtjCsrf, name: 'x' })).status,
      403,
    );

    const missing = await citizen.post(`/my/grants/${grant.id}/reports`, {
      _csrf: citizenCsrf,
      periodStart: '2026-03-02',
      periodEnd: '2026-03-02',
      usage: '',
      results: '形成研究报告一份',
    });
    assert.equal(missing.status, 400);
    assert.ok(missing.text.includes('id="report-usage-error"'));
    assert.ok(missing.text.includes('形成研究报告一份'), 'what was typed is kept');
    const filed = await citizen.post(`/my/grants/${grant.id}/reports`, {
      _csrf: citizenCsrf,
      periodStart: '2026-03-02',
      periodEnd: '2026-03-02',
      usage: '用于出行需求模型标定',
      results: '形成研究报告一份',
    });
    assert.equal(filed.status, 303);
    const after = textOf((await citizen.get(filed.location!)).text);
    assert.ok(after.includes('利用情况报告已提交'));
    assert.ok(after.includes('用于出行需求模型标定'));
    // The department sees the report too.
    assert.ok(textOf((await jtj.get(`/console/grants/${grant.id}`)).text).includes('用于出行需求模型标定'));
  });

  test('the department suspends (reason required), reinstates and revokes; the public notice shows a masked name', async () => {
    const grant = await s.ctx.db
      .selectFrom('access_grant')
      .select('id')
      .where('request_id', '=', applicationId)
      .executeTakeFirstOrThrow();
    const list = await jtj.get('/console/grants');
    assert.equal(list.status, 200);
    assert.ok(list.text.includes(`href="/console/grants/${grant.id}"`));
    const noReason = await jtj.post(`/console/grants/${grant.id}/suspend`, { _csrf: jtjCsrf, reason: '' });
    assert.equal(noReason.status, 400);
    assert.ok(noReason.text.includes('id="suspend-reason-error"'));
    assert.equal(
      (
        await s.ctx.db
          .selectFrom('access_grant')
          .select('status')
          .where('id', '=', grant.id)
          .executeTakeFirstOrThrow()
      ).status,
      'active',
    );
    assert.equal(
      (await gjj.post(`/console/grants/${grant.id}/revoke`, { _csrf: gjjCsrf, reason: '越权' })).status,
      403,
    );
    const suspended = await jtj.post(`/console/grants/${grant.id}/suspend`, {
      _csrf: jtjCsrf,
      reason: '核查数据转授情况',
    });
    assert.equal(suspended.status, 303);
    const mine = await citizen.get(`/my/grants/${grant.id}`);
    assert.ok(textOf(mine.text).includes('已暂停'));
    assert.ok(!mine.text.includes('id="token-form"'), 'no tokens while suspended');
    assert.equal(
      (await jtj.post(`/console/grants/${grant.id}/reinstate`, { _csrf: jtjCsrf, reason: '核查无误' }))
        .status,
      303,
    );
    const revoked = await jtj.post(`/console/grants/${grant.id}/revoke`, {
      _csrf: jtjCsrf,
      reason: '违反安全承诺，将数据提供给第三方',
    });
    assert.equal(revoked.status, 303);
    assert.equal((await request(applicationId)).status, 'revoked');

    const notice = await new Client(s.url).get('/notices/revocations');
    assert.equal(notice.status, 200);
    const text = textOf(notice.text);
    assert.ok(text.includes('授权撤销公示'));
    assert.ok(text.includes('社*'), 'the masked name');
    assert.ok(!text.includes('社会公众用户'), 'never the full name');
    assert.ok(!text.includes('citizen@demo.kaifang'), 'never the email');
    assert.ok(text.includes('违反安全承诺，将数据提供给第三方'));
    assert.ok(text.includes('巡游出租车运营数据'));
    assert.ok(text.includes('明州市交通运输局'));
    assert.ok(
      textOf((await new Client(s.url).get('/notices/revocations?lang=en')).text).includes(
        'Public notice of revoked grants',
      ),
    );
  });

  test('withdrawing an undecided application from the list', async () => {
    const hospital = await dataset('医院门急诊服务量统计');
    await apply(citizen, hospital.code);
    const row = await s.ctx.db
      .selectFrom('access_request')
      .select('id')
      .where('provider_org_id', '=', hospital.org_id)
      .executeTakeFirstOrThrow();
    const r = await citizen.post(`/my/applications/${row.id}/withdraw`, { _csrf: citizenCsrf });
    assert.equal(r.status, 303);
    assert.equal((await request(row.id)).status, 'withdrawn');
    const again = await citizen.post(`/my/applications/${row.id}/withdraw`, { _csrf: citizenCsrf });
    assert.equal(again.status, 409, 'a step the state does not have');
  });

  test('hostile input: bad ids, unknown steps, JSON bodies — a page, never a 500', async () => {
    assert.equal((await jtj.get('/console/applications/not-a-uuid')).status, 404);
    assert.equal((await jtj.get('/console/applications/00000000-0000-0000-0000-000000000000')).status, 404);
    assert.equal((await jtj.get(`/console/applications/${'a'.repeat(900)}`)).status, 404);
    assert.equal(
      (await jtj.post(`/console/applications/${applicationId}/explode`, { _csrf: jtjCsrf })).status,
      404,
    );
    assert.equal((await jtj.get('/console/grants/not-a-uuid')).status, 404);
    assert.equal((await jtj.get('/console/applications?view=%3Cscript%3E&page=-4')).status, 200);
    const json = await jtj.request('POST', `/console/applications/${applicationId}/reject`, {
      body: JSON.stringify({ _csrf: jtjCsrf, reason: { $ne: 1 } }),
      headers: { 'content-type': 'application/json' },
    });
    assert.ok(json.status === 400 || json.status === 409, String(json.status));
    // Oversized: past the body limit the server refuses before reading; past the field's limit the form says so.
    const hospital = await dataset('医院门急诊服务量统计');
    await apply(citizen, hospital.code);
    const target = (
      await s.ctx.db
        .selectFrom('access_request')
        .select('id')
        .where('provider_org_id', '=', hospital.org_id)
        .where('status', '=', 'submitted')
        .executeTakeFirstOrThrow()
    ).id;
    const huge = await jtj.post(`/console/applications/${target}/reject`, {
      _csrf: jtjCsrf,
      reason: '长'.repeat(600_000),
    });
    assert.equal(huge.status, 413);
    const long = await citizen.post(`/my/applications/${target}/withdraw`, {
      _csrf: citizenCsrf,
      reason: 'x'.repeat(2001),
    });
    assert.equal(long.status, 400);
    assert.ok(long.text.includes('id="withdraw-reason-error"'));
    assert.equal((await request(target)).status, 'submitted');
    const tooLongName = await citizen.post(
      `/my/grants/${(await s.ctx.db.selectFrom('access_grant').select('id').executeTakeFirstOrThrow()).id}/tokens`,
      {
        _csrf: citizenCsrf,
        name: 'n'.repeat(101),
      },
    );
    assert.ok(tooLongName.status === 400 || tooLongName.status === 403, String(tooLongName.status));
  });
});
