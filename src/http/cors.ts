import type { FastifyInstance } from 'fastify';

/**
 * Browser apps on other sites may read the open API: anonymous GET and HEAD requests under
 * /api/v1 get `Access-Control-Allow-Origin` for the configured origins (`*` by default). Never
 * with credentials: a request that is signed in (token or session cookie) gets no CORS header,
 * `Access-Control-Allow-Credentials` is never sent, and preflights (which any Authorization
 * header triggers) are not answered, so the browser refuses them.
 */
export function registerCors(app: FastifyInstance, origins: string[]): void {
  if (!origins.length) return;
  const any = origins.includes('*');
  const allowed = new Set(origins);
  app.addHook('onSend', async (req, reply, payload) => {
    const origin = req.headers.origin;
    if (!origin || (req.method !== 'GET' && req.method !== 'HEAD')) return payload;
    if (!req.url.startsWith('/api/v1/') || req.actor || req.headers.authorization) return payload;
    if (any) reply.header('access-control-allow-origin', '*');
    else {
      reply.header('vary', 'Origin');
      if (!allowed.has(origin)) return payload;
      reply.header('access-control-allow-origin', origin);
    }
    reply.header(
      'access-control-expose-headers',
      'content-disposition, retry-after, x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset',
    );
    // Helmet's same-origin policy would stop pages that isolate themselves (COEP) from using it.
    reply.header('cross-origin-resource-policy', 'cross-origin');
    return payload;
  });
}
