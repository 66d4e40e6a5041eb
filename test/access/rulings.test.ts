import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveDataAccess } from '../../src/access/index.ts';
import { onEachDatabase } from '../helpers/db.ts';
import { auditActions, buildWorld, requestBody, type World } from './world.ts';
import { escalateAfterNegotiation } from './disputes.ts';

onEachDatabase('the data authority’s ruling binds the providing department', (kind) => {
  let w: World;
  before(async () => {
    w = await buildWorld(kind);
  });
  after(() => w.s.close());

  const call = (...args: Parameters<World['s']['call']>) => w.s.call(...args);
  const inbox = async (u: { token: string }) =>
    (await call('GET', '/api/v1/notifications', { token: u.token })).body.items as {
      kind: string;
      entityId: string;
      title: { zh: string; en: string };
    }[];

  /** A sharing request B → A, refused by A, negotiated, escalated and approved by the authority. */
  async function orderedGrant(): Promise<{ requestId: string; grantId: string }> {
    w.s.clock.set('2026-03-02T09:00:00+08:00');
    const r = (
      await call('POST', '/api/v1/sharing-requests', {
        token: w.staffB.token,
        body: requestBody([w.condA.id]),
      })
    ).body.items[0];
    await call('POST', `/api/v1/sharing-requests/${r.id}/reject`, {
      token: w.staffA.token,
      body: { reason: '涉及企业商业信息，暂不共享' },
    });
    await escalateAfterNegotiation(w, r.id);
    const ruled = await call('POST', `/api/v1/sharing-requests/${r.id}/approve`, {
      token: w.authority.token,
      body: { reason: '属履职需要，应予共享' },
    });
    assert.equal(ruled.status, 200, JSON.stringify(ruled.body));
    return { requestId: r.id, grantId: ruled.body.grantId };
  }

  test('the provider cannot suspend, reinstate or revoke a grant the authority ordered: 403 with the reason, audited, nothing changes', async () => {
    const { requestId, grantId } = await orderedGrant();
    const grant = await call('GET', `/api/v1/grants/${grantId}`, { token: w.staffA.token });
    assert.equal(grant.body.orderedByAuthority, true);
    assert.deepEqual(
      (await call('GET', `/api/v1/sharing-requests/${requestId}`, { token: w.staffA.token })).body.actions,
      [],
      'no revoke button for the provider',
    );
    assert.deepEqual(
      (await call('GET', `/api/v1/sharing-requests/${requestId}`, { token: w.authority.token })).body.actions,
      ['revoke'],
    );

    for (const action of ['suspend', 'revoke'] as const) {
      const r = await call('POST', `/api/v1/grants/${grantId}/${action}`, {
        token: w.staffA.token,
        body: { reason: '发现数据被超范围使用' },
      });
      assert.equal(r.status, 403, JSON.stringify(r.body));
      assert.equal(r.body.error.code, 'ordered_by_authority');
      assert.match(r.body.error.message, /数据主管部门裁定/);
    }
    const en = await call('POST', `/api/v1/sharing-requests/${requestId}/revoke`, {
      token: w.staffA.token,
      body: { reason: 'misuse' },
      headers: { 'accept-language': 'en' },
    });
    assert.equal(en.status, 403);
    assert.equal(en.body.error.code, 'ordered_by_authority');
    assert.match(en.body.error.message, /only the authority/);

    const now = await call('GET', `/api/v1/grants/${grantId}`, { token: w.staffB.token });
    assert.equal(now.body.status, 'active');
    const condA = await w.dataset(w.condA.id);
    assert.equal((await resolveDataAccess(w.s.ctx, await w.actor(w.staffB), condA)).kind, 'grant');
    const denied = (await auditActions(w.s, grantId)).filter((e) => e.action.endsWith('.denied'));
    assert.deepEqual(
      denied.map((e) => [e.action, e.actorId, e.after!.orderedByAuthority]),
      [
        ['grant.suspend.denied', w.staffA.id, true],
        ['grant.revoke.denied', w.staffA.id, true],
        ['grant.revoke.denied', w.staffA.id, true],
      ],
    );
    const req = await call('GET', `/api/v1/sharing-requests/${requestId}`, { token: w.staffB.token });
    assert.deepEqual([req.body.status, req.body.final], ['approved', true]);

    // The authority itself still may.
    const suspended = await call('POST', `/api/v1/grants/${grantId}/suspend`, {
      token: w.authority.token,
      body: { reason: '核查使用情况' },
    });
    assert.equal(suspended.body.status, 'suspended');
    const reinstate = await call('POST', `/api/v1/grants/${grantId}/reinstate`, {
      token: w.staffA.token,
      body: { reason: '核查完毕' },
    });
    assert.equal(reinstate.status, 403, 'nor may the provider reinstate what the authority suspended');
    assert.equal(reinstate.body.error.code, 'ordered_by_authority');
    const back = await call('POST', `/api/v1/grants/${grantId}/reinstate`, {
      token: w.authority.token,
      body: { reason: '核查完毕' },
    });
    assert.equal(back.body.status, 'active');
  });

  test('the provider asks the authority to suspend or revoke, with a reason; the authority refuses or accepts, each told and audited', async () => {
    const { grantId } = await orderedGrant();
    const path = `/api/v1/grants/${grantId}/ruling-requests`;
    for (const [who, body, status] of [
      [w.staffA, { action: 'revoke', reason: '   ' }, 400],
      [w.staffA, { action: 'expire', reason: '到期' }, 400],
      [w.staffB, { action: 'revoke', reason: '不再需要' }, 403],
      [w.citizen, { action: 'revoke', reason: '不再需要' }, 403],
    ] as const)
      assert.equal((await call('POST', path, { token: who.token, body })).status, status);

    const asked = await call('POST', path, {
      token: w.staffA.token,
      body: { action: 'revoke', reason: '使用部门超出申请用途使用数据' },
    });
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    assert.equal(asked.body.status, 'pending');
    const again = await call('POST', path, {
      token: w.staffA.token,
      body: { action: 'revoke', reason: '再次申请' },
    });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'already_requested');
    const told = (await inbox(w.authority)).find(
      (n) => n.entityId === grantId && n.kind === 'grant.ruling_requested',
    );
    assert.ok(told, 'the authority is told');
    assert.match(told!.title.zh, /撤销/);
    const pending = await call('GET', '/api/v1/grant-ruling-requests?status=pending', {
      token: w.authority.token,
    });
    assert.ok(pending.body.items.some((i: { id: string }) => i.id === asked.body.id));
    assert.equal(
      (await call('GET', '/api/v1/grant-ruling-requests', { token: w.staffB.token })).body.total,
      0,
      'another department sees none',
    );

    assert.equal(
      (
        await call('POST', `/api/v1/grant-ruling-requests/${asked.body.id}/accept`, {
          token: w.staffA.token,
          body: { reason: '自行同意' },
        })
      ).status,
      403,
    );
    const refused = await call('POST', `/api/v1/grant-ruling-requests/${asked.body.id}/refuse`, {
      token: w.authority.token,
      body: { reason: '证据不足，维持原裁定' },
    });
    assert.equal(refused.status, 200, JSON.stringify(refused.body));
    assert.equal(refused.body.status, 'refused');
    assert.equal(refused.body.decision.reason, '证据不足，维持原裁定');
    assert.equal(
      (await call('GET', `/api/v1/grants/${grantId}`, { token: w.staffA.token })).body.status,
      'active',
    );
    assert.ok((await inbox(w.staffA)).some((n) => n.kind === 'grant.ruling_request_refused'));
    assert.equal(
      (
        await call('POST', `/api/v1/grant-ruling-requests/${asked.body.id}/accept`, {
          token: w.authority.token,
          body: { reason: '改变主意' },
        })
      ).status,
      409,
      'decided once',
    );

    const second = await call('POST', path, {
      token: w.staffA.token,
      body: { action: 'suspend', reason: '发现超范围使用，请先暂停' },
    });
    const accepted = await call('POST', `/api/v1/grant-ruling-requests/${second.body.id}/accept`, {
      token: w.authority.token,
      body: { reason: '查证属实，暂停使用' },
    });
    assert.equal(accepted.body.status, 'accepted');
    const g = await call('GET', `/api/v1/grants/${grantId}`, { token: w.staffB.token });
    assert.deepEqual([g.body.status, g.body.statusReason], ['suspended', '查证属实，暂停使用']);
    assert.ok((await inbox(w.staffB)).some((n) => n.entityId === grantId && n.kind === 'grant.suspended'));
    assert.ok((await inbox(w.staffA)).some((n) => n.kind === 'grant.ruling_request_accepted'));
    const trail = (await auditActions(w.s, grantId)).map((e) => e.action);
    assert.deepEqual(trail.slice(-6), [
      'grant.ruling_request',
      'grant.ruling_request.accept.denied',
      'grant.ruling_request.refuse',
      'grant.ruling_request',
      'grant.suspend',
      'grant.ruling_request.accept',
    ]);
  });

  test('a grant the provider approved itself stays the provider’s to suspend; no request for a ruling', async () => {
    w.s.clock.set('2026-03-02T09:00:00+08:00');
    const r = (
      await call('POST', '/api/v1/sharing-requests', {
        token: w.staffB.token,
        body: requestBody([w.condA.id]),
      })
    ).body.items[0];
    const ok = await call('POST', `/api/v1/sharing-requests/${r.id}/approve`, {
      token: w.staffA.token,
      body: {},
    });
    assert.equal(ok.body.final, false);
    const ask = await call('POST', `/api/v1/grants/${ok.body.grantId}/ruling-requests`, {
      token: w.staffA.token,
      body: { action: 'suspend', reason: '核查' },
    });
    assert.equal(ask.status, 409);
    assert.equal(ask.body.error.code, 'not_ordered_by_authority');
    const s = await call('POST', `/api/v1/grants/${ok.body.grantId}/suspend`, {
      token: w.staffA.token,
      body: { reason: '核查' },
    });
    assert.equal(s.body.status, 'suspended');
  });
});
