import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticateToken } from '../identity/index.ts';
import { unauthenticated, type Actor } from '../core/index.ts';
import type { Context } from '../platform/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

/** Other ways of signing in (the web session cookie) register here, tried after the bearer token. */
export type Authenticator = (req: FastifyRequest) => Promise<Actor | null>;

/** Runs before a wrong token is refused; it may refuse harder (429) instead. */
export type AuthFailureHook = (req: FastifyRequest, reply: FastifyReply) => Promise<void>;

/**
 * Resolves the caller once per request. A bearer token that is present but wrong is an
 * error, not anonymity: a client with a revoked token should learn so, not see less data silently.
 */
export function registerAuth(
  app: FastifyInstance,
  ctx: Context,
  extra: Authenticator[] = [],
  onFailure?: AuthFailureHook,
) {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (req, reply) => {
    const header = req.headers.authorization;
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      const actor = m ? await authenticateToken(ctx, m[1]) : null;
      if (!actor) {
        await onFailure?.(req, reply);
        throw unauthenticated();
      }
      req.actor = actor;
      return;
    }
    for (const a of extra) {
      const actor = await a(req);
      if (actor) {
        req.actor = actor;
        return;
      }
    }
  });
}
