import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import * as identity from '../../identity/index.ts';
import * as access from '../../access/index.ts';
import type { Context } from '../../platform/index.ts';
import { Id, Paging, security } from './support.ts';

/** The public notice of revocations (公示) and each user's in-app notifications. */
export const noticeRoutes =
  (ctx: Context): FastifyPluginAsync =>
  async (app) => {
    app.get(
      '/notices/revocations',
      {
        schema: {
          tags: ['notices'],
          summary: 'Public notice of revoked grants (公示); names masked',
          querystring: Type.Object(Paging),
        },
      },
      async (req) => access.listRevocationNotices(ctx, req.query as { page?: number; pageSize?: number }),
    );

    const tags = ['notifications'];
    app.get(
      '/notifications',
      {
        schema: {
          tags,
          summary: 'My notifications, newest first',
          querystring: Type.Object({ unread: Type.Optional(Type.Boolean()), ...Paging }),
          security,
        },
      },
      async (req) =>
        identity.listNotifications(
          ctx,
          identity.requireActor(req.actor),
          req.query as { unread?: boolean; page?: number; pageSize?: number },
        ),
    );
    app.post('/notifications/:id/read', { schema: { tags, params: Id, security } }, async (req) => ({
      changed: await identity.markNotificationsRead(
        ctx,
        identity.requireActor(req.actor),
        (req.params as { id: string }).id,
      ),
    }));
    app.post('/notifications/read-all', { schema: { tags, security } }, async (req) => ({
      changed: await identity.markNotificationsRead(ctx, identity.requireActor(req.actor)),
    }));
  };
