import type { Kdb } from '../../platform/index.ts';
import type { NotificationKind, NotificationParams } from './messages.ts';

/** Who receives a notice: named users, every staff member of a department, or the data authority. */
export interface Recipients {
  users?: (string | null | undefined)[];
  orgStaff?: string | null;
  authority?: boolean;
}

export interface NoticeInput {
  kind: NotificationKind;
  params: NotificationParams;
  entityType: string;
  entityId: string;
}

async function resolveRecipients(trx: Kdb, to: Recipients): Promise<string[]> {
  const ids = new Set(to.users?.filter((u): u is string => !!u));
  if (to.orgStaff || to.authority) {
    let q = trx.selectFrom('app_user').select('id').where('disabled_at', 'is', null);
    q = q.where((eb) =>
      eb.or([
        ...(to.orgStaff ? [eb.and([eb('role', '=', 'department'), eb('org_id', '=', to.orgStaff)])] : []),
        ...(to.authority ? [eb('role', '=', 'authority')] : []),
      ]),
    );
    for (const r of await q.execute()) ids.add(r.id);
  }
  return [...ids];
}

/**
 * Writes in-app notices inside the caller's transaction: a notice exists exactly when the change
 * it announces does. Returns the users notified (for an email channel to follow up).
 */
export async function notify(trx: Kdb, at: Date, to: Recipients, notice: NoticeInput): Promise<string[]> {
  const users = await resolveRecipients(trx, to);
  if (!users.length) return users;
  await trx
    .insertInto('notification')
    .values(
      users.map((userId) => ({
        user_id: userId,
        kind: notice.kind,
        params: JSON.stringify(notice.params),
        entity_type: notice.entityType,
        entity_id: notice.entityId,
        created_at: at,
      })),
    )
    .execute();
  return users;
}
