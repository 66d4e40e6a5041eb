import { fileURLToPath } from 'node:url';
import type { Actor } from '../../core/index.ts';
import { actorOf, createUser } from '../../identity/index.ts';
import type { Context } from '../../platform/index.ts';
import { createOrganisation } from '../organisations.ts';
import { createDataset, transitionDataset } from '../datasets.ts';
import { createDistribution } from '../distributions.ts';
import { demoDatasets, demoOrganisations } from './data.ts';

/** Known to anyone who reads the README: demo installations are for trying Kaifang, never for production. */
export const DEMO_PASSWORD = 'kaifang-demo';

export interface DemoResult {
  loaded: boolean;
  organisations: number;
  datasets: number;
  users: { email: string; role: string; org?: string }[];
}

/**
 * Fills an empty catalogue with a fictional city's departments and datasets. It goes through
 * the same functions as the API, so demo data passes the same validation and audit trail.
 * A database that already has organisations is left alone: restarts never duplicate it.
 */
export async function loadDemo(
  ctx: Context,
  onProgress?: (done: number, total: number) => void,
): Promise<DemoResult> {
  const existing = await ctx.db.selectFrom('organisation').select('id').limit(1).executeTakeFirst();
  if (existing) return { loaded: false, organisations: 0, datasets: 0, users: [] };
  const admin = await createUser(ctx, null, {
    email: 'admin@demo.kaifang',
    name: '系统管理员',
    role: 'sysadmin',
    password: DEMO_PASSWORD,
  });
  const system: Actor = actorOf(admin);
  const users: DemoResult['users'] = [{ email: admin.email, role: admin.role }];
  const orgIds = new Map<string, string>();
  for (const o of demoOrganisations) {
    const { key, ...input } = o;
    const org = await createOrganisation(ctx, system, input);
    orgIds.set(key, org.id);
  }
  const authorityOrg = orgIds.get('dsj') ?? null;
  const authority = await createUser(ctx, admin.id, {
    email: 'authority@demo.kaifang',
    name: '数据主管部门',
    role: 'authority',
    orgId: authorityOrg,
    password: DEMO_PASSWORD,
  });
  users.push({ email: authority.email, role: authority.role });
  for (const o of demoOrganisations) {
    const u = await createUser(ctx, admin.id, {
      email: `${o.key}@demo.kaifang`,
      name: `${o.name}数据专员`,
      role: 'department',
      orgId: orgIds.get(o.key)!,
      password: DEMO_PASSWORD,
    });
    users.push({ email: u.email, role: u.role, org: o.name });
  }
  const reviewer = await createUser(ctx, admin.id, {
    email: 'reviewer@demo.kaifang',
    name: '安全审核员',
    role: 'reviewer',
    password: DEMO_PASSWORD,
  });
  users.push({ email: reviewer.email, role: reviewer.role });
  const citizen = await createUser(ctx, admin.id, {
    email: 'citizen@demo.kaifang',
    name: '社会公众用户',
    role: 'public',
    password: DEMO_PASSWORD,
  });
  users.push({ email: citizen.email, role: citizen.role });

  let done = 0;
  for (const d of demoDatasets) {
    const { orgKey, publish, demoFile, ...input } = d;
    const created = await createDataset(ctx, system, { ...input, orgId: orgIds.get(orgKey)! });
    if (demoFile) {
      const dist = await createDistribution(ctx, system, created.id, {
        title: `${input.title}（CSV）`,
        format: 'CSV',
        description:
          demoFile === 'platforms'
            ? '《中国地方政府数据开放平台利用报告（2021）》附录1'
            : '《中国地方政府数据开放平台利用报告（2021）》附录3',
      });
      // Ingested now, through the data plane, so the demo serves real rows from the first start.
      // Imported lazily: the data plane itself builds on the catalogue.
      const file = demoFile === 'platforms' ? 'appendix1-platforms-2021.csv' : 'appendix3-datasets-2021.csv';
      const { attachFileNow } = await import('../../data/index.ts');
      await attachFileNow(
        ctx,
        system,
        dist.id,
        fileURLToPath(new URL(`./files/${file}`, import.meta.url)),
        file,
      );
    }
    if (publish) await transitionDataset(ctx, system, created.id, 'publish');
    onProgress?.(++done, demoDatasets.length);
  }
  return { loaded: true, organisations: demoOrganisations.length, datasets: demoDatasets.length, users };
}
