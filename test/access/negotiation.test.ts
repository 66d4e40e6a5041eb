import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { countAudit } from '../../src/identity/index.ts';
import { onEachDatabase } from '../helpers/db.ts';
import { auditActions, buildWorld, count, requestBody, type World } from './world.ts';

onEachDatabase('协商 between the departments before escalation', (kind) => {
  let w: World;
  before(async () => {
    w = await buildWorld(kind);
  });
  after(() => w.s.close());

  const at = (iso: string) => w.s.clock.set(iso);
  const call = (...args: Parameters<World['s']['call']>) => w.s.call(...args);
  const thread = (id: string) => `/api/v1/sharing-requests/${id}/negotiation`;
  const notices = async (u: { token: string }, id: string) =>
    (
      (await call('GET', '/api/v1/notifications?pageSize=100', { token: u.token })).body.items as {
        kind: string;
        entityId: string;
        title: { zh: string };
      }[]
    ).filter((n) => n.entityId === id);
  const refused = async () => {
    const r = (
      await call('POST', '/api/v1/sharing-requests', {
        token: w.staffB.token,
        body: requestBody([w.condA.id]),
      })
    ).body.items[0];
    const no = await call('POST', `/api/v1/sharing-requests/${r.id}/reject`, {
      token: w.staffA.token,
      body: { reason: '涉及企业商业信息' },
    });
    assert.equal(no.status, 200, JSON.stringify(no.body));
    return no.body;
  };

  test('a refusal opens the thread; the departments write, each told; the authority reads it when ruling; giving up opens escalation', async () => {
    // Mon 2 Mar 2026: five working days of 协商 end on Mon 9 Mar.
    at('2026-03-02T09:00:00+08:00');
    const r = await refused();
    assert.deepEqual([r.negotiation.stage, r.negotiation.dueDate], ['open', '2026-03-09']);
    for (const who of [w.staffA, w.staffB2])
      assert.ok(
        (await notices(who, r.id)).some(
          (n) => n.kind === 'request.negotiation_opened' && /2026-03-09/.test(n.title.zh),
        ),
        'both departments are told the thread is open and until when',
      );
    const early = await call('POST', `/api/v1/sharing-requests/${r.id}/escalate`, {
      token: w.staffB.token,
      body: { reason: '急需' },
    });
    assert.equal(early.status, 409, 'escalation before 协商 is refused');

    at('2026-03-03T10:00:00+08:00');
    const said = await call('POST', `${thread(r.id)}/messages`, {
      token: w.staffB.token,
      body: { body: '仅需区县和企业名称两个字段，用于双随机抽查' },
    });
    assert.equal(said.status, 201, JSON.stringify(said.body));
    assert.ok((await notices(w.staffA, r.id)).some((n) => n.kind === 'request.negotiation_message'));
    assert.ok(!(await notices(w.staffB2, r.id)).some((n) => n.kind === 'request.negotiation_message'));
    at('2026-03-03T11:00:00+08:00');
    await call('POST', `${thread(r.id)}/messages`, {
      token: w.staffA.token,
      body: { body: '企业名称属商业信息，仍不同意' },
    });

    // Nobody else writes in it: not the authority, not a third party; bad input changes nothing.
    const before = { audit: await countAudit(w.s.ctx.db), notes: await count(w.s, 'notification') };
    for (const [who, body, status] of [
      [w.authority, { body: '建议共享' }, 403],
      [w.citizen, { body: 'x' }, 403],
      [w.staffB, { body: '   ' }, 400],
      [w.staffB, { text: '字段错误' }, 400],
    ] as const)
      assert.equal(
        (await call('POST', `${thread(r.id)}/messages`, { token: who.token, body })).status,
        status,
      );
    assert.equal(
      (await call('POST', `${thread(r.id)}/give_up`, { token: w.staffB.token, body: {} })).status,
      400,
    );
    assert.deepEqual(
      { audit: await countAudit(w.s.ctx.db), notes: await count(w.s, 'notification') },
      { ...before, audit: before.audit + 2 },
      'only the two refusals are recorded (audited)',
    );

    at('2026-03-04T09:00:00+08:00');
    const gaveUp = await call('POST', `${thread(r.id)}/give_up`, {
      token: w.staffA.token,
      body: { reason: '双方未能达成一致' },
    });
    assert.equal(gaveUp.status, 200);
    assert.equal(gaveUp.body.stage, 'ended');
    assert.equal(gaveUp.body.ended.orgId, w.orgA.id);
    assert.ok((await notices(w.staffB, r.id)).some((n) => n.kind === 'request.negotiation_failed'));
    const late = await call('POST', `${thread(r.id)}/messages`, {
      token: w.staffB.token,
      body: { body: '再谈谈' },
    });
    assert.equal(late.status, 409);
    assert.equal(late.body.error.code, 'negotiation_ended');

    const up = await call('POST', `/api/v1/sharing-requests/${r.id}/escalate`, {
      token: w.staffB.token,
      body: { reason: '协商未果，申请协调' },
    });
    assert.equal(up.status, 200, JSON.stringify(up.body));
    assert.equal(up.body.status, 'escalated');

    const seen = await call('GET', thread(r.id), { token: w.authority.token });
    assert.equal(seen.status, 200);
    assert.deepEqual(
      seen.body.messages.map((m: { author: { id: string; orgId: string }; body: string; at: string }) => [
        m.author.id,
        m.author.orgId,
        m.body,
        m.at,
      ]),
      [
        [w.staffB.id, w.orgB.id, '仅需区县和企业名称两个字段，用于双随机抽查', '2026-03-03T02:00:00.000Z'],
        [w.staffA.id, w.orgA.id, '企业名称属商业信息，仍不同意', '2026-03-03T03:00:00.000Z'],
      ],
    );
    assert.equal(seen.body.ended.reason, '双方未能达成一致');
    assert.equal((await call('GET', thread(r.id), { token: w.citizen.token })).status, 404);

    const trail = (await auditActions(w.s, r.id)).map((e) => e.action);
    assert.deepEqual(trail, [
      'sharing.submit',
      'sharing.reject',
      'sharing.negotiation.open',
      'sharing.negotiation.message',
      'sharing.negotiation.message',
      'sharing.negotiation.message.denied',
      'sharing.negotiation.message.denied',
      'sharing.negotiation.give_up',
      'sharing.escalate',
    ]);
    await call('POST', `/api/v1/sharing-requests/${r.id}/withdraw`, { token: w.staffB.token });
  });

  test('when the thread’s deadline passes without agreement, escalation opens on its own', async () => {
    at('2026-03-02T09:00:00+08:00');
    const r = await refused();
    at('2026-03-09T23:00:00+08:00');
    assert.deepEqual(
      (await call('GET', `/api/v1/sharing-requests/${r.id}`, { token: w.staffB.token })).body.actions,
      [],
      'the due day holds',
    );
    at('2026-03-10T08:00:00+08:00');
    const seen = await call('GET', `/api/v1/sharing-requests/${r.id}`, { token: w.staffB.token });
    assert.equal(seen.body.negotiation.stage, 'ended');
    assert.deepEqual(seen.body.actions, ['escalate']);
    const up = await call('POST', `/api/v1/sharing-requests/${r.id}/escalate`, {
      token: w.staffB.token,
      body: { reason: '协商期满未果' },
    });
    assert.equal(up.status, 200);
    await call('POST', `/api/v1/sharing-requests/${r.id}/withdraw`, { token: w.staffB.token });
  });

  test('协商 can end in agreement: the provider reconsiders and approves', async () => {
    at('2026-03-02T09:00:00+08:00');
    const r = await refused();
    const ok = await call('POST', `/api/v1/sharing-requests/${r.id}/approve`, {
      token: w.staffA.token,
      body: { datasets: [{ id: w.condA.id, fields: ['district'] }], reason: '经协商，共享区县字段' },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual([ok.body.status, ok.body.final], ['approved', false]);
    const after = await call('POST', `${thread(r.id)}/messages`, {
      token: w.staffB.token,
      body: { body: '谢谢' },
    });
    assert.equal(after.status, 409);
    assert.equal(after.body.error.code, 'not_negotiable');
  });

  test('a request still within its deadline, or one the authority refused, has no 协商', async () => {
    at('2026-03-02T09:00:00+08:00');
    const r = (
      await call('POST', '/api/v1/sharing-requests', {
        token: w.staffB.token,
        body: requestBody([w.condA.id]),
      })
    ).body.items[0];
    assert.equal(r.negotiation, null);
    const tooEarly = await call('POST', `${thread(r.id)}/messages`, {
      token: w.staffB.token,
      body: { body: '在吗' },
    });
    assert.equal(tooEarly.status, 409);
    assert.equal(tooEarly.body.error.code, 'not_negotiable');
    assert.equal((await call('GET', thread(r.id), { token: w.staffB.token })).status, 404);
    const app = (
      await call('POST', '/api/v1/applications', { token: w.citizen.token, body: requestBody([w.condA.id]) })
    ).body.items[0];
    assert.equal(
      (await call('POST', `${thread(app.id)}/messages`, { token: w.citizen.token, body: { body: '在吗' } }))
        .status,
      404,
      'applications are not negotiated',
    );
  });
});
