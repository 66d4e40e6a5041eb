import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { Context } from '../platform/index.ts';
import { asCaller } from '../data/index.ts';
import { registerAuth, type Authenticator } from './auth.ts';
import { clientErrorHandler, errorHandler, notFoundHandler } from './errors.ts';
import { registerInputHygiene } from './hygiene.ts';
import { registerSecurityHeaders } from './headers.ts';
import { registerCors } from './cors.ts';
import { healthRoutes } from './routes/health.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { vocabularyRoutes } from './routes/vocabularies.ts';
import { accessRoutes } from './routes/access.ts';
import { dataRoutes } from './routes/data.ts';
import { applicationRoutes } from './routes/applications.ts';
import { sharingRoutes } from './routes/sharing.ts';
import { noticeRoutes } from './routes/notices.ts';
import { calendarRoutes } from './routes/calendar.ts';
import { rulingRoutes } from './routes/rulings.ts';

export interface AppOptions {
  /** Sign-in methods beyond API tokens (the web console's session cookie). */
  authenticators?: Authenticator[];
  /** Further route sets (the web portal) registered after the API. */
  extensions?: ((app: FastifyInstance, ctx: Context) => Promise<void>)[];
}

export async function buildApp(ctx: Context, opts: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger as unknown as FastifyBaseLogger,
    bodyLimit: ctx.config.bodyLimitBytes,
    // Long path parameters reach the route schema and get a 400 naming the parameter, not a bare 414.
    // Router options go under routerOptions: at the top level Fastify 5 warns (FSTDEP022) on every start.
    routerOptions: { maxParamLength: 1000 },
    trustProxy: ctx.config.trustProxy,
    // Malformed URLs and requests Fastify cannot parse answer in the API's error shape too.
    frameworkErrors: (err, req, reply) => errorHandler(err, req, reply),
    clientErrorHandler,
  });

  // Query strings and path parameters arrive as text, so they are coerced; bodies are checked
  // by the domain (core schemas) so the API, web forms and CLI give one set of errors.
  const ajv = new Ajv({
    coerceTypes: 'array',
    useDefaults: true,
    allErrors: true,
    removeAdditional: false,
    strict: false,
  });
  addFormats.default(ajv);
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body' ? () => true : ajv.compile(schema),
  );

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);

  registerInputHygiene(app);
  await registerSecurityHeaders(app, ctx.config.baseUrl);
  await app.register(rateLimit, {
    max: ctx.config.rateLimitPerMinute,
    timeWindow: '1 minute',
    keyGenerator: (req) => req.actor?.userId ?? req.ip,
    hook: 'preHandler',
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Kaifang API',
        description: '开放 Kaifang — government open data (数据开放) and sharing (数据共享) platform API',
        version: '1',
      },
      servers: [{ url: ctx.config.baseUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });

  // A wrong token counts against its address's limit like any request, so guessing is throttled.
  const countFailure = app.createRateLimit();
  registerAuth(app, ctx, opts.authenticators, async (req, reply) => {
    const limit = await countFailure(req);
    if (!limit.isAllowed && limit.isExceeded) {
      reply.header('retry-after', limit.ttlInSeconds);
      throw Object.assign(new Error('Too many requests'), { statusCode: 429 });
    }
  });
  registerCors(app, ctx.config.corsOrigins);
  // Reads are counted deep in the data plane; it learns whose use to record from the request's scope.
  app.addHook('preHandler', (req, _reply, done) => asCaller({ actor: req.actor, address: req.ip }, done));
  await app.register(healthRoutes(ctx));
  await app.register(catalogRoutes(ctx), { prefix: '/api/v1' });
  await app.register(vocabularyRoutes(), { prefix: '/api/v1' });
  await app.register(accessRoutes(ctx), { prefix: '/api/v1' });
  await app.register(dataRoutes(ctx), { prefix: '/api/v1' });
  await app.register(applicationRoutes(ctx), { prefix: '/api/v1' });
  await app.register(sharingRoutes(ctx), { prefix: '/api/v1' });
  await app.register(noticeRoutes(ctx), { prefix: '/api/v1' });
  await app.register(calendarRoutes(ctx), { prefix: '/api/v1' });
  await app.register(rulingRoutes(ctx), { prefix: '/api/v1' });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  for (const ext of opts.extensions ?? []) await ext(app, ctx);
  return app;
}
