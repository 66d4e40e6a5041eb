import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_PASSWORD, loadDemo } from '../../src/demo/index.ts';
import { countAudit } from '../../src/identity/index.ts';
import { webOptions } from '../../src/web/index.ts';
import { startServer, type TestServer } from '../helpers/app.ts';
import { onEachDatabase } from '../helpers/db.ts';
import { Client, csrfOf, textOf } from './client.ts';

/**
 * Sharing between departments and the data authority's oversight as HTML without JavaScript:
 * a department requests another's conditionally shared data, is refused, negotiates, escalates; the
 * authority rules finally; overdue items show per department with their numbers as a table.
 */
onEachDatabase('sharing and oversight pages without JavaScript', (kind) => {
  let s: TestServer;
  let gjj: Client;
  let rsj: Client;
  let jtj: Client;
  let authority: Client;
  let csrf: Record<'gjj' | 'rsj' | 'jtj' | 'authority', string>;
  let social: { id: string; code: string; org_id: string };
  let requestId: string;

  const dataset = (title: string) =>
    s.ctx.db
      .selectFrom('dataset')
      .select(['id', 'code', 'org_id'])
      .where('title', '=', title)
      .executeTakeFirstOrThrow();
  const request = (id: string) =>
    s.ctx.db.selectFrom('access_request').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const signedIn = async (email: string) => {
    const c = new Client(s.url);
    return { c, csrf: await c.signIn(email, DEMO_PASSWORD) };
  };

  /** Fills the sharing request form as a person would; `accepted` ticks the commitment. */
  async function ask(c: Client, code: string, accepted = true, fields = ['pay_month', 'pay_status']) {
    const form = await c.get(`/console/sharing/new?dataset=${code}`);
    assert.equal(form.status, 200, textOf(form.text).slice(0, 500));
    return c.post(`/console/sharing/new?dataset=${code}`, {
      _csrf: csrfOf(form.text),
      commitmentVersion: /name="commitmentVersion" value="([^"]+)"/.exec(form.text)![1]!,
      purpose: '核验住房公积金贷款申请人的社保缴费记录',
      scenario: '公积金贷款审批',
      periodEnd: '2026-12-31',
      fields,
      ...(accepted && { accepted: '1' }),
    });
  }

  before(async () => {
    s = await startServer(kind, webOptions());
    await loadDemo(s.ctx);
    social = await dataset('个人社保缴费明细');
    const a = await signedIn('gjj@demo.kaifang');
    const b = await signedIn('rsj@demo.kaifang');
    const c = await signedIn('jtj@demo.kaifang');
    const d = await signedIn('authority@demo.kaifang');
    [gjj, rsj, jtj, authority] = [a.c, b.c, c.c, d.c];
    csrf = { gjj: a.csrf, rsj: b.csrf, jtj: c.csrf, authority: d.csrf };
  });
  after(() => s?.close());

  test('a department finds other departments’ conditionally shared data and asks for it; the commitment is required', async () => {
    const chooser = await gjj.get('/console/sharing/new');
    assert.equal(chooser.status, 200);
    const text = textOf(chooser.text);
    assert.ok(text.includes('个人社保缴费明细'));
    assert.ok(
      chooser.text.includes(`href="/console/sharing/new?dataset=${encodeURIComponent(social.code)}"`),
    );
    const searched = await gjj.get(`/console/sharing/new?q=${encodeURIComponent('社保')}`);
    assert.ok(textOf(searched.text).includes('个人社保缴费明细'));
    // Unconditionally shared data needs no request: the form says so instead.
    const open = await dataset('住房公积金缴存情况');
    const own = await gjj.get(`/console/sharing/new?dataset=${open.code}`);
    assert.equal(own.status, 403);
    assert.ok(textOf(own.text).includes('本部门的数据无需申请共享'));
    const hospital = await dataset('医院门急诊服务量统计');
    const free = await gjj.get(`/console/sharing/new?dataset=${hospital.code}`);
    assert.equal(free.status, 403);
    assert.ok(textOf(free.text).includes('无条件共享的数据可直接获取'));
    assert.equal((await gjj.get('/console/sharing/new?dataset=no-such-dataset')).status, 404);
    // The public cannot ask for sharing.
    const citizen = (await signedIn('citizen@demo.kaifang')).c;
    assert.equal((await citizen.get('/console/sharing/new')).status, 403);
    assert.equal((await citizen.get('/console/sharing')).status, 403);

    const refused = await ask(gjj, social.code, false);
    assert.equal(refused.status, 400);
    assert.ok(refused.text.includes('id="accepted-error"'));
    assert.ok(refused.text.includes('核验住房公积金贷款申请人的社保缴费记录'), 'what was typed is kept');
    assert.equal((await s.ctx.db.selectFrom('access_request').select('id').execute()).length, 0);

    const ok = await ask(gjj, social.code);
    assert.equal(ok.status, 303, textOf(ok.text).slice(0, 500));
    requestId = /\/console\/sharing\/([0-9a-f-]{36})\?done=submitted/.exec(ok.location!)![1]!;
    const page = textOf((await gjj.get(ok.location!)).text);
    assert.ok(page.includes('共享申请已提交'));
    assert.ok(page.includes('明州市住房公积金管理中心'));
    // Three working days from Monday 2 March 2026.
    assert.ok(page.includes('2026年3月5日'));
    const mine = await gjj.get('/console/sharing?view=mine');
    assert.ok(mine.text.includes(`href="/console/sharing/${requestId}"`));
  });

  test('the providing department answers in its inbox; a third department sees nothing and cannot decide', async () => {
    const inbox = await rsj.get('/console/sharing');
    assert.equal(inbox.status, 200);
    assert.ok(inbox.text.includes(`href="/console/sharing/${requestId}"`));
    assert.ok(textOf(inbox.text).includes('明州市住房公积金管理中心'));
    assert.ok(!(await jtj.get('/console/sharing')).text.includes(requestId));
    assert.equal((await jtj.get(`/console/sharing/${requestId}`)).status, 404);
    assert.equal(
      (await jtj.post(`/console/sharing/${requestId}/approve`, { _csrf: csrf.jtj, expiresOn: '2026-12-31' }))
        .status,
      403,
    );
    // The requesting department cannot answer its own request.
    assert.equal(
      (await gjj.post(`/console/sharing/${requestId}/approve`, { _csrf: csrf.gjj, expiresOn: '2026-12-31' }))
        .status,
      403,
    );
    const noReason = await rsj.post(`/console/sharing/${requestId}/reject`, { _csrf: csrf.rsj, reason: '' });
    assert.equal(noReason.status, 400);
    assert.ok(noReason.text.includes('id="reject-reason-error"'));
    assert.equal((await request(requestId)).status, 'submitted');
    const rejected = await rsj.post(`/console/sharing/${requestId}/reject`, {
      _csrf: csrf.rsj,
      reason: '缴费明细涉及个人信息，须提供参保人授权',
    });
    assert.equal(rejected.status, 303);
    assert.equal((await request(requestId)).status, 'rejected');
  });

  test('a refusal opens 协商 on the page: both departments write, either gives up, then escalation opens', async () => {
    const page = await gjj.get(`/console/sharing/${requestId}`);
    assert.ok(textOf(page.text).includes('缴费明细涉及个人信息，须提供参保人授权'));
    assert.ok(page.text.includes('id="negotiation"'));
    assert.ok(!page.text.includes('id="escalate-form"'), '协商 first');
    const blank = await gjj.post(`/console/sharing/${requestId}/negotiation/message`, {
      _csrf: csrf.gjj,
      body: ' ',
    });
    assert.equal(blank.status, 400);
    assert.ok(blank.text.includes('id="negotiation_message-body-error"'));
    const said = await gjj.post(`/console/sharing/${requestId}/negotiation/message`, {
      _csrf: csrf.gjj,
      body: '可提供参保人书面授权，请告知格式',
    });
    assert.equal(said.status, 303);
    const seen = await rsj.get(`/console/sharing/${requestId}`);
    assert.ok(textOf(seen.text).includes('可提供参保人书面授权，请告知格式'));
    assert.equal(
      (
        await jtj.post(`/console/sharing/${requestId}/negotiation/message`, {
          _csrf: csrf.jtj,
          body: '我也说两句',
        })
      ).status,
      403,
    );
    const gaveUp = await rsj.post(`/console/sharing/${requestId}/negotiation/give_up`, {
      _csrf: csrf.rsj,
      reason: '须逐人授权，无法批量共享',
    });
    assert.equal(gaveUp.status, 303);
    const after = await gjj.get(`/console/sharing/${requestId}`);
    assert.ok(textOf(after.text).includes('须逐人授权，无法批量共享'));
    assert.ok(!after.text.includes('id="negotiation-message-form"'), 'the thread is closed');
  });

  test('a refused request is escalated (reason required); the data authority rules finally', async () => {
    const page = await gjj.get(`/console/sharing/${requestId}`);
    assert.ok(page.text.includes('id="escalate-form"'));
    const blank = await gjj.post(`/console/sharing/${requestId}/escalate`, { _csrf: csrf.gjj, reason: ' ' });
    assert.equal(blank.status, 400);
    assert.ok(blank.text.includes('id="escalate-reason-error"'));
    const up = await gjj.post(`/console/sharing/${requestId}/escalate`, {
      _csrf: csrf.gjj,
      reason: '公积金贷款审批是法定职责，依《条例》可共享',
    });
    assert.equal(up.status, 303);
    assert.equal((await request(requestId)).status, 'escalated');
    // The providing department no longer decides it.
    assert.equal(
      (await rsj.post(`/console/sharing/${requestId}/approve`, { _csrf: csrf.rsj, expiresOn: '2026-12-31' }))
        .status,
      403,
    );

    const oversight = await authority.get('/console/oversight');
    assert.equal(oversight.status, 200);
    assert.ok(oversight.text.includes(`href="/console/sharing/${requestId}"`));
    const escalated = await authority.get('/console/sharing');
    assert.ok(escalated.text.includes(`href="/console/sharing/${requestId}"`), 'the authority’s first tab');
    const ruling = await authority.get(`/console/sharing/${requestId}`);
    assert.ok(textOf(ruling.text).includes('最终裁定：同意共享'));
    assert.ok(textOf(ruling.text).includes('公积金贷款审批是法定职责'));
    assert.ok(
      textOf(ruling.text).includes('可提供参保人书面授权，请告知格式'),
      'the authority reads the 协商 thread',
    );
    const audit = await countAudit(s.ctx.db);
    const ok = await authority.post(`/console/sharing/${requestId}/approve`, {
      _csrf: csrf.authority,
      'ds[0][id]': social.id,
      'ds[0][declared]': '1',
      'ds[0][fields]': ['pay_month', 'pay_status'],
      expiresOn: '2026-12-31',
      reason: '属于法定职责，同意共享所需数据项',
    });
    assert.equal(ok.status, 303, textOf(ok.text).slice(0, 600));
    const row = await request(requestId);
    assert.equal(row.status, 'approved');
    assert.equal(row.final, true);
    assert.ok((await countAudit(s.ctx.db)) > audit);
    const seen = textOf((await gjj.get(`/console/sharing/${requestId}`)).text);
    assert.ok(seen.includes('数据主管部门最终裁定'));
    assert.ok(
      !(await gjj.get(`/console/sharing/${requestId}`)).text.includes('id="escalate-form"'),
      'no appeal',
    );
    // The ruling binds the providing department: no suspend or revoke on its grant page.
    const grantPage = await rsj.get(
      `/console/grants/${(await s.ctx.db.selectFrom('access_grant').select('id').where('request_id', '=', requestId).executeTakeFirstOrThrow()).id}`,
    );
    assert.equal(grantPage.status, 200);
    assert.ok(textOf(grantPage.text).includes('该授权由数据主管部门裁定'));
    assert.ok(!grantPage.text.includes('id="manage-title"'));
    const held = await gjj.get('/console/grants?view=mine');
    assert.ok(textOf(held.text).includes('个人社保缴费明细'));
    assert.ok(textOf(held.text).includes('缴费月份、缴费状态'));
  });

  test('overdue items: flagged in the inbox, per department for the authority as a chart and a table', async () => {
    const taxi = await dataset('巡游出租车运营数据');
    assert.equal((await ask(gjj, taxi.code, true, ['pickup_zone'])).status, 303);
    // Ten days later every session has ended (12 hours): sign in again, as people would.
    s.clock.advance(10 * 24 * 3600 * 1000);
    const jtjNow = await signedIn('jtj@demo.kaifang');
    const inbox = await jtjNow.c.get('/console/sharing');
    const text = textOf(inbox.text);
    assert.ok(text.includes('已逾期'));
    assert.ok(text.includes('有 1 项已超过答复期限'));
    const boss = (await signedIn('authority@demo.kaifang')).c;
    const r = await boss.get('/console/oversight');
    assert.equal(r.status, 200);
    const json = /<script type="application\/json" id="chart-\d+">([^<]*)<\/script>/.exec(r.text);
    assert.ok(json, 'the chart’s data');
    const data = JSON.parse(json![1]!);
    const at = data.labels.indexOf('明州市交通运输局');
    assert.ok(at >= 0, JSON.stringify(data));
    assert.equal(data.values[at], 1);
    assert.ok(r.text.includes('echarts.min.js'), 'ECharts is loaded on this page');
    const page = textOf(r.text);
    assert.ok(page.includes('明州市交通运输局'));
    assert.ok(page.includes('已逾期 5 个工作日'), page.slice(0, 3000));
    assert.ok(r.text.includes('<caption id="overdue-caption">'), 'the numbers as a table');
    // The requesting department may now negotiate the unanswered request, then escalate.
    const gjjNow = await signedIn('gjj@demo.kaifang');
    const overdueId = (
      await s.ctx.db
        .selectFrom('access_request')
        .select('id')
        .where('provider_org_id', '=', taxi.org_id)
        .executeTakeFirstOrThrow()
    ).id;
    const overduePage = (await gjjNow.c.get(`/console/sharing/${overdueId}`)).text;
    assert.ok(overduePage.includes('id="negotiation-message-form"'));
    assert.ok(!overduePage.includes('id="escalate-form"'));
    const en = await boss.get('/console/oversight?lang=en');
    assert.ok(textOf(en.text).includes('Overdue items per department'));
    // Departments do not oversee each other.
    assert.equal((await jtjNow.c.get('/console/oversight')).status, 403);
  });
});
