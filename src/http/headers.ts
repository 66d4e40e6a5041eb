import type { FastifyInstance, FastifyRequest } from 'fastify';
import helmet from '@fastify/helmet';

const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Strict security headers. HSTS and `upgrade-insecure-requests` only where the site is served
 * over https (its public base URL, or this request as the trusted proxy reports it): over plain
 * http the first is meaningless and the second sends browsers to an https port that may not exist.
 */
export async function registerSecurityHeaders(app: FastifyInstance, baseUrl: string): Promise<void> {
  await app.register(helmet, {
    strictTransportSecurity: false,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
  });
  const httpsSite = baseUrl.startsWith('https:');
  const overHttps = (req: FastifyRequest) => httpsSite || req.protocol === 'https';
  app.addHook('onSend', async (req, reply, payload) => {
    if (!overHttps(req)) return payload;
    reply.header('strict-transport-security', HSTS);
    const csp = reply.getHeader('content-security-policy');
    if (typeof csp === 'string' && !csp.includes('upgrade-insecure-requests'))
      reply.header('content-security-policy', `${csp};upgrade-insecure-requests`);
    return payload;
  });
}
