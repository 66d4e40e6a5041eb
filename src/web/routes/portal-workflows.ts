import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as identity from '../../identity/index.ts';
import * as access from '../../access/index.ts';
import type { Actor, Grant } from '../../core/index.ts';
import type { Context } from '../../platform/index.ts';
import { seeOther, sendPage } from '../respond.ts';
import { viewOf } from '../view.ts';
import { myApplicationsPage } from '../pages/my-applications.ts';
import { notificationsPage, revocationsPage } from '../pages/notices.ts';
import { fieldTitlesOf } from '../pages/workflow-parts.ts';
import { datasetsOf, flashOf, idParam, pageOf } from './workflow-support.ts';

/**
 * Where a notice leads. The public follow their applications in the portal; department staff
 * and the authority work in the console, whose pages also serve a department user who applied.
 */
function noticeHref(actor: Actor, n: identity.Notification): string | null {
  if (!n.entityId) return null;
  const portal = actor.role === 'public';
  if (n.entityType === 'application')
    return portal ? `/my/applications/${n.entityId}` : `/console/applications/${n.entityId}`;
  if (n.entityType === 'sharing') return `/console/sharing/${n.entityId}`;
  if (n.entityType === 'grant') return portal ? `/my/grants/${n.entityId}` : `/console/grants/${n.entityId}`;
  return null;
}

/** Unread notices counted for the header of every page a signed-in person sees. */
export function unreadBadge(ctx: Context) {
  return async (req: FastifyRequest): Promise<void> => {
    const actor = req.actor;
    if (!actor || actor.grantId || /^\/(static|api)\//.test(req.url)) return;
    req.unreadNotifications = (
      await identity.listNotifications(ctx, actor, { unread: true, pageSize: 1 })
    ).unread;
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for signed-in page requests: the header shows it as a badge. */
    unreadNotifications?: number | null;
  }
}

export function portalWorkflowRoutes(app: FastifyInstance, ctx: Context): void {
  app.get('/my/applications', async (req, reply) => {
    const actor = identity.requireActor(req.actor);
    const [list, grants] = await Promise.all([
      access.listApplications(ctx, actor, { box: 'mine', page: pageOf(req), pageSize: 20 }),
      access.listGrants(ctx, actor, { box: 'mine', pageSize: 100 }),
    ]);
    const byRequest = new Map<string, Grant>(grants.items.map((g) => [g.requestId, g]));
    const shown = list.items.flatMap((r) => (byRequest.get(r.id)?.datasets ?? []).map((d) => d.id));
    const titles = fieldTitlesOf(await datasetsOf(ctx, actor, [...new Set(shown)]));
    // A grant older than the newest hundred is still one click away, on the application's page.
    const v = viewOf(ctx, req, reply);
    return sendPage(
      reply,
      myApplicationsPage(v, { list, grants: byRequest, titles, flash: flashOf(v, req) }),
    );
  });

  app.get('/notifications', async (req, reply) => {
    const actor = identity.requireActor(req.actor);
    const list = await identity.listNotifications(ctx, actor, { page: pageOf(req), pageSize: 20 });
    return sendPage(
      reply,
      notificationsPage(viewOf(ctx, req, reply), { list, hrefOf: (n) => noticeHref(actor, n) }),
    );
  });

  app.post('/notifications/read-all', async (req, reply) => {
    await identity.markNotificationsRead(ctx, identity.requireActor(req.actor));
    return seeOther(reply, '/notifications');
  });

  app.post('/notifications/:id/read', async (req, reply) => {
    const actor = identity.requireActor(req.actor);
    await identity.markNotificationsRead(ctx, actor, idParam(req, { en: 'Notification', zh: '通知' }));
    return seeOther(reply, '/notifications');
  });

  // The public notice of revocations (公示): anyone, signed in or not.
  app.get('/notices/revocations', async (req, reply) =>
    sendPage(
      reply,
      revocationsPage(
        viewOf(ctx, req, reply),
        await access.listRevocationNotices(ctx, { page: pageOf(req), pageSize: 20 }),
      ),
    ),
  );
}
