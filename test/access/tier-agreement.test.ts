import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canApplyFor,
  dataAccess,
  datasetStatuses,
  mayList,
  maySee,
  type DatasetStatus,
  type GrantCandidate,
  type OpenTier,
  type ShareTier,
  type TierActor,
  type TierSubject,
} from '../../src/core/index.ts';
import { onEachDatabase } from '../helpers/db.ts';
import { datasetBody, orgBody, startServer, type TestServer } from '../helpers/app.ts';
import { requestBody } from './world.ts';
import { webOptions } from '../../src/web/index.ts';

/**
 * The server agrees with the tier policy (core/tiers.ts) on every path that shows a dataset or its
 * data: for each actor and each dataset of every open tier × share tier × status, the API's show,
 * list and search, the data rows endpoint, and the public dataset and apply pages answer as the
 * policy's pure functions say. The policy itself is checked in test/core/tier-policy.test.ts.
 */

const OPEN: OpenTier[] = ['unconditional', 'conditional', 'not_open'];
const SHARE: ShareTier[] = ['unconditional', 'conditional', 'not_shared'];
const WORD = '层级核对';

interface Sample extends TierSubject {
  id: string;
  code: string;
  slug: string;
  distributionId: string;
}

interface Caller {
  token?: string;
  actor: TierActor | null;
  /** Grants the caller holds, by dataset id. */
  grants: Map<string, GrantCandidate>;
}

onEachDatabase('the server agrees with the tier policy', (kind) => {
  let s: TestServer;
  const samples: Sample[] = [];
  const callers: Record<string, Caller> = {};

  before(async () => {
    s = await startServer(kind, webOptions());
    const admin = await s.userWithToken('sysadmin');
    const org = async (n: number) =>
      (await s.call('POST', '/api/v1/organisations', { token: admin.token, body: orgBody(n) })).body
        .id as string;
    const own = await org(71);
    const other = await org(72);
    const staff = await s.userWithToken('department', own);
    let i = 0;
    for (const openTier of OPEN)
      for (const shareTier of SHARE)
        for (const status of datasetStatuses) {
          const created = await s.call('POST', '/api/v1/datasets', {
            token: staff.token,
            body: datasetBody(own, {
              title: `${WORD}样本${++i}号`,
              openTier,
              shareTier,
              ...(openTier === 'conditional' && { openConditions: '签署安全承诺书' }),
              ...(openTier === 'not_open' && {
                notOpenReason: '涉及国家秘密',
                notOpenLegalBasis: '《中华人民共和国保守国家秘密法》',
              }),
              ...(shareTier === 'not_shared' && {
                notSharedReason: '涉及国家秘密，不向其他部门共享',
                notSharedLegalBasis: '《中华人民共和国保守国家秘密法》',
              }),
              ...(shareTier === 'conditional' && { shareConditions: '用于履行法定职责' }),
            }),
          });
          assert.equal(created.status, 201, JSON.stringify(created.body));
          const id = created.body.id as string;
          const dist = await s.call('POST', `/api/v1/datasets/${id}/distributions`, {
            token: staff.token,
            body: { title: '数据文件', format: 'CSV' },
          });
          assert.equal(dist.status, 201, JSON.stringify(dist.body));
          const steps: Record<DatasetStatus, string[]> = {
            draft: [],
            in_review: ['submit'],
            published: ['publish'],
            withdrawn: ['publish', 'withdraw'],
          };
          for (const step of steps[status]) {
            const r = await s.call('POST', `/api/v1/datasets/${id}/${step}`, { token: staff.token });
            assert.equal(r.status, 200, JSON.stringify(r.body));
          }
          samples.push({
            id,
            code: created.body.code,
            slug: created.body.slug,
            distributionId: dist.body.id,
            status,
            openTier,
            shareTier,
            orgId: own,
          });
        }
    const user = async (
      role: 'public' | 'department' | 'reviewer' | 'authority',
      orgId: string | null = null,
    ) => ({
      token: (await s.userWithToken(role, orgId)).token,
      actor: { role, orgId },
      grants: new Map(),
    });
    callers.anonymous = { actor: null, grants: new Map() };
    callers.public = await user('public');
    callers.owner = await user('department', own);
    callers.otherDept = await user('department', other);
    callers.reviewer = await user('reviewer');
    callers.authority = await user('authority');
    // A member of the public whose application for every conditionally open dataset was approved.
    const holder = await user('public');
    const wanted = samples.filter((d) => d.status === 'published' && d.openTier === 'conditional');
    const applied = await s.call('POST', '/api/v1/applications', {
      token: holder.token,
      body: requestBody(wanted.map((d) => d.id)),
    });
    assert.equal(applied.status, 201, JSON.stringify(applied.body));
    for (const a of applied.body.items) {
      const r = await s.call('POST', `/api/v1/applications/${a.id}/approve`, {
        token: staff.token,
        body: {},
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const grantId = r.body.grant?.id ?? r.body.grantId ?? 'granted';
      for (const d of wanted)
        holder.grants.set(d.id, {
          grantId,
          kind: 'open',
          status: 'active',
          expiresAt: new Date('2099-01-01'),
          fields: null,
          rows: null,
        });
    }
    callers.grantHolder = holder;
  });
  after(() => s.close());

  const expectedAccess = (c: Caller, d: Sample) =>
    dataAccess(c.actor, d, c.grants.has(d.id) ? [c.grants.get(d.id)!] : [], s.clock.now());

  test('show: a dataset answers 200 exactly when the policy lets the caller see it', async () => {
    for (const [name, c] of Object.entries(callers))
      for (const d of samples) {
        const r = await s.call('GET', `/api/v1/datasets/${d.id}`, { token: c.token });
        assert.equal(r.status, maySee(c.actor, d) ? 200 : 404, `${name} ${JSON.stringify(d)}`);
      }
  });

  test('list and search: exactly the datasets the policy lists, from the table and from the search index', async () => {
    for (const [name, c] of Object.entries(callers)) {
      const expected = samples
        .filter((d) => mayList(c.actor, d, { listUnopened: s.ctx.config.workflow.listUnopened }))
        .map((d) => d.id)
        .sort();
      for (const query of [`org=${samples[0].orgId}`, `q=${encodeURIComponent(WORD)}`]) {
        const r = await s.call('GET', `/api/v1/datasets?${query}&pageSize=100`, { token: c.token });
        assert.equal(r.status, 200);
        const got = (r.body.items as { id: string }[]).map((x) => x.id).sort();
        assert.deepEqual(got, expected, `${name} ${query}`);
        assert.equal(r.body.total, expected.length, `${name} ${query}`);
      }
    }
  });

  test('data: the rows endpoint lets through exactly what the policy lets the caller read', async () => {
    for (const [name, c] of Object.entries(callers))
      for (const d of samples) {
        const r = await s.call('GET', `/api/v1/distributions/${d.distributionId}/rows`, { token: c.token });
        const access = expectedAccess(c, d);
        // Past the gate the distribution has no data yet, which is its own answer.
        const expected = !maySee(c.actor, d)
          ? 'not_found'
          : access.kind !== 'denied'
            ? 'no_data'
            : access.reason === 'not_published'
              ? 'not_found'
              : 'access_denied';
        assert.equal(r.body?.error?.code, expected, `${name} ${JSON.stringify(d)} ${JSON.stringify(access)}`);
      }
  });

  test('pages: the public dataset page and the apply page follow the policy', async () => {
    for (const d of samples) {
      const page = await s.call('GET', `/datasets/${encodeURIComponent(d.slug)}`);
      assert.equal(page.status, maySee(null, d) ? 200 : 404, JSON.stringify(d));
      if (page.status === 200)
        assert.equal(String(page.body).includes('href="/apply?dataset='), canApplyFor(d), JSON.stringify(d));
      const apply = await s.call('GET', `/apply?dataset=${encodeURIComponent(d.code)}`);
      assert.equal(apply.status !== 404, canApplyFor(d), JSON.stringify(d));
    }
  });
});
