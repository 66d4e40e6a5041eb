import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import { DomainError, errorStatus } from '../core/index.ts';
import type { Context } from '../platform/index.ts';
import { ECHARTS_DIR, ECHARTS_FILE, STATIC_DIR } from './assets.ts';
import { csrfGuard } from './session-auth.ts';
import { rememberPreferences, viewOf, link } from './view.ts';
import { sendPage, seeOther } from './respond.ts';
import { errorPage } from './pages/error.ts';
import { portalRoutes } from './routes/portal.ts';
import { consoleRoutes } from './routes/console.ts';
import { calendarRoutes } from './routes/calendar.ts';
import { applyRoutes } from './routes/apply.ts';
import { unreadBadge, workflowRoutes } from './workflows.ts';

/** Failures on a page answer as a page, in the visitor's language; the API keeps its JSON errors. */
function pageErrors(ctx: Context) {
  return (err: FastifyError | DomainError, req: FastifyRequest, reply: FastifyReply) => {
    let status: number;
    let message: string | undefined;
    const v = viewOf(ctx, req, reply);
    if (err instanceof DomainError) {
      status = errorStatus[err.kind] ?? 400;
      message = err.label[v.lang];
      if (status === 401 && req.method === 'GET')
        return seeOther(reply, link('/console/sign-in', { next: req.url }));
    } else {
      status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) req.log.error({ err }, 'page failed');
    }
    return sendPage(reply, errorPage(v, status, message), status);
  };
}

/** The portal and console: pages, static assets, sessions' CSRF check. Registered after the API. */
export async function registerWeb(app: FastifyInstance, ctx: Context): Promise<void> {
  app.decorateRequest('webSession', null);
  // Root-level, so it also guards the API against cookie-authenticated writes without the token.
  app.addHook('preHandler', csrfGuard);

  await app.register(async (web) => {
    await web.register(cookie);
    await web.register(formbody);
    await web.register(fastifyStatic, {
      root: STATIC_DIR,
      prefix: '/static/',
      immutable: true,
      maxAge: '365d',
      index: false,
      wildcard: true,
    });
    web.get(`/static/vendor/${ECHARTS_FILE}`, (_req, reply) =>
      reply.sendFile(ECHARTS_FILE, ECHARTS_DIR, { immutable: true, maxAge: '365d' }),
    );
    web.setErrorHandler(pageErrors(ctx));
    web.addHook('onRequest', async (req, reply) => rememberPreferences(ctx, req, reply));
    web.addHook('preHandler', unreadBadge(ctx));

    portalRoutes(web, ctx);
    consoleRoutes(web, ctx);
    calendarRoutes(web, ctx);
    applyRoutes(web, ctx);
    workflowRoutes(web, ctx);

    // Unknown pages get a page; unknown API paths keep the API's JSON 404.
    web.get('/*', async (req, reply) => {
      if (/^\/(api|static)\//.test(req.url)) return reply.callNotFound();
      return sendPage(reply, errorPage(viewOf(ctx, req, reply), 404), 404);
    });
  });
}
