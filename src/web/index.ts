import type { AppOptions } from '../http/index.ts';
import type { Actor } from '../core/index.ts';
import type { FastifyRequest } from 'fastify';
import { registerWeb } from './plugin.ts';
import { sessionAuthenticator } from './session-auth.ts';

export { formatBytes } from './i18n/index.ts';

/**
 * The portal and console as options for `buildApp`: the session cookie as a way of signing in,
 * and the pages. The authenticator needs the context, which `buildApp` hands to extensions; it
 * is bound there, before the server accepts its first request.
 */
export function webOptions(): AppOptions {
  let authenticate: ((req: FastifyRequest) => Promise<Actor | null>) | null = null;
  return {
    authenticators: [async (req) => (authenticate ? authenticate(req) : null)],
    extensions: [
      async (app, ctx) => {
        authenticate = sessionAuthenticator(ctx);
        await registerWeb(app, ctx);
      },
    ],
  };
}

export { SESSION_COOKIE } from './session-auth.ts';
export { html, trusted, type Html } from './html.ts';
