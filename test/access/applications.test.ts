import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { authenticateToken, countAudit, verifyAudit } from '../../src/identity/index.ts';
import { resolveDataAccess, sendDeadlineReminders } from '../../src/access/index.ts';
import { onEachDatabase } from '../helpers/db.ts';
import { auditActions, buildWorld, count, requestBody, type World } from './world.ts';

onEachDatabase('applications for conditional data', (kind) => {
  let w: World;
  before(async () => {
    w = await buildWorld(kind);
  });
  after(() => w.s.close());

  const at = (iso: string) => w.s.clock.set(iso);
  const call = (...args: Parameters<World['s']['call']>) => w.s.call(...args);

  test('one click for datasets of two departments: a prefilled form, then one application per department, due in 5 working days', async () => {
    at('2026-03-02T09:00:00+08:00');
    const pre = await call(
      'GET',
      `/api/v1/applications/prefill?datasets=${w.condA.id},${w.condB.slug},${w.openA.code},${w.draftA.id}`,
      { token: w.citizen.token },
    );
    assert.equal(pre.status, 200, JSON.stringify(pre.body));
    assert.equal(pre.body.applicant.email, w.citizen.email);
    assert.ok(pre.body.commitment.version && pre.body.commitment.text.zh);
    assert.equal(pre.body.deadlineDays, 5);
    assert.equal(pre.body.dueDate, '2026-03-09');
    assert.deepEqual(
      pre.body.datasets.map((d: { id: string; problem: { code: string } | null }) => [
        d.id,
        d.problem?.code ?? null,
      ]),
      [
        [w.condA.id, null],
        [w.condB.id, null],
        [w.openA.id, 'no_application_needed'],
      ],
      'the draft is not even mentioned',
    );
    assert.equal(pre.body.datasets[0].fields.length, 4);

    const r = await call('POST', '/api/v1/applications', {
      token: w.citizen.token,
      body: requestBody([{ id: w.condA.id, fields: ['district', 'company', 'amount'] }, w.condB.slug], {
        applicant: { phone: '13800000000', organisation: '某大学' },
      }),
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.items.length, 2);
    const [a, b] = [...r.body.items].sort(
      (x: { provider: { id: string } }, y: { provider: { id: string } }) =>
        x.provider.id === w.orgA.id ? -1 : y.provider.id === w.orgA.id ? 1 : 0,
    );
    for (const item of [a, b]) {
      assert.equal(item.batchId, r.body.batchId);
      assert.equal(item.status, 'submitted');
      assert.equal(item.kind, 'application');
      assert.equal(item.deadline.days, 5);
      assert.equal(item.deadline.dueDate, '2026-03-09');
      assert.equal(item.deadline.dueAt, '2026-03-09T15:59:59.999Z');
      assert.equal(item.deadline.overdue, false);
      assert.equal(item.applicant.organisation, '某大学');
      assert.equal(item.applicant.email, w.citizen.email);
      assert.equal(item.requester.id, w.citizen.id);
      assert.deepEqual(item.actions.sort(), ['withdraw']);
    }
    assert.equal(a.provider.id, w.orgA.id);
    assert.deepEqual(a.datasets, [
      { id: w.condA.id, code: w.condA.code, title: w.condA.title, fields: ['district', 'company', 'amount'] },
    ]);
    assert.equal(b.provider.id, w.orgB.id);
    assert.equal(b.datasets[0].fields, null);

    const inboxA = await call('GET', '/api/v1/notifications?unread=true', { token: w.staffA.token });
    assert.equal(inboxA.body.unread, 1);
    assert.equal(inboxA.body.items[0].kind, 'request.submitted');
    assert.match(inboxA.body.items[0].title.zh, /有条件开放申请/);
    assert.equal(inboxA.body.items[0].entityId, a.id);
    assert.deepEqual(
      (await auditActions(w.s, a.id)).map((e) => e.action),
      ['application.submit'],
    );

    // The same dataset cannot be asked for twice while the first application is pending.
    const again = await call('POST', '/api/v1/applications', {
      token: w.citizen.token,
      body: requestBody([w.condA.id]),
    });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'duplicate_request');
    assert.equal(again.body.error.details.requests[0].requestId, a.id);
  });

  test('unauthorised, malformed, oversized and hostile applications are refused, naming the field, and change nothing', async () => {
    at('2026-03-02T09:00:00+08:00');
    const u = await w.user('public');
    const before = {
      requests: await count(w.s, 'access_request'),
      audit: await countAudit(w.s.ctx.db),
      notices: await count(w.s, 'notification'),
    };
    assert.equal(
      (await call('POST', '/api/v1/applications', { body: requestBody([w.condA.id]) })).status,
      401,
    );
    assert.equal((await call('GET', '/api/v1/applications/prefill?datasets=x')).status, 401);
    assert.equal(
      (
        await call('POST', '/api/v1/applications', {
          token: 'kf_forged-token-that-is-long-enough',
          body: requestBody([w.condA.id]),
        })
      ).status,
      401,
    );
    const base = requestBody([w.condA.id]);
    const cases: {
      name: string;
      body?: unknown;
      raw?: string;
      status: number;
      code: string;
      field?: string;
    }[] = [
      {
        name: 'missing purpose',
        body: { ...base, purpose: undefined },
        status: 400,
        code: 'validation_failed',
        field: 'purpose',
      },
      {
        name: 'blank purpose',
        body: { ...base, purpose: '   ' },
        status: 400,
        code: 'validation_failed',
        field: 'purpose',
      },
      {
        name: 'commitment not accepted',
        body: { ...base, commitment: { version: base.commitment.version, accepted: false } },
        status: 400,
        code: 'validation_failed',
        field: 'commitment.accepted',
      },
      {
        name: 'outdated commitment',
        body: { ...base, commitment: { version: '2019-01', accepted: true } },
        status: 400,
        code: 'validation_failed',
        field: 'commitment.version',
      },
      {
        name: 'period ended',
        body: { ...base, period: { end: '2026-01-31' } },
        status: 400,
        code: 'validation_failed',
        field: 'period.end',
      },
      {
        name: 'period reversed',
        body: { ...base, period: { start: '2026-12-01', end: '2026-11-30' } },
        status: 400,
        code: 'validation_failed',
        field: 'period.end',
      },
      {
        name: 'not a date',
        body: { ...base, period: { end: '2026-13-45' } },
        status: 400,
        code: 'validation_failed',
        field: 'period.end',
      },
      {
        name: 'unknown field',
        body: requestBody([{ id: w.condA.id, fields: ['district', 'password'] }]),
        status: 400,
        code: 'validation_failed',
        field: 'datasets[0].fields[1]',
      },
      {
        name: 'open data needs no application',
        body: requestBody([w.openA.id]),
        status: 400,
        code: 'validation_failed',
        field: 'datasets[0].id',
      },
      {
        name: 'unopened data',
        body: requestBody([w.closedA.id]),
        status: 400,
        code: 'validation_failed',
        field: 'datasets[0].id',
      },
      {
        name: 'draft dataset',
        body: requestBody([w.draftA.id]),
        status: 400,
        code: 'validation_failed',
        field: 'datasets[0].id',
      },
      {
        name: 'same dataset twice',
        body: requestBody([w.condB.id, w.condB.code]),
        status: 400,
        code: 'validation_failed',
        field: 'datasets[1].id',
      },
      {
        name: 'no datasets',
        body: requestBody([]),
        status: 400,
        code: 'validation_failed',
        field: 'datasets',
      },
      {
        name: '21 datasets',
        body: requestBody(Array.from({ length: 21 }, () => w.condB.id)),
        status: 400,
        code: 'validation_failed',
        field: 'datasets',
      },
      {
        name: 'unknown property',
        body: { ...base, isAdmin: true },
        status: 400,
        code: 'validation_failed',
        field: 'isAdmin',
      },
      {
        name: 'SQL in a reference',
        body: requestBody(["x'; DROP TABLE access_request; --"]),
        status: 400,
        code: 'validation_failed',
        field: 'datasets[0].id',
      },
      { name: 'array body', body: [base], status: 400, code: 'validation_failed', field: 'body' },
      { name: 'malformed JSON', raw: '{"datasets": [', status: 400, code: 'invalid_json' },
      {
        name: '2 MB body',
        raw: JSON.stringify({ ...base, purpose: '用'.repeat(1024 * 1024) }),
        status: 413,
        code: 'payload_too_large',
      },
      {
        name: 'purpose too long',
        body: { ...base, purpose: '用'.repeat(2001) },
        status: 400,
        code: 'validation_failed',
        field: 'purpose',
      },
    ];
    for (const c of cases) {
      const r = await call('POST', '/api/v1/applications', { token: u.token, body: c.body, raw: c.raw });
      assert.equal(r.status, c.status, `${c.name}: ${JSON.stringify(r.body).slice(0, 300)}`);
      assert.equal(r.body.error.code, c.code, c.name);
      if (c.field)
        assert.ok(
          r.body.error.details.fields.some((f: { field: string }) => f.field === c.field),
          `${c.name}: ${JSON.stringify(r.body.error.details)}`,
        );
    }
    const badQuery = await call('GET', '/api/v1/applications?status=approved%27--&pageSize=1000', {
      token: u.token,
    });
    assert.equal(badQuery.status, 400);
    assert.equal((await call('GET', '/api/v1/applications/not-a-uuid', { token: u.token })).status, 400);
    assert.equal(
      (
        await call('POST', '/api/v1/applications/00000000-0000-4000-8000-000000000000/approve', {
          token: w.staffA.token,
          body: {},
        })
      ).status,
      404,
    );
    assert.deepEqual(
      {
        requests: await count(w.s, 'access_request'),
        audit: await countAudit(w.s.ctx.db),
        notices: await count(w.s, 'notification'),
      },
      before,
      'nothing was written',
    );
  });

  test('only the providing department decides; another department, the applicant and the authority are refused (403, audited); the authority sees all', async () => {
    at('2026-03-03T09:00:00+08:00');
    const mine = await call('GET', '/api/v1/applications', { token: w.citizen.token });
    const a = mine.body.items.find((i: { provider: { id: string } }) => i.provider.id === w.orgA.id);
    assert.ok(a);
    for (const who of [w.staffB, w.citizen, w.authority]) {
      const r = await call('POST', `/api/v1/applications/${a.id}/approve`, { token: who.token, body: {} });
      assert.equal(r.status, 403, JSON.stringify(r.body));
      assert.equal(r.body.error.code, 'forbidden');
    }
    const denied = (await auditActions(w.s, a.id)).filter((e) => e.action === 'application.approve.denied');
    assert.deepEqual(denied.map((e) => e.actorId).sort(), [w.staffB.id, w.citizen.id, w.authority.id].sort());
    assert.equal(
      (await call('GET', `/api/v1/applications/${a.id}`, { token: w.staffB.token })).status,
      404,
      'another department does not see it',
    );
    assert.equal(
      (await call('GET', `/api/v1/applications/${a.id}`, { token: w.citizen2.token })).status,
      404,
    );
    const all = await call('GET', '/api/v1/applications', { token: w.authority.token });
    assert.equal(all.status, 200);
    assert.ok(all.body.total >= 2);
    assert.equal(
      (await call('GET', `/api/v1/applications/${a.id}`, { token: w.authority.token })).status,
      200,
    );
    const inboxB = await call('GET', '/api/v1/applications?box=inbox', { token: w.staffB.token });
    assert.ok(inboxB.body.items.every((i: { provider: { id: string } }) => i.provider.id === w.orgB.id));
    assert.equal(
      (await call('GET', '/api/v1/applications?box=all', { token: w.staffB.token })).body.total,
      0,
    );
    const seen = await call('GET', `/api/v1/applications/${a.id}`, { token: w.staffA.token });
    assert.deepEqual(seen.body.actions.sort(), ['approve', 'reject', 'return_for_info']);
  });

  test('returned for information pauses the deadline across 春节; resubmission resumes it; decisions need a reason and are audited with it', async () => {
    // Mon 20 Jan 2025: 5 working days end on Sun 26 Jan, the worked day before the holiday.
    at('2025-01-20T10:00:00+08:00');
    const u = await w.user('public');
    const made = await call('POST', '/api/v1/applications', {
      token: u.token,
      body: requestBody([w.condA.id], { period: { end: '2025-12-31' } }),
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const id = made.body.items[0].id;
    assert.equal(made.body.items[0].deadline.dueDate, '2025-01-26');

    at('2025-01-22T15:00:00+08:00');
    const noReason = await call('POST', `/api/v1/applications/${id}/return_for_info`, {
      token: w.staffA.token,
      body: { reason: ' ' },
    });
    assert.equal(noReason.status, 400);
    assert.equal(noReason.body.error.details.fields[0].field, 'reason');
    const returned = await call('POST', `/api/v1/applications/${id}/return_for_info`, {
      token: w.staffA.token,
      body: { reason: '请补充课题立项证明' },
    });
    assert.equal(returned.status, 200, JSON.stringify(returned.body));
    assert.equal(returned.body.status, 'returned_for_info');
    assert.equal(returned.body.infoRequest, '请补充课题立项证明');
    assert.deepEqual(
      [returned.body.deadline.paused, returned.body.deadline.remainingDays, returned.body.deadline.dueAt],
      [true, 3, null],
    );
    const note = (await call('GET', '/api/v1/notifications', { token: u.token })).body.items[0];
    assert.equal(note.kind, 'request.returned');
    assert.match(note.body.zh, /课题立项证明/);

    for (const action of ['approve', 'reject', 'return_for_info']) {
      const r = await call('POST', `/api/v1/applications/${id}/${action}`, {
        token: w.staffA.token,
        body: { reason: '不可' },
      });
      assert.equal(r.status, 409, `${action} while returned`);
      assert.equal(r.body.error.code, 'invalid_transition');
    }
    assert.equal(
      (
        await call('POST', `/api/v1/applications/${id}/resubmit`, {
          token: w.staffA.token,
          body: { response: '代答' },
        })
      ).status,
      403,
      'the department cannot answer for the applicant',
    );

    // The clock stood still over 春节 (28 Jan–4 Feb); on Wed 5 Feb 3 days remain: 6, 7 and Sat 8 Feb (worked).
    at('2025-02-05T11:00:00+08:00');
    assert.equal(
      (await call('POST', `/api/v1/applications/${id}/resubmit`, { token: u.token, body: {} })).status,
      400,
    );
    const back = await call('POST', `/api/v1/applications/${id}/resubmit`, {
      token: u.token,
      body: { response: '已上传立项证明', purpose: '课题：城市产业布局（已立项）' },
    });
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.equal(back.body.status, 'submitted');
    assert.equal(back.body.deadline.dueDate, '2025-02-08');
    assert.equal(back.body.deadline.paused, false);
    assert.equal(back.body.purpose, '课题：城市产业布局（已立项）');
    assert.equal(back.body.infoResponse, '已上传立项证明');

    const noWhy = await call('POST', `/api/v1/applications/${id}/reject`, {
      token: w.staffA.token,
      body: {},
    });
    assert.equal(noWhy.status, 400);
    assert.equal(noWhy.body.error.details.fields[0].field, 'reason');
    const rejected = await call('POST', `/api/v1/applications/${id}/reject`, {
      token: w.staffA.token,
      body: { reason: '申请用途与数据开放条件不符' },
    });
    assert.equal(rejected.status, 200);
    assert.equal(rejected.body.status, 'rejected');
    assert.equal(rejected.body.decision.reason, '申请用途与数据开放条件不符');
    assert.equal(rejected.body.decision.by, w.staffA.id);
    assert.deepEqual(rejected.body.actions, [], 'an application has no escalation');
    assert.equal(
      (
        await call('POST', `/api/v1/applications/${id}/resubmit`, {
          token: u.token,
          body: { response: '再试' },
        })
      ).body.error.code,
      'invalid_transition',
    );
    assert.equal(
      (
        await call('POST', `/api/v1/applications/${id}/escalate`, {
          token: u.token,
          body: { reason: '不服' },
        })
      ).status,
      404,
      'no such route for applications',
    );

    const trail = await auditActions(w.s, id);
    assert.deepEqual(
      trail.map((e) => e.action),
      [
        'application.submit',
        'application.return_for_info',
        'application.resubmit.denied',
        'application.resubmit',
        'application.reject',
      ],
    );
    assert.equal(trail[1].after!.reason, '请补充课题立项证明');
    assert.equal(trail[1].after!.remainingDays, 3);
    assert.equal(trail[2].actorId, w.staffA.id);
    assert.equal(trail[4].after!.reason, '申请用途与数据开放条件不符');
    assert.equal(trail[4].actorId, w.staffA.id);
  });

  test('approval with a field and row scope: exactly those fields and rows, every read logged, a grant token limited to the grant, usage reports', async () => {
    at('2026-03-04T10:00:00+08:00');
    const a = (
      await call('GET', '/api/v1/applications?box=mine', { token: w.citizen.token })
    ).body.items.find((i: { provider: { id: string } }) => i.provider.id === w.orgA.id);
    const bad: [unknown, string][] = [
      [{ datasets: [{ id: w.condA.id, fields: ['district', 'secret'] }] }, 'datasets[0].fields[1]'],
      [{ datasets: [{ id: w.condA.id, fields: [] }] }, 'datasets[0].fields'],
      [
        { datasets: [{ id: w.condA.id, rows: [{ field: 'district', op: 'eq', value: ['a', 'b'] }] }] },
        'datasets[0].rows[0].value',
      ],
      [
        { datasets: [{ id: w.condA.id, rows: [{ field: 'nope', op: 'in', value: ['a'] }] }] },
        'datasets[0].rows[0].field',
      ],
      [{ datasets: [{ id: w.condB.id }] }, 'datasets[0].id'],
      [{ expiresOn: '2026-03-01' }, 'expiresOn'],
      [{ reportEvery: 'hourly' }, 'reportEvery'],
    ];
    for (const [body, field] of bad) {
      const r = await call('POST', `/api/v1/applications/${a.id}/approve`, { token: w.staffA.token, body });
      assert.equal(r.status, 400, `${JSON.stringify(body)} → ${JSON.stringify(r.body)}`);
      assert.ok(
        r.body.error.details.fields.some((f: { field: string }) => f.field === field),
        `${field}: ${JSON.stringify(r.body.error.details)}`,
      );
    }
    assert.equal(await count(w.s, 'access_grant'), 0);

    const ok = await call('POST', `/api/v1/applications/${a.id}/approve`, {
      token: w.staffA.token,
      body: {
        datasets: [
          {
            id: w.condA.code,
            fields: ['district', 'amount'],
            rows: [{ field: 'district', op: 'in', value: ['海曙区', '鄞州区'] }],
          },
        ],
        expiresOn: '2026-06-30',
        reportEvery: 'monthly',
        reason: '用途明确，按最小必要原则授权',
      },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.status, 'approved');
    assert.ok(ok.body.grantId);
    assert.deepEqual(ok.body.actions, ['revoke'], 'what the department may still do');
    const grantId = ok.body.grantId;

    const g = await call('GET', `/api/v1/grants/${grantId}`, { token: w.citizen.token });
    assert.equal(g.status, 200);
    assert.equal(g.body.status, 'active');
    assert.equal(g.body.kind, 'open');
    assert.equal(g.body.expiresAt, '2026-06-30T15:59:59.999Z');
    assert.equal(g.body.nextReportDue, '2026-04-04');
    assert.deepEqual(g.body.datasets[0].fields, ['district', 'amount']);
    assert.equal((await call('GET', `/api/v1/grants/${grantId}`, { token: w.citizen2.token })).status, 404);
    assert.equal((await call('GET', `/api/v1/grants/${grantId}`, { token: w.staffA.token })).status, 200);

    const citizen = await w.actor(w.citizen);
    const condA = await w.dataset(w.condA.id);
    const access = await resolveDataAccess(w.s.ctx, citizen, condA, {
      action: 'rows',
      detail: { limit: 100 },
    });
    assert.deepEqual(access, {
      kind: 'grant',
      grantId,
      fields: ['district', 'amount'],
      rows: [{ field: 'district', op: 'in', value: ['海曙区', '鄞州区'] }],
      expiresAt: '2026-06-30T15:59:59.999Z',
    });
    assert.deepEqual(await resolveDataAccess(w.s.ctx, await w.actor(w.citizen2), condA), {
      kind: 'denied',
      reason: 'conditional',
    });
    assert.deepEqual(await resolveDataAccess(w.s.ctx, null, condA), {
      kind: 'denied',
      reason: 'conditional',
    });
    assert.deepEqual(
      await resolveDataAccess(w.s.ctx, citizen, await w.dataset(w.condB.id)),
      { kind: 'denied', reason: 'conditional' },
      'the other department has not answered',
    );
    assert.deepEqual(
      await resolveDataAccess(w.s.ctx, await w.actor(w.staffB), condA),
      { kind: 'denied', reason: 'conditional' },
      'conditional share needs a request',
    );

    // A token that reads only this grant, and cannot act for its holder.
    assert.equal(
      (await call('POST', `/api/v1/grants/${grantId}/tokens`, { token: w.staffA.token, body: { name: 'x' } }))
        .status,
      403,
    );
    assert.equal(
      (await call('POST', `/api/v1/grants/${grantId}/tokens`, { token: w.citizen.token, body: { name: '' } }))
        .status,
      400,
    );
    const t = await call('POST', `/api/v1/grants/${grantId}/tokens`, {
      token: w.citizen.token,
      body: { name: '分析脚本' },
    });
    assert.equal(t.status, 201, JSON.stringify(t.body));
    assert.equal(t.body.expiresAt, '2026-06-30T15:59:59.999Z');
    const scoped = await authenticateToken(w.s.ctx, t.body.token);
    assert.deepEqual(scoped, {
      userId: w.citizen.id,
      email: w.citizen.email,
      role: 'public',
      orgId: null,
      grantId,
    });
    assert.equal((await resolveDataAccess(w.s.ctx, scoped, condA, { action: 'download' })).kind, 'grant');
    const asToken = await call('POST', '/api/v1/applications', {
      token: t.body.token,
      body: requestBody([w.condB.id]),
    });
    assert.equal(asToken.status, 403, 'a grant token cannot apply');
    assert.equal(
      (await call('POST', `/api/v1/grants/${grantId}/tokens`, { token: t.body.token, body: { name: 'y' } }))
        .status,
      403,
    );

    const uses = await call('GET', `/api/v1/grants/${grantId}/uses`, { token: w.staffA.token });
    assert.equal(uses.status, 200);
    assert.deepEqual(
      uses.body.items.map((u: { action: string }) => u.action),
      ['download', 'rows'],
    );
    assert.ok(
      uses.body.items.every(
        (u: { userId: string; datasetId: string }) => u.userId === w.citizen.id && u.datasetId === w.condA.id,
      ),
    );
    assert.deepEqual(uses.body.items[1].detail, { limit: 100 });
    assert.equal(
      (await call('GET', `/api/v1/grants/${grantId}/uses`, { token: w.staffB.token })).status,
      404,
    );

    // Usage reports (利用情况、成果): not for a period still running; the next one falls due a month on.
    const report = {
      periodStart: '2026-03-04',
      periodEnd: '2026-04-03',
      usage: '用于产业布局模型',
      results: '形成研究报告一份',
    };
    const early = await call('POST', `/api/v1/grants/${grantId}/reports`, {
      token: w.citizen.token,
      body: report,
    });
    assert.equal(early.status, 400);
    assert.equal(early.body.error.details.fields[0].field, 'periodEnd');
    at('2026-04-03T18:00:00+08:00');
    assert.equal(
      (await call('POST', `/api/v1/grants/${grantId}/reports`, { token: w.staffA.token, body: report }))
        .status,
      403,
    );
    assert.equal(
      (
        await call('POST', `/api/v1/grants/${grantId}/reports`, {
          token: w.citizen.token,
          body: { ...report, usage: ' ' },
        })
      ).status,
      400,
    );
    const filed = await call('POST', `/api/v1/grants/${grantId}/reports`, {
      token: w.citizen.token,
      body: report,
    });
    assert.equal(filed.status, 201, JSON.stringify(filed.body));
    assert.equal(
      (await call('GET', `/api/v1/grants/${grantId}`, { token: w.citizen.token })).body.nextReportDue,
      '2026-05-03',
    );
    const reports = await call('GET', `/api/v1/grants/${grantId}/reports`, { token: w.staffA.token });
    assert.equal(reports.body.total, 1);
    assert.equal(reports.body.items[0].results, '形成研究报告一份');
    const listed = await call('GET', '/api/v1/grants?box=issued', { token: w.staffA.token });
    assert.deepEqual(
      listed.body.items.map((x: { id: string }) => x.id),
      [grantId],
    );
    assert.equal((await call('GET', '/api/v1/grants', { token: w.citizen.token })).body.total, 1);
    assert.equal((await call('GET', '/api/v1/grants?box=issued', { token: w.staffB.token })).body.total, 0);
  });

  test('suspension and revocation cut access at once, kill grant tokens, and revocations go on the public notice with the name masked', async () => {
    at('2026-04-06T10:00:00+08:00');
    const grant = (await call('GET', '/api/v1/grants', { token: w.citizen.token })).body.items[0];
    const condA = await w.dataset(w.condA.id);
    const citizen = await w.actor(w.citizen);
    const t = (
      await call('POST', `/api/v1/grants/${grant.id}/tokens`, {
        token: w.citizen.token,
        body: { name: 'job' },
      })
    ).body.token;

    for (const who of [w.staffB, w.citizen]) {
      const r = await call('POST', `/api/v1/grants/${grant.id}/suspend`, {
        token: who.token,
        body: { reason: '核查' },
      });
      assert.equal(r.status, 403);
    }
    assert.deepEqual(
      (await auditActions(w.s, grant.id))
        .filter((e) => e.action === 'grant.suspend.denied')
        .map((e) => e.actorId)
        .sort(),
      [w.staffB.id, w.citizen.id].sort(),
    );
    assert.equal(
      (await call('POST', `/api/v1/grants/${grant.id}/suspend`, { token: w.staffA.token, body: {} })).status,
      400,
    );
    const suspended = await call('POST', `/api/v1/grants/${grant.id}/suspend`, {
      token: w.staffA.token,
      body: { reason: '核查数据使用情况' },
    });
    assert.equal(suspended.status, 200, JSON.stringify(suspended.body));
    assert.equal(suspended.body.status, 'suspended');
    assert.deepEqual(await resolveDataAccess(w.s.ctx, citizen, condA), {
      kind: 'denied',
      reason: 'conditional',
    });
    assert.equal(
      (await call('GET', '/api/v1/me', { token: t })).status,
      401,
      'the grant token is dead while suspended',
    );
    assert.equal(
      (await call('GET', '/api/v1/notifications', { token: w.citizen.token })).body.items[0].kind,
      'grant.suspended',
    );

    assert.equal(
      (
        await call('POST', `/api/v1/grants/${grant.id}/reinstate`, {
          token: w.staffA.token,
          body: { reason: '核查无异常' },
        })
      ).body.status,
      'active',
    );
    assert.equal((await resolveDataAccess(w.s.ctx, citizen, condA)).kind, 'grant');
    assert.equal((await call('GET', `/api/v1/grants/${grant.id}`, { token: t })).status, 200);
    assert.equal(
      (await call('GET', '/api/v1/me', { token: t })).status,
      403,
      'alive, but limited to its grant',
    );

    const reason = '违反安全承诺，向第三方提供数据';
    const revoked = await call('POST', `/api/v1/applications/${grant.requestId}/revoke`, {
      token: w.staffA.token,
      body: { reason },
    });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    assert.equal(revoked.body.status, 'revoked');
    assert.equal(
      (await call('GET', `/api/v1/grants/${grant.id}`, { token: w.citizen.token })).body.status,
      'revoked',
    );
    assert.deepEqual(await resolveDataAccess(w.s.ctx, citizen, condA), {
      kind: 'denied',
      reason: 'conditional',
    });
    assert.equal((await call('GET', '/api/v1/me', { token: t })).status, 401);
    for (const action of ['revoke', 'reinstate', 'suspend']) {
      const r = await call('POST', `/api/v1/grants/${grant.id}/${action}`, {
        token: w.staffA.token,
        body: { reason: 'x' },
      });
      assert.equal(r.status, 409, action);
      assert.equal(r.body.error.code, 'invalid_transition');
    }
    assert.equal(
      (
        await call('POST', `/api/v1/applications/${grant.requestId}/revoke`, {
          token: w.staffA.token,
          body: { reason },
        })
      ).status,
      409,
    );

    const notice = await call('GET', '/api/v1/notices/revocations');
    assert.equal(notice.status, 200);
    assert.equal(notice.body.total, 1);
    const item = notice.body.items[0];
    assert.deepEqual(
      { grantee: item.grantee, provider: item.provider, reason: item.reason, datasets: item.datasets },
      {
        grantee: 'p****',
        provider: w.orgA.name,
        reason,
        datasets: [{ id: w.condA.id, title: w.condA.title }],
      },
    );
    const text = JSON.stringify(notice.body);
    const name = w.citizen.email.split('@')[0];
    assert.ok(
      !text.includes(w.citizen.email) && !text.includes(name) && !text.includes(w.citizen.id),
      'no personal data in the public notice',
    );
    assert.equal((await call('GET', '/api/v1/notices/revocations?pageSize=101')).status, 400);
    const trail = (await auditActions(w.s, grant.id)).map((e) => e.action);
    assert.deepEqual(
      trail.filter((a) => !a.endsWith('.denied')),
      ['grant.report', 'grant.suspend', 'grant.reinstate', 'grant.revoke', 'token.revoke_all'],
      'the grant’s tokens are revoked with it',
    );
  });

  test('a grant ends with its last day; the periodic job records the expiry', async () => {
    at('2026-03-02T09:00:00+08:00');
    const u = await w.user('public');
    const made = await call('POST', '/api/v1/applications', {
      token: u.token,
      body: requestBody([w.condA.id], { period: { end: '2026-03-31' } }),
    });
    const id = made.body.items[0].id;
    const ok = await call('POST', `/api/v1/applications/${id}/approve`, { token: w.staffA.token });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const actor = await w.actor(u);
    const condA = await w.dataset(w.condA.id);
    const access = await resolveDataAccess(w.s.ctx, actor, condA);
    assert.deepEqual(access, {
      kind: 'grant',
      grantId: ok.body.grantId,
      fields: null,
      rows: null,
      expiresAt: '2026-03-31T15:59:59.999Z',
    });

    at('2026-03-31T23:59:59+08:00');
    assert.equal((await resolveDataAccess(w.s.ctx, actor, condA)).kind, 'grant');
    at('2026-04-01T00:00:00+08:00');
    assert.deepEqual(await resolveDataAccess(w.s.ctx, actor, condA), {
      kind: 'denied',
      reason: 'conditional',
    });
    assert.equal(
      (await call('GET', `/api/v1/grants/${ok.body.grantId}`, { token: u.token })).body.status,
      'expired',
      'expired before the sweep runs',
    );
    const run = await sendDeadlineReminders(w.s.ctx);
    assert.ok(run.expired >= 1);
    assert.equal(
      (await call('GET', `/api/v1/applications/${id}`, { token: u.token })).body.status,
      'expired',
    );
    assert.equal(
      (await call('GET', '/api/v1/notifications', { token: u.token })).body.items[0].kind,
      'grant.expired',
    );
    assert.ok(
      (await auditActions(w.s, ok.body.grantId)).some(
        (e) => e.action === 'grant.expire' && e.actorId === null,
      ),
    );
    assert.equal((await sendDeadlineReminders(w.s.ctx)).expired, 0, 'recorded once');
  });

  test('the applicant may withdraw an undecided application, the department may not', async () => {
    at('2026-03-02T09:00:00+08:00');
    const u = await w.user('public');
    const id = (
      await call('POST', '/api/v1/applications', { token: u.token, body: requestBody([w.condB.id]) })
    ).body.items[0].id;
    assert.equal(
      (await call('POST', `/api/v1/applications/${id}/withdraw`, { token: w.staffB.token })).status,
      403,
    );
    assert.equal(
      (
        await call('POST', `/api/v1/applications/${id}/withdraw`, {
          token: u.token,
          body: { reason: 'x'.repeat(2001) },
        })
      ).status,
      400,
    );
    const r = await call('POST', `/api/v1/applications/${id}/withdraw`, { token: u.token });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.status, 'withdrawn');
    assert.equal(
      (await call('POST', `/api/v1/applications/${id}/approve`, { token: w.staffB.token })).body.error.code,
      'invalid_transition',
    );
    // Withdrawn, it no longer blocks a new application for the same dataset.
    assert.equal(
      (await call('POST', '/api/v1/applications', { token: u.token, body: requestBody([w.condB.id]) }))
        .status,
      201,
    );
  });

  test('notifications: only one’s own, marked read one by one or all at once; the audit chain holds', async () => {
    const list = await call('GET', '/api/v1/notifications', { token: w.staffA.token });
    assert.ok(list.body.unread > 0);
    const first = list.body.items[0];
    assert.equal(
      (await call('POST', `/api/v1/notifications/${first.id}/read`, { token: w.citizen.token })).status,
      404,
    );
    assert.equal((await call('POST', `/api/v1/notifications/${first.id}/read`)).status, 401);
    assert.deepEqual(
      (await call('POST', `/api/v1/notifications/${first.id}/read`, { token: w.staffA.token })).body,
      { changed: 1 },
    );
    assert.equal(
      (await call('GET', '/api/v1/notifications', { token: w.staffA.token })).body.unread,
      list.body.unread - 1,
    );
    await call('POST', '/api/v1/notifications/read-all', { token: w.staffA.token });
    assert.equal(
      (await call('GET', '/api/v1/notifications?unread=true', { token: w.staffA.token })).body.total,
      0,
    );
    assert.equal((await verifyAudit(w.s.ctx.db)).ok, true);
  });
});
