import type { FastifyPluginAsync } from 'fastify';
import { sql, type Context } from '../../platform/index.ts';

export const healthRoutes =
  (ctx: Context): FastifyPluginAsync =>
  async (app) => {
    app.get(
      '/healthz',
      { schema: { tags: ['system'], summary: 'Liveness and database reachability' } },
      async (_req, reply) => {
        try {
          await sql`SELECT 1`.execute(ctx.db);
          return { status: 'ok', database: ctx.database.kind };
        } catch {
          return reply.status(503).send({ status: 'unavailable', database: ctx.database.kind });
        }
      },
    );
  };
