import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { onEachDatabase } from '../helpers/db.ts';
import { datasetBody } from '../helpers/app.ts';
import { buildWorld, requestBody, type World } from './world.ts';

onEachDatabase('reasons with substance (issue 14)', (kind) => {
  let w: World;
  before(async () => {
    w = await buildWorld(kind);
  });
  after(() => w.s.close());

  const call = (...args: Parameters<World['s']['call']>) => w.s.call(...args);
  const refused = (r: { status: number; body: any }, code: string) => {
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'validation_failed');
    assert.ok(
      r.body.error.details.fields.some(
        (f: { field: string; code: string }) => f.field === 'reason' && f.code === code,
      ),
      JSON.stringify(r.body.error.details),
    );
  };
  const apply = async (who: { token: string }, fields: string[] | null) => {
    const r = await call('POST', '/api/v1/applications', {
      token: who.token,
      body: requestBody([{ id: w.condA.id, fields }]),
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.items[0].id as string;
  };

  test('a refusal or a return saying "x" or only punctuation is refused, and nothing changes', async () => {
    const id = await apply(w.citizen, ['district', 'company']);
    for (const action of ['reject', 'return_for_info'])
      for (const reason of ['x', '……', 'ok', '不'])
        refused(
          await call('POST', `/api/v1/applications/${id}/${action}`, {
            token: w.staffA.token,
            body: { reason },
          }),
          'too_short',
        );
    const still = await call('GET', `/api/v1/applications/${id}`, { token: w.citizen.token });
    assert.equal(still.body.status, 'submitted');
    const ok = await call('POST', `/api/v1/applications/${id}/reject`, {
      token: w.staffA.token,
      body: { reason: '申请用途与开放条件不符' },
    });
    assert.equal(ok.status, 200);
  });

  test('an approval that grants less than was asked needs a reason; the full scope does not', async () => {
    const id = await apply(w.citizen2, ['district', 'company']);
    const narrower = { datasets: [{ id: w.condA.id, fields: ['district'] }] };
    refused(
      await call('POST', `/api/v1/applications/${id}/approve`, { token: w.staffA.token, body: narrower }),
      'required',
    );
    refused(
      await call('POST', `/api/v1/applications/${id}/approve`, {
        token: w.staffA.token,
        body: { ...narrower, reason: 'x' },
      }),
      'too_short',
    );
    const ok = await call('POST', `/api/v1/applications/${id}/approve`, {
      token: w.staffA.token,
      body: { ...narrower, reason: '企业名称涉及商业信息，按最小必要原则只授权区县' },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const full = await apply(await w.user('public'), ['district']);
    assert.equal(
      (await call('POST', `/api/v1/applications/${full}/approve`, { token: w.staffA.token, body: {} }))
        .status,
      200,
      'granting what was asked needs no reason',
    );
  });

  test('suspending or revoking a grant and the authority’s ruling need substance', async () => {
    const grants = (await call('GET', '/api/v1/grants?box=issued', { token: w.staffA.token })).body.items;
    const grant = grants[0];
    for (const action of ['suspend', 'revoke'])
      refused(
        await call('POST', `/api/v1/grants/${grant.id}/${action}`, {
          token: w.staffA.token,
          body: { reason: '- -' },
        }),
        'too_short',
      );
    assert.equal(
      (await call('GET', `/api/v1/grants/${grant.id}`, { token: w.staffA.token })).body.status,
      'active',
    );

    const s = await call('POST', '/api/v1/sharing-requests', {
      token: w.staffB.token,
      body: requestBody([w.condA.id]),
    });
    const sid = s.body.items[0].id;
    await call('POST', `/api/v1/sharing-requests/${sid}/reject`, {
      token: w.staffA.token,
      body: { reason: '该数据涉及企业商业信息，暂不共享' },
    });
    // 协商 first: escalation waits until a side gives up (ADR 0032).
    const gaveUp = await call('POST', `/api/v1/sharing-requests/${sid}/negotiation/give_up`, {
      token: w.staffB.token,
      body: { reason: '双方意见不一致，提请协调' },
    });
    assert.equal(gaveUp.status, 200, JSON.stringify(gaveUp.body));
    const up = await call('POST', `/api/v1/sharing-requests/${sid}/escalate`, {
      token: w.staffB.token,
      body: { reason: '履行法定职责需要' },
    });
    assert.equal(up.body.status, 'escalated');
    refused(
      await call('POST', `/api/v1/sharing-requests/${sid}/approve`, { token: w.authority.token, body: {} }),
      'required',
    );
    refused(
      await call('POST', `/api/v1/sharing-requests/${sid}/reject`, {
        token: w.authority.token,
        body: { reason: 'no' },
      }),
      'too_short',
    );
    const ruled = await call('POST', `/api/v1/sharing-requests/${sid}/approve`, {
      token: w.authority.token,
      body: { reason: '属履职需要，依据《条例》第十条予以共享' },
    });
    assert.equal(ruled.status, 200, JSON.stringify(ruled.body));
    assert.equal(ruled.body.final, true);
  });
});

onEachDatabase('不予开放 and 不予共享 carry a reason and a legal basis (issue 14)', (kind) => {
  let w: World;
  before(async () => {
    w = await buildWorld(kind);
  });
  after(() => w.s.close());

  test('a dataset not opened or not shared without a reason of substance and a legal basis is refused', async () => {
    const body = (extra: Record<string, unknown>) =>
      datasetBody(w.orgA.id, { title: '无依据的数据', ...extra });
    const fieldsOf = async (extra: Record<string, unknown>) => {
      const r = await w.s.call('POST', '/api/v1/datasets', { token: w.admin.token, body: body(extra) });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      return r.body.error.details.fields.map((f: { field: string; code: string }) => `${f.field}:${f.code}`);
    };
    assert.deepEqual(await fieldsOf({ openTier: 'not_open', notOpenReason: '涉及个人隐私' }), [
      'notOpenLegalBasis:required',
    ]);
    assert.deepEqual(
      await fieldsOf({ openTier: 'not_open', notOpenReason: 'x', notOpenLegalBasis: '《个人信息保护法》' }),
      ['notOpenReason:too_short'],
    );
    assert.deepEqual(await fieldsOf({ shareTier: 'not_shared' }), [
      'notSharedReason:required',
      'notSharedLegalBasis:required',
    ]);
  });

  test('the legal basis of 不予开放 is public in the API (the page: test/web/portal.test.ts)', async () => {
    const d = await w.s.call('GET', `/api/v1/datasets/${w.closedA.id}`);
    assert.equal(d.status, 200);
    assert.equal(d.body.notOpenLegalBasis, '《中华人民共和国个人信息保护法》第二十八条');
    assert.equal(d.body.notSharedLegalBasis, '《中华人民共和国个人信息保护法》第三十四条');
  });
});
