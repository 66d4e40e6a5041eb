import { authenticateToken } from '../../src/identity/index.ts';
import { currentCommitment, type Actor, type Dataset } from '../../src/core/index.ts';
import { datasetBody, orgBody, startServer, type TestServer } from '../helpers/app.ts';
import type { DriverName } from '../helpers/db.ts';

/** A small government for the workflow tests: two departments, datasets of every tier, people in every role. */
export interface World {
  s: TestServer;
  admin: { id: string; token: string };
  orgA: { id: string; name: string };
  orgB: { id: string; name: string };
  /** Department A: conditionally open and conditionally shared, with four fields. */
  condA: Dataset;
  /** Department B: conditionally open. */
  condB: Dataset;
  /** Department A: conditionally open, shared with every department unconditionally. */
  sharedA: Dataset;
  /** Department A: open to everyone. */
  openA: Dataset;
  /** Department A: not open, not shared. */
  closedA: Dataset;
  /** Department A: conditional but still a draft. */
  draftA: Dataset;
  staffA: User;
  staffB: User;
  staffB2: User;
  authority: User;
  citizen: User;
  citizen2: User;
  user(role: 'public' | 'department' | 'authority', orgId?: string): Promise<User>;
  actor(u: { token: string }): Promise<Actor>;
  dataset(id: string): Promise<Dataset>;
}

export interface User {
  id: string;
  token: string;
  email: string;
}

export const FIELDS = [
  { name: 'district', title: '区县', type: 'string' },
  { name: 'company', title: '企业名称', type: 'string' },
  { name: 'licence', title: '许可证号', type: 'string' },
  { name: 'amount', title: '金额', type: 'number', unit: '万元' },
];

export async function buildWorld(kind: DriverName): Promise<World> {
  const s = await startServer(kind);
  const admin = await s.userWithToken('sysadmin');
  const org = async (n: number) => {
    const r = await s.call('POST', '/api/v1/organisations', { token: admin.token, body: orgBody(n) });
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
    return r.body as { id: string; name: string };
  };
  const orgA = await org(61);
  const orgB = await org(62);
  const dataset = async (orgId: string, title: string, extra: Record<string, unknown>, publish = true) => {
    const r = await s.call('POST', '/api/v1/datasets', {
      token: admin.token,
      body: datasetBody(orgId, { title, fields: FIELDS, ...extra }),
    });
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
    if (publish) await s.call('POST', `/api/v1/datasets/${r.body.id}/publish`, { token: admin.token });
    return (await s.call('GET', `/api/v1/datasets/${r.body.id}`, { token: admin.token })).body as Dataset;
  };
  const conditional = {
    openTier: 'conditional',
    openConditions: '签署安全承诺书并说明用途',
    shareTier: 'conditional',
    shareConditions: '用于履行法定职责',
  };
  const w: World = {
    s,
    admin,
    orgA,
    orgB,
    condA: await dataset(orgA.id, '企业许可信息', conditional),
    condB: await dataset(orgB.id, '医疗机构执业登记', conditional),
    sharedA: await dataset(orgA.id, '企业年报信息', {
      ...conditional,
      shareTier: 'unconditional',
      shareConditions: null,
    }),
    openA: await dataset(orgA.id, '企业名录', { openTier: 'unconditional', shareTier: 'unconditional' }),
    closedA: await dataset(orgA.id, '企业纳税明细', {
      openTier: 'not_open',
      notOpenReason: '涉及商业秘密',
      notOpenLegalBasis: '《中华人民共和国个人信息保护法》第二十八条',
      shareTier: 'not_shared',
      notSharedReason: '涉及个人信息，不向其他部门共享',
      notSharedLegalBasis: '《中华人民共和国个人信息保护法》第三十四条',
    }),
    draftA: await dataset(orgA.id, '企业信用评价', conditional, false),
    staffA: await s.userWithToken('department', orgA.id),
    staffB: await s.userWithToken('department', orgB.id),
    staffB2: await s.userWithToken('department', orgB.id),
    authority: await s.userWithToken('authority'),
    citizen: await s.userWithToken('public'),
    citizen2: await s.userWithToken('public'),
    user: (role, orgId) => s.userWithToken(role, orgId ?? null),
    actor: async (u) => (await authenticateToken(s.ctx, u.token))!,
    dataset: async (id) =>
      (await s.call('GET', `/api/v1/datasets/${id}`, { token: admin.token })).body as Dataset,
  };
  return w;
}

export const requestBody = (
  datasets: (string | { id: string; fields?: string[] | null })[],
  extra: Record<string, unknown> = {},
) => ({
  datasets: datasets.map((d) => (typeof d === 'string' ? { id: d } : d)),
  purpose: '研究本市企业的区域分布与规模结构',
  scenario: '学术研究：城市产业布局分析',
  period: { start: '2026-03-01', end: '2026-12-31' },
  commitment: { version: currentCommitment().version, accepted: true },
  ...extra,
});

export const count = async (
  s: TestServer,
  table: 'access_request' | 'access_grant' | 'notification' | 'data_access_log' | 'audit_event',
) =>
  Number(
    (
      await s.ctx.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

export const auditActions = async (s: TestServer, entityId: string) =>
  (
    await s.ctx.db
      .selectFrom('audit_event')
      .select(['action', 'actor_id', 'after'])
      .where('entity_id', '=', entityId)
      .orderBy('seq')
      .execute()
  ).map((e) => ({
    action: e.action,
    actorId: e.actor_id,
    after: e.after as Record<string, unknown> | null,
  }));
