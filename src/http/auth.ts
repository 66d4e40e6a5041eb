import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticateToken } from '../identity/index.ts';
import { DomainError, unauthenticated, type Actor } from '../core/index.ts';
import type { Context } from '../platform/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /** Set by routes a token bound to one grant may call (see `GRANT_READS`). */
    grantToken?: 'reads';
  }
}

/**
 * A route's declaration that a grant token may call it: only reads whose answer the data gate
 * (`resolveDataAccess`) or the grant's own record confines to that grant. Every other route,
 * API or page, refuses grant tokens: token management, profile, workflows, metadata writes.
 */
export const GRANT_READS = { grantToken: 'reads' } as const;

export const outsideTokenScope = () =>
  new DomainError('forbidden', 'token_scope', {
    zh: '该令牌仅限读取其所属授权的数据，不能调用此接口',
    en: "This token is limited to reading its grant's data and cannot call this endpoint",
  });

/** Default deny: a scoped token passes only where the route declared it may. */
export function withinTokenScope(req: FastifyRequest, actor: Actor): boolean {
  return !actor.grantId || req.routeOptions.config?.grantToken === 'reads';
}

/** Other ways of signing in (the web session cookie) register here, tried after the bearer token. */
export type Authenticator = (req: FastifyRequest) => Promise<Actor | null>;

/** Runs before a wrong token is refused; it may refuse harder (429) instead. */
export type AuthFailureHook = (req: FastifyRequest, reply: FastifyReply) => Promise<void>;

/**
 * Resolves the caller once per request. A bearer token that is present but wrong is an
 * error, not anonymity: a client with a revoked token should learn so, not see less data silently.
 * The token's scope is checked here too, before the body is read, for every route at once.
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
      if (!withinTokenScope(req, actor)) throw outsideTokenScope();
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
