import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import * as identity from '../../identity/index.ts';
import { assertShape, type Actor, type Role } from '../../core/index.ts';
import type { Context } from '../../platform/index.ts';

const security = [{ bearer: [] }];
const TokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
const UserBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 200 }),
    name: Type.Optional(Type.String({ maxLength: 100 })),
    role: Type.Union(
      ['public', 'department', 'reviewer', 'authority', 'sysadmin'].map((r) => Type.Literal(r)),
    ),
    orgId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
    password: Type.Optional(
      Type.String({ minLength: identity.PASSWORD_MIN, maxLength: identity.PASSWORD_MAX }),
    ),
  },
  { additionalProperties: false },
);

export const accessRoutes =
  (ctx: Context): FastifyPluginAsync =>
  async (app) => {
    const tags = ['identity'];
    app.get('/me', { schema: { tags, security } }, async (req) => {
      const a = identity.requireActor(req.actor);
      return identity.getUser(ctx.db, a.userId);
    });
    app.get('/tokens', { schema: { tags, security } }, async (req) => {
      const items = await identity.listTokens(ctx.db, identity.requireActor(req.actor).userId);
      return { items, total: items.length, page: 1, pageSize: items.length };
    });
    app.post(
      '/tokens',
      {
        schema: { tags, summary: 'Create an API token for yourself; shown once', body: TokenBody, security },
      },
      async (req, reply) => {
        const a = identity.requireActor(req.actor);
        const body = assertShape<{ name: string; expiresAt?: string }>(TokenBody, req.body);
        return reply
          .status(201)
          .send(
            await identity.createToken(
              ctx,
              a.userId,
              a.userId,
              body.name,
              body.expiresAt ? new Date(body.expiresAt) : null,
            ),
          );
      },
    );
    app.delete(
      '/tokens/:id',
      { schema: { tags, params: Type.Object({ id: Type.String({ format: 'uuid' }) }), security } },
      async (req, reply) => {
        await identity.revokeToken(ctx, identity.requireActor(req.actor), (req.params as { id: string }).id);
        return reply.status(204).send();
      },
    );
    app.post(
      '/users',
      { schema: { tags, summary: 'Create a user (sysadmin)', body: UserBody, security } },
      async (req, reply) => {
        const a = identity.requireActor(req.actor);
        identity.assertCan(
          identity.canManageUsers(a),
          'Only a sysadmin can create users',
          '仅系统管理员可以创建用户',
        );
        const body = assertShape<{
          email: string;
          name?: string;
          role: Role;
          orgId?: string | null;
          password?: string;
        }>(UserBody, req.body);
        return reply.status(201).send(await identity.createUser(ctx, a.userId, body));
      },
    );
    app.post(
      '/users/:id/disable',
      {
        schema: {
          tags,
          summary: 'Suspend a user (sysadmin): no more sign-in; every token and session is revoked',
          params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
          security,
        },
      },
      async (req) => {
        const a = identity.requireActor(req.actor);
        identity.assertCan(
          identity.canManageUsers(a),
          'Only a sysadmin can suspend users',
          '仅系统管理员可以停用用户',
        );
        return identity.disableUser(ctx, a, (req.params as { id: string }).id);
      },
    );

    const auditTags = ['audit'];
    const supervising = (req: { actor: Actor | null }) => {
      const a = identity.requireActor(req.actor);
      identity.assertCan(
        a.role === 'sysadmin' || a.role === 'authority',
        'Only the data authority or a sysadmin can read the audit log',
        '仅数据主管部门或系统管理员可以查看审计日志',
      );
    };
    app.get(
      '/audit',
      {
        schema: {
          tags: auditTags,
          security,
          querystring: Type.Object({
            entityId: Type.Optional(Type.String()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          }),
        },
      },
      async (req) => {
        supervising(req);
        const items = await identity.listAudit(ctx.db, req.query as { entityId?: string; limit?: number });
        return { items, total: items.length, page: 1, pageSize: items.length };
      },
    );
    app.get(
      '/audit/verify',
      { schema: { tags: auditTags, summary: 'Recompute the audit hash chain', security } },
      async (req) => {
        supervising(req);
        return identity.verifyAudit(ctx.db);
      },
    );
  };
