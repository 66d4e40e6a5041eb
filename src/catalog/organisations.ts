import {
  DomainError,
  OrganisationInputSchema,
  OrganisationPatchSchema,
  assertShape,
  notFound,
  validationFailed,
  type Actor,
  type AdminLevel,
  type Organisation,
  type OrganisationInput,
  isUuid,
} from '../core/index.ts';
import { appendAudit, assertCan, canManageOrganisations, requireActor } from '../identity/index.ts';
import type { Context, Kdb, Schema } from '../platform/index.ts';
import type { Selectable } from 'kysely';

type Row = Selectable<Schema['organisation']>;

export function toOrganisation(r: Row): Organisation {
  return {
    id: r.id,
    name: r.name,
    nameEn: r.name_en,
    orgCode: r.org_code,
    parentId: r.parent_id,
    regionCode: r.region_code,
    adminLevel: r.admin_level as AdminLevel,
    description: r.description,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export async function listOrganisations(db: Kdb): Promise<(Organisation & { datasetCount: number })[]> {
  const rows = await db
    .selectFrom('organisation')
    .selectAll('organisation')
    .select((eb) =>
      eb
        .selectFrom('dataset')
        .select((e2) => e2.fn.countAll<number>().as('n'))
        .whereRef('dataset.org_id', '=', 'organisation.id')
        .where('dataset.status', '=', 'published')
        .as('dataset_count'),
    )
    .orderBy('organisation.name')
    .execute();
  return rows.map((r) => ({ ...toOrganisation(r), datasetCount: Number(r.dataset_count ?? 0) }));
}

export async function getOrganisation(db: Kdb, idOrCode: string): Promise<Organisation> {
  const byId = isUuid(idOrCode);
  const r = await db
    .selectFrom('organisation')
    .selectAll()
    .where(byId ? 'id' : 'org_code', '=', idOrCode)
    .executeTakeFirst();
  if (!r) throw notFound('Organisation', '部门');
  return toOrganisation(r);
}

async function assertParent(trx: Kdb, parentId: string | null | undefined, selfId?: string) {
  if (!parentId) return;
  const problem = (zh: string, en: string) =>
    validationFailed([{ field: 'parentId', code: 'invalid', message: { zh, en } }]);
  if (parentId === selfId) throw problem('上级部门不能是自身', 'An organisation cannot be its own parent');
  const p = await trx.selectFrom('organisation').select('id').where('id', '=', parentId).executeTakeFirst();
  if (!p) throw problem('上级部门不存在', 'Parent organisation not found');
}

function uniqueViolation(err: unknown): DomainError | null {
  const msg = String((err as Error)?.message ?? '');
  if (!/duplicate key|unique constraint/i.test(msg)) return null;
  const field = /org_code/.test(msg) ? 'orgCode' : 'name';
  return new DomainError(
    'conflict',
    'already_exists',
    { zh: `${field} 已被使用`, en: `${field} is already in use` },
    { field },
  );
}

export async function createOrganisation(
  ctx: Context,
  actor: Actor | null,
  body: unknown,
): Promise<Organisation> {
  const a = requireActor(actor);
  assertCan(
    canManageOrganisations(a),
    'Only the data authority or a sysadmin can manage organisations',
    '仅数据主管部门或系统管理员可以管理部门',
  );
  const input = assertShape<OrganisationInput>(OrganisationInputSchema, body);
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      await assertParent(trx, input.parentId);
      const now = ctx.clock.now();
      const row = await trx
        .insertInto('organisation')
        .values({
          name: input.name,
          name_en: input.nameEn ?? null,
          org_code: input.orgCode,
          parent_id: input.parentId ?? null,
          region_code: input.regionCode,
          admin_level: input.adminLevel,
          description: input.description ?? null,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const org = toOrganisation(row);
      await appendAudit(trx, now, {
        actorId: a.userId,
        action: 'organisation.create',
        entityType: 'organisation',
        entityId: org.id,
        after: org,
      });
      return org;
    });
  } catch (err) {
    throw uniqueViolation(err) ?? err;
  }
}

export async function updateOrganisation(
  ctx: Context,
  actor: Actor | null,
  id: string,
  body: unknown,
): Promise<Organisation> {
  const a = requireActor(actor);
  assertCan(
    canManageOrganisations(a),
    'Only the data authority or a sysadmin can manage organisations',
    '仅数据主管部门或系统管理员可以管理部门',
  );
  const patch = assertShape<Partial<OrganisationInput>>(OrganisationPatchSchema, body);
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const before = await getOrganisation(trx, id);
      await assertParent(trx, patch.parentId, before.id);
      const now = ctx.clock.now();
      const row = await trx
        .updateTable('organisation')
        .set({
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.nameEn !== undefined && { name_en: patch.nameEn }),
          ...(patch.orgCode !== undefined && { org_code: patch.orgCode }),
          ...(patch.parentId !== undefined && { parent_id: patch.parentId }),
          ...(patch.regionCode !== undefined && { region_code: patch.regionCode }),
          ...(patch.adminLevel !== undefined && { admin_level: patch.adminLevel }),
          ...(patch.description !== undefined && { description: patch.description }),
          updated_at: now,
        })
        .where('id', '=', before.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const after = toOrganisation(row);
      await appendAudit(trx, now, {
        actorId: a.userId,
        action: 'organisation.update',
        entityType: 'organisation',
        entityId: after.id,
        before,
        after,
      });
      return after;
    });
  } catch (err) {
    throw uniqueViolation(err) ?? err;
  }
}

/** Only an organisation with nothing attached can go: datasets and users keep their publisher. */
export async function deleteOrganisation(ctx: Context, actor: Actor | null, id: string): Promise<void> {
  const a = requireActor(actor);
  assertCan(
    canManageOrganisations(a),
    'Only the data authority or a sysadmin can manage organisations',
    '仅数据主管部门或系统管理员可以管理部门',
  );
  await ctx.db.transaction().execute(async (trx) => {
    const before = await getOrganisation(trx, id);
    const [ds, us, kids] = await Promise.all([
      trx.selectFrom('dataset').select('id').where('org_id', '=', before.id).limit(1).executeTakeFirst(),
      trx.selectFrom('app_user').select('id').where('org_id', '=', before.id).limit(1).executeTakeFirst(),
      trx
        .selectFrom('organisation')
        .select('id')
        .where('parent_id', '=', before.id)
        .limit(1)
        .executeTakeFirst(),
    ]);
    if (ds || us || kids)
      throw new DomainError('conflict', 'in_use', {
        zh: '该部门仍有数据集、用户或下级部门，不能删除',
        en: 'The organisation still has datasets, users or child organisations',
      });
    await trx.deleteFrom('organisation').where('id', '=', before.id).execute();
    await appendAudit(trx, ctx.clock.now(), {
      actorId: a.userId,
      action: 'organisation.delete',
      entityType: 'organisation',
      entityId: before.id,
      before,
    });
  });
}
