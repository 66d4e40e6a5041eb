import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Actor, Role } from '../core/index.ts';
import { actorOf, createUser } from '../identity/index.ts';
import {
  createDataset,
  createDistribution,
  createOrganisation,
  listOrganisations,
  transitionDataset,
} from '../catalog/index.ts';
import { uploadFile } from '../data/index.ts';
import type { Context } from '../platform/index.ts';
import { attachFileNow } from './attach.ts';
import { TABLES_DIR, readDemoCatalogue } from './catalogue.ts';
import { readGeneratedTables, tableBytes } from './generated.ts';

/** Known to anyone who reads the README: demo installations are for trying Kaifang, never for production. */
export const DEMO_PASSWORD = 'kaifang-demo';

export interface DemoResult {
  loaded: boolean;
  organisations: number;
  datasets: number;
  users: { email: string; role: string; org?: string }[];
  /** Ingest jobs of the generated tables, queued for a worker (empty unless asked for). */
  jobs: string[];
}

export interface DemoOptions {
  onProgress?: (done: number, total: number) => void;
  /**
   * Also give every open and conditional dataset a generated table, uploaded through the real
   * upload path and left in the job queue, so a worker ingests them while the server answers
   * (`npm start`). Off by default: tests that load the demo want the catalogue only.
   */
  generatedTables?: boolean;
}

/** Said on every generated distribution, so nobody mistakes the rows for a department's records. */
const GENERATED_NOTE =
  '演示数据：按数据项由固定种子生成的虚构记录，证件号码、信用代码等格式有效，但不对应任何真实的个人或单位。';

/**
 * Fills an empty catalogue with a fictional city's departments and datasets. It goes through
 * the same functions as the API, so demo data passes the same validation and audit trail.
 * A database that already has organisations is left alone: restarts never duplicate it.
 */
export async function loadDemo(ctx: Context, opts: DemoOptions = {}): Promise<DemoResult> {
  if ((await listOrganisations(ctx.db)).length > 0)
    return { loaded: false, organisations: 0, datasets: 0, users: [], jobs: [] };
  // Read and checked in full first: a broken file stops the demo before anything is written.
  const catalogue = readDemoCatalogue();
  const { organisations: demoOrganisations, datasets: demoDatasets } = catalogue;
  const generated = opts.generatedTables ? readGeneratedTables(catalogue) : null;
  const jobs: string[] = [];
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
  // The demo's sign-ins, in the order the result lists them: the authority, a clerk per department, a reviewer, a citizen.
  const demoUsers: { key: string; name: string; role: Role; orgId?: string | null; org?: string }[] = [
    { key: 'authority', name: '数据主管部门', role: 'authority', orgId: orgIds.get('dsj') ?? null },
    ...demoOrganisations.map((o) => ({
      key: o.key,
      name: `${o.name}数据专员`,
      role: 'department' as const,
      orgId: orgIds.get(o.key)!,
      org: o.name,
    })),
    { key: 'reviewer', name: '安全审核员', role: 'reviewer' },
    { key: 'citizen', name: '社会公众用户', role: 'public' },
  ];
  for (const { key, name, role, orgId, org } of demoUsers) {
    const u = await createUser(ctx, admin.id, {
      email: `${key}@demo.kaifang`,
      name,
      role,
      ...(orgId !== undefined && { orgId }),
      password: DEMO_PASSWORD,
    });
    users.push({ email: u.email, role: u.role, ...(org && { org }) });
  }

  let done = 0;
  for (const d of demoDatasets) {
    const { orgKey, publish, table, ...input } = d;
    const created = await createDataset(ctx, system, { ...input, orgId: orgIds.get(orgKey)! });
    if (table) {
      const dist = await createDistribution(ctx, system, created.id, {
        title: `${input.title}（CSV）`,
        format: 'CSV',
        description: table.description,
      });
      // Ingested now, through the data plane, so the demo serves real rows from the first start.
      await attachFileNow(ctx, system, dist.id, join(TABLES_DIR, table.file), table.file);
    }
    const generatedTable = generated?.tables.find((t) => t.dataset === d);
    if (generated && generatedTable) {
      const dist = await createDistribution(ctx, system, created.id, {
        title: `${input.title}（CSV，演示数据）`,
        format: 'CSV',
        description: GENERATED_NOTE,
      });
      const accepted = await uploadFile(ctx, system, dist.id, {
        stream: Readable.from([tableBytes(generated, generatedTable)]),
        filename: `${input.title}.csv`,
        mediaType: 'text/csv',
      });
      jobs.push(accepted.job.id);
    }
    if (publish) await transitionDataset(ctx, system, created.id, 'publish');
    opts.onProgress?.(++done, demoDatasets.length);
  }
  return {
    loaded: true,
    organisations: demoOrganisations.length,
    datasets: demoDatasets.length,
    users,
    jobs,
  };
}
