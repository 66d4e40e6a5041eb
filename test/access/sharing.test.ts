import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { countAudit } from '../../src/identity/index.ts';
import { resolveDataAccess } from '../../src/access/index.ts';
import { onEachDatabase } from '../helpers/db.ts';
import { auditActions, buildWorld, count, requestBody, type World } from './world.ts';
import { escalateAfterNegotiation } from './disputes.ts';

onEachDatabase('sharing between departments', (kind) => {
  let w: World;
  before(async () => {
    w = await buildWorld(kind);
  });
  after(() => w.s.close());

  const at = (iso: string) => w.s.clock.set(iso);
  const call = (...args: Parameters<World['s']['call']>) => w.s.call(...args);
  const shareLog = async () =>
    w.s.ctx.db
      .selectFrom('data_access_log')
      .select(['user_id', 'dataset_id', 'basis', 'action', 'grant_id'])
      .where('basis', '=', 'share')
      .orderBy('id')
      .execute();

  test('unconditionally shared data is read at once by any other department’s staff, each read logged; never by the public', async () => {
    const sharedA = await w.dataset(w.sharedA.id);
    assert.deepEqual(
      await resolveDataAccess(w.s.ctx, await w.actor(w.staffB), sharedA, {
        action: 'download',
        detail: { format: 'csv' },
      }),
      { kind: 'full', reason: 'share' },
    );
    assert.deepEqual(await shareLog(), [
      { user_id: w.staffB.id, dataset_id: w.sharedA.id, basis: 'share', action: 'download', grant_id: null },
    ]);
    // Passing a dataset without its share tier still works: the tier is looked up.
    const { shareTier: _s, ...withoutTier } = sharedA;
    assert.equal((await resolveDataAccess(w.s.ctx, await w.actor(w.staffB2), withoutTier)).kind, 'full');
    for (const who of [w.citizen, w.authority])
      assert.deepEqual(await resolveDataAccess(w.s.ctx, await w.actor(who), sharedA), {
        kind: 'denied',
        reason: 'conditional',
      });
    assert.deepEqual(await resolveDataAccess(w.s.ctx, null, sharedA), {
      kind: 'denied',
      reason: 'conditional',
    });
    assert.deepEqual(
      await resolveDataAccess(w.s.ctx, await w.actor(w.staffA), sharedA),
      { kind: 'full', reason: 'owner' },
      'the owner is not logged as a share',
    );
    assert.deepEqual(
      await resolveDataAccess(w.s.ctx, await w.actor(w.staffB), await w.dataset(w.closedA.id)),
      { kind: 'denied', reason: 'not_open' },
    );
    assert.deepEqual(await resolveDataAccess(w.s.ctx, await w.actor(w.staffB), await w.dataset(w.condA.id)), {
      kind: 'denied',
      reason: 'conditional',
    });
    assert.equal((await shareLog()).length, 2);
    assert.equal((await resolveDataAccess(w.s.ctx, await w.actor(w.staffB), sharedA, null)).kind, 'full');
    assert.equal((await shareLog()).length, 2, 'a display-only check (use = null) is not a read');

    const needless = await call('POST', '/api/v1/sharing-requests', {
      token: w.staffB.token,
      body: requestBody([w.sharedA.id]),
    });
    assert.equal(needless.status, 400);
    assert.equal(needless.body.error.details.fields[0].code, 'no_request_needed');
  });

  test('only department staff request sharing, not for their own or unshared data; bad input changes nothing', async () => {
    at('2026-03-02T09:00:00+08:00');
    const before = { requests: await count(w.s, 'access_request'), audit: await countAudit(w.s.ctx.db) };
    assert.equal(
      (await call('POST', '/api/v1/sharing-requests', { body: requestBody([w.condA.id]) })).status,
      401,
    );
    for (const who of [w.citizen, w.authority])
      assert.equal(
        (
          await call('POST', '/api/v1/sharing-requests', {
            token: who.token,
            body: requestBody([w.condA.id]),
          })
        ).status,
        403,
      );
    const cases: [{ token: string }, unknown, string, string][] = [
      [w.staffA, requestBody([w.condA.id]), 'datasets[0].id', 'own_department'],
      [w.staffB, requestBody([w.closedA.id]), 'datasets[0].id', 'not_shared'],
      [w.staffB, requestBody([w.draftA.id]), 'datasets[0].id', 'not_found'],
      [
        w.staffA,
        requestBody([{ id: w.condB.id, fields: ['<script>alert(1)</script>'] }]),
        'datasets[0].fields[0]',
        'unknown_field',
      ],
      [w.staffA, { ...requestBody([w.condB.id]), scenario: '' }, 'scenario', 'invalid'],
    ];
    for (const [who, body, field, code] of cases) {
      const r = await call('POST', '/api/v1/sharing-requests', { token: who.token, body });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      const f = r.body.error.details.fields.find((x: { field: string }) => x.field === field);
      assert.ok(f, `${field}: ${JSON.stringify(r.body.error.details)}`);
      assert.equal(f.code, code);
    }
    assert.deepEqual(
      { requests: await count(w.s, 'access_request'), audit: await countAudit(w.s.ctx.db) },
      before,
    );
  });

  test('a refused request goes to the data authority, whose decision is final and recorded; the grant serves the whole department', async () => {
    // Tue 30 Sep 2025: three working days are 9 Oct, 10 Oct and Sat 11 Oct (worked after 国庆).
    at('2025-09-30T10:00:00+08:00');
    const made = await call('POST', '/api/v1/sharing-requests', {
      token: w.staffB.token,
      body: requestBody([{ id: w.condA.id, fields: ['district', 'company'] }], {
        period: { end: '2026-12-31' },
      }),
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const r = made.body.items[0];
    assert.equal(r.kind, 'sharing');
    assert.equal(r.deadline.days, 3);
    assert.equal(r.deadline.dueDate, '2025-10-11');
    assert.equal(r.requester.orgId, w.orgB.id);
    assert.equal(r.applicant.organisation, w.orgB.name);
    assert.equal(
      (await call('GET', `/api/v1/sharing-requests/${r.id}`, { token: w.staffB2.token })).status,
      200,
      'colleagues of the requester see it',
    );
    assert.equal(
      (await call('GET', `/api/v1/sharing-requests/${r.id}`, { token: w.citizen.token })).status,
      404,
    );
    assert.equal(
      (await call('GET', `/api/v1/applications/${r.id}`, { token: w.staffB.token })).status,
      404,
      'a sharing request is not an application',
    );

    at('2025-10-09T10:00:00+08:00');
    const early = await call('POST', `/api/v1/sharing-requests/${r.id}/escalate`, {
      token: w.staffB.token,
      body: { reason: '急需' },
    });
    assert.equal(early.status, 409, 'not before a refusal or the deadline');
    assert.equal(early.body.error.code, 'invalid_transition');
    const refused = await call('POST', `/api/v1/sharing-requests/${r.id}/reject`, {
      token: w.staffA.token,
      body: { reason: '该数据涉及企业商业信息，暂不共享' },
    });
    assert.equal(refused.body.status, 'rejected');
    assert.deepEqual(refused.body.actions, ['approve'], 'the provider may reconsider while 协商 runs');
    // The refusal opens 协商 for five working days: 10, Sat 11 (worked), 13, 14, 15 Oct.
    assert.deepEqual(
      { stage: refused.body.negotiation.stage, dueDate: refused.body.negotiation.dueDate },
      { stage: 'open', dueDate: '2025-10-15' },
    );
    assert.deepEqual(
      (await call('GET', `/api/v1/sharing-requests/${r.id}`, { token: w.staffB.token })).body.actions,
      [],
      'no escalation while the departments negotiate',
    );
    const tooSoon = await call('POST', `/api/v1/sharing-requests/${r.id}/escalate`, {
      token: w.staffB.token,
      body: { reason: '急需' },
    });
    assert.equal(tooSoon.status, 409, '协商 first');
    assert.equal(tooSoon.body.error.code, 'invalid_transition');

    at('2025-10-10T09:00:00+08:00');
    const gaveUp = await call('POST', `/api/v1/sharing-requests/${r.id}/negotiation/give_up`, {
      token: w.staffB.token,
      body: { reason: '双方意见不一致' },
    });
    assert.equal(gaveUp.status, 200, JSON.stringify(gaveUp.body));
    assert.deepEqual(
      (await call('GET', `/api/v1/sharing-requests/${r.id}`, { token: w.staffB.token })).body.actions,
      ['escalate'],
    );
    assert.equal(
      (await call('POST', `/api/v1/sharing-requests/${r.id}/escalate`, { token: w.staffB.token, body: {} }))
        .status,
      400,
    );
    assert.equal(
      (
        await call('POST', `/api/v1/sharing-requests/${r.id}/escalate`, {
          token: w.staffA.token,
          body: { reason: 'x' },
        })
      ).status,
      403,
      'the provider cannot escalate',
    );
    const up = await call('POST', `/api/v1/sharing-requests/${r.id}/escalate`, {
      token: w.staffB2.token,
      body: { reason: '履行市场监管职责需要，依据《条例》第十条' },
    });
    assert.equal(up.status, 200, JSON.stringify(up.body));
    assert.equal(up.body.status, 'escalated');
    assert.equal(up.body.escalation.reason, '履行市场监管职责需要，依据《条例》第十条');
    // The authority gets three working days of its own: Sat 11 Oct (worked), 13, 14 Oct.
    assert.equal(up.body.deadline.dueDate, '2025-10-14');
    assert.equal(up.body.decision, null);
    const authorityInbox = await call('GET', '/api/v1/notifications', { token: w.authority.token });
    assert.equal(authorityInbox.body.items[0].kind, 'request.escalated');

    for (const who of [w.staffA, w.staffB])
      assert.equal(
        (await call('POST', `/api/v1/sharing-requests/${r.id}/approve`, { token: who.token, body: {} }))
          .status,
        403,
      );
    const ruled = await call('POST', `/api/v1/sharing-requests/${r.id}/approve`, {
      token: w.authority.token,
      body: {
        datasets: [{ id: w.condA.id, fields: ['district'] }],
        reason: '属履职需要，按最小必要原则共享区县字段',
      },
    });
    assert.equal(ruled.status, 200, JSON.stringify(ruled.body));
    assert.equal(ruled.body.status, 'approved');
    assert.equal(ruled.body.final, true);
    assert.equal(ruled.body.decision.by, w.authority.id);
    assert.deepEqual(ruled.body.actions, ['revoke']);

    const condA = await w.dataset(w.condA.id);
    for (const colleague of [w.staffB, w.staffB2]) {
      const access = await resolveDataAccess(w.s.ctx, await w.actor(colleague), condA);
      assert.equal(access.kind, 'grant');
      assert.deepEqual(access.kind === 'grant' && access.fields, ['district']);
    }
    assert.equal((await resolveDataAccess(w.s.ctx, await w.actor(w.citizen), condA)).kind, 'denied');
    const grant = await call('GET', `/api/v1/grants/${ruled.body.grantId}`, { token: w.staffB2.token });
    assert.equal(grant.body.kind, 'share');
    assert.deepEqual(grant.body.grantee, { userId: null, orgId: w.orgB.id, name: w.orgB.name });

    const trail = await auditActions(w.s, r.id);
    assert.deepEqual(
      trail.map((e) => e.action),
      [
        'sharing.submit',
        'sharing.reject',
        'sharing.negotiation.open',
        'sharing.negotiation.give_up',
        'sharing.escalate.denied',
        'sharing.escalate',
        'sharing.approve.denied',
        'sharing.approve.denied',
        'sharing.approve',
      ],
    );
    const ruling = trail.at(-1)!;
    assert.equal(ruling.actorId, w.authority.id);
    assert.equal(ruling.after!.final, true);
    assert.equal(ruling.after!.reason, '属履职需要，按最小必要原则共享区县字段');
    assert.equal(
      trail.find((e) => e.action === 'sharing.escalate')!.after!.departmentDecision,
      '该数据涉及企业商业信息，暂不共享',
    );

    // A sharing revocation is not a public matter: the notice lists public users only.
    const revoked = await call('POST', `/api/v1/grants/${ruled.body.grantId}/revoke`, {
      token: w.authority.token,
      body: { reason: '职责调整' },
    });
    assert.equal(revoked.body.status, 'revoked');
    assert.equal((await resolveDataAccess(w.s.ctx, await w.actor(w.staffB), condA)).kind, 'denied');
    assert.equal((await call('GET', '/api/v1/notices/revocations')).body.total, 0);
  });

  test('a refusal by the authority is final: no second escalation', async () => {
    at('2026-03-02T09:00:00+08:00');
    const staffC = await w.user('department', w.orgB.id);
    const r = (
      await call('POST', '/api/v1/sharing-requests', { token: staffC.token, body: requestBody([w.condA.id]) })
    ).body.items[0];
    await call('POST', `/api/v1/sharing-requests/${r.id}/reject`, {
      token: w.staffA.token,
      body: { reason: '不予共享' },
    });
    await escalateAfterNegotiation(w, r.id);
    const final = await call('POST', `/api/v1/sharing-requests/${r.id}/reject`, {
      token: w.authority.token,
      body: { reason: '经协调，维持不予共享' },
    });
    assert.equal(final.status, 200);
    assert.deepEqual([final.body.status, final.body.final], ['rejected', true]);
    assert.deepEqual(
      (await call('GET', `/api/v1/sharing-requests/${r.id}`, { token: staffC.token })).body.actions,
      [],
    );
    const again = await call('POST', `/api/v1/sharing-requests/${r.id}/escalate`, {
      token: staffC.token,
      body: { reason: '再次申请' },
    });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'invalid_transition');
    const notice = (await call('GET', '/api/v1/notifications', { token: w.staffA.token })).body.items[0];
    assert.equal(notice.kind, 'request.rejected');
    assert.match(notice.title.zh, /数据主管部门裁定/);
  });

  test('past its deadline a request is overdue: reminders before, one notice after, the authority’s list per department, and escalation opens', async () => {
    // Mon 2 Mar 2026: due Thu 5 Mar.
    at('2026-03-02T09:00:00+08:00');
    const { sendDeadlineReminders } = await import('../../src/access/index.ts');
    await sendDeadlineReminders(w.s.ctx); // clears anything earlier tests left due
    const staffD = await w.user('department', w.orgB.id);
    const r = (
      await call('POST', '/api/v1/sharing-requests', { token: staffD.token, body: requestBody([w.condA.id]) })
    ).body.items[0];
    assert.equal(r.deadline.dueDate, '2026-03-05');
    const remindersFor = async () =>
      (await call('GET', '/api/v1/notifications', { token: w.staffA.token })).body.items.filter(
        (n: { entityId: string; kind: string }) => n.entityId === r.id && n.kind === 'request.reminder',
      );

    at('2026-03-03T09:00:00+08:00');
    assert.equal((await sendDeadlineReminders(w.s.ctx)).reminders, 0, 'two working days left: not yet');
    at('2026-03-04T09:00:00+08:00');
    const run = await sendDeadlineReminders(w.s.ctx);
    assert.equal(run.reminders, 1);
    assert.ok(run.notices >= 1);
    const [reminder] = await remindersFor();
    assert.match(reminder.title.zh, /2026-03-05/);
    assert.equal((await sendDeadlineReminders(w.s.ctx)).reminders, 0, 'once per deadline');
    assert.equal((await remindersFor()).length, 1);

    // Still Thursday evening: not overdue; Friday morning: overdue.
    at('2026-03-05T23:00:00+08:00');
    assert.equal(
      (await call('GET', `/api/v1/sharing-requests/${r.id}`, { token: staffD.token })).body.deadline.overdue,
      false,
    );
    at('2026-03-06T09:00:00+08:00');
    const seen = await call('GET', `/api/v1/sharing-requests/${r.id}`, { token: staffD.token });
    assert.equal(seen.body.deadline.overdue, true);
    assert.deepEqual(seen.body.actions, ['withdraw'], 'escalation waits for 协商');
    const late = await sendDeadlineReminders(w.s.ctx);
    assert.equal(late.overdue, 1);
    assert.equal((await sendDeadlineReminders(w.s.ctx)).overdue, 0);
    const told = (await call('GET', '/api/v1/notifications', { token: staffD.token })).body.items[0];
    assert.equal(told.kind, 'request.overdue');

    const overdue = await call('GET', '/api/v1/oversight/overdue', { token: w.authority.token });
    assert.equal(overdue.status, 200, JSON.stringify(overdue.body));
    const dept = overdue.body.departments.find((d: { org: { id: string } }) => d.org.id === w.orgA.id);
    assert.ok(dept, JSON.stringify(overdue.body));
    const item = dept.items.find((i: { id: string }) => i.id === r.id);
    assert.deepEqual(item, {
      type: 'sharing',
      id: r.id,
      stage: 'department',
      dueDate: '2026-03-05',
      provisional: false,
      overdueWorkingDays: 1,
      datasets: [w.condA.title],
    });
    assert.ok(dept.sharingRequests >= 1);
    assert.ok(
      !overdue.body.departments.some((d: { org: { id: string } }) => d.org.id === w.orgB.id),
      'B has nothing overdue',
    );
    const own = await call('GET', '/api/v1/oversight/overdue', { token: w.staffA.token });
    assert.deepEqual(
      own.body.departments.map((d: { org: { id: string } }) => d.org.id),
      [w.orgA.id],
    );
    assert.equal(
      (await call('GET', `/api/v1/oversight/overdue?org=${w.orgA.id}`, { token: w.staffB.token })).status,
      403,
    );
    assert.equal((await call('GET', '/api/v1/oversight/overdue', { token: w.citizen.token })).status, 403);
    assert.equal((await call('GET', '/api/v1/oversight/overdue')).status, 401);
    assert.equal(
      (await call('GET', '/api/v1/oversight/overdue?org=x', { token: w.authority.token })).status,
      400,
    );
    const filtered = await call('GET', `/api/v1/sharing-requests?overdue=true&box=inbox`, {
      token: w.staffA.token,
    });
    assert.ok(filtered.body.items.some((i: { id: string }) => i.id === r.id));

    // The first word in the thread opens 协商 on an overdue request; giving up ends it.
    const opened = await call('POST', `/api/v1/sharing-requests/${r.id}/negotiation/messages`, {
      token: staffD.token,
      body: { body: '请尽快答复' },
    });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    assert.equal(opened.body.stage, 'open');
    await call('POST', `/api/v1/sharing-requests/${r.id}/negotiation/give_up`, {
      token: w.staffA.token,
      body: { reason: '本部门无法按期提供' },
    });
    const up = await call('POST', `/api/v1/sharing-requests/${r.id}/escalate`, {
      token: staffD.token,
      body: { reason: '超期未答复' },
    });
    assert.equal(up.status, 200);
    assert.equal(up.body.status, 'escalated');
    const after = await call('GET', '/api/v1/oversight/overdue', { token: w.authority.token });
    assert.ok(
      !JSON.stringify(after.body).includes(r.id),
      'escalated with a fresh deadline for the authority',
    );
  });
});
