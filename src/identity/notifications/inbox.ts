import { notFound, type Actor, type Label, type Page } from '../../core/index.ts';
import type { Context } from '../../platform/index.ts';
import { appendAudit } from '../audit.ts';
import { renderNotification, type NotificationParams } from './messages.ts';

export interface Notification {
  id: string;
  kind: string;
  title: Label;
  body: Label;
  params: NotificationParams;
  entityType: string | null;
  entityId: string | null;
  createdAt: string;
  readAt: string | null;
}

export async function listNotifications(
  ctx: Context,
  actor: Actor,
  opts: { unread?: boolean; page?: number; pageSize?: number } = {},
): Promise<Page<Notification> & { unread: number }> {
  const page = Math.max(1, opts.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, opts.pageSize ?? 20));
  let q = ctx.db.selectFrom('notification').where('user_id', '=', actor.userId);
  if (opts.unread) q = q.where('read_at', 'is', null);
  const [{ total }, { unread }] = await Promise.all([
    q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ctx.db
      .selectFrom('notification')
      .where('user_id', '=', actor.userId)
      .where('read_at', 'is', null)
      .select((eb) => eb.fn.countAll<number>().as('unread'))
      .executeTakeFirstOrThrow(),
  ]);
  const rows = await q
    .select(['id', 'kind', 'params', 'entity_type', 'entity_id', 'created_at', 'read_at'])
    .orderBy('seq', 'desc')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  const items = rows.map((r) => {
    const params = (r.params ?? {}) as NotificationParams;
    return {
      id: r.id,
      kind: r.kind,
      ...renderNotification(r.kind, params),
      params,
      entityType: r.entity_type,
      entityId: r.entity_id,
      createdAt: new Date(r.created_at).toISOString(),
      readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
    };
  });
  return { items, total: Number(total), page, pageSize, unread: Number(unread) };
}

/** Marks one notice (or, without an id, every notice) of the caller as read; returns how many changed. */
export async function markNotificationsRead(ctx: Context, actor: Actor, id?: string): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    if (id) {
      const own = await trx
        .selectFrom('notification')
        .select('id')
        .where('id', '=', id)
        .where('user_id', '=', actor.userId)
        .executeTakeFirst();
      if (!own) throw notFound('Notification', '通知');
    }
    let q = trx
      .updateTable('notification')
      .set({ read_at: now })
      .where('user_id', '=', actor.userId)
      .where('read_at', 'is', null);
    if (id) q = q.where('id', '=', id);
    const changed = Number((await q.executeTakeFirst()).numUpdatedRows);
    if (changed)
      await appendAudit(trx, now, {
        actorId: actor.userId,
        action: 'notification.read',
        entityType: 'notification',
        entityId: id ?? null,
        after: { count: changed },
      });
    return changed;
  });
}
