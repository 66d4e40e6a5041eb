import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { fastifyCookie } from '@fastify/cookie';
import { authenticateSession, SESSION_HOURS, type Session } from '../identity/index.ts';
import { DomainError, type Actor } from '../core/index.ts';
import type { Context } from '../platform/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when the caller signed in with the console cookie (not with a bearer token). */
    webSession: Session | null;
  }
}

export const SESSION_COOKIE = 'kaifang_session';
/** Double-submit token for forms sent before there is a session (sign-in), against login CSRF. */
export const FORM_COOKIE = 'kaifang_form';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const cookiesOf = (req: FastifyRequest): Record<string, string | undefined> =>
  fastifyCookie.parse(req.headers.cookie ?? '');

/** Cookies are Secure whenever the installation is served over https. */
export function cookieOptions(ctx: Context, maxAgeSeconds: number | null, httpOnly = true) {
  return {
    path: '/',
    httpOnly,
    sameSite: 'lax' as const,
    secure: ctx.config.baseUrl.startsWith('https://'),
    ...(maxAgeSeconds !== null && { maxAge: maxAgeSeconds }),
  };
}

export const sessionCookieOptions = (ctx: Context) => cookieOptions(ctx, SESSION_HOURS * 3600);

/** The console cookie as a way of signing in; tried after the bearer token (src/http/auth.ts). */
export function sessionAuthenticator(ctx: Context) {
  return async (req: FastifyRequest): Promise<Actor | null> => {
    const token = cookiesOf(req)[SESSION_COOKIE];
    if (!token) return null;
    const session = await authenticateSession(ctx, token);
    if (!session) return null;
    req.webSession = session;
    return session.actor;
  };
}

export function sameToken(sent: unknown, expected: string): boolean {
  if (typeof sent !== 'string' || sent.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(sent), Buffer.from(expected));
}

export const csrfFailed = () =>
  new DomainError('forbidden', 'csrf_failed', {
    zh: '请求缺少有效的防跨站令牌（CSRF），请刷新页面后重试',
    en: 'The request lacks a valid CSRF token; reload the page and try again',
  });

function sentToken(req: FastifyRequest): unknown {
  const header = req.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const body = req.body;
  return body && typeof body === 'object' && !Array.isArray(body)
    ? (body as Record<string, unknown>)._csrf
    : undefined;
}

/**
 * Every write authenticated by the session cookie — web form or API call — must carry the
 * session's synchroniser token (form field `_csrf` or header `x-csrf-token`). A bearer-token
 * caller is exempt: another site cannot make a browser send that header.
 */
export async function csrfGuard(req: FastifyRequest): Promise<void> {
  if (SAFE_METHODS.has(req.method) || !req.webSession) return;
  if (!sameToken(sentToken(req), req.webSession.csrfToken)) throw csrfFailed();
}

/** The token a form on this page must carry; before sign-in, a double-submit cookie stands in for the session's. */
export function formToken(ctx: Context, req: FastifyRequest, reply: FastifyReply): string {
  if (req.webSession) return req.webSession.csrfToken;
  const existing = cookiesOf(req)[FORM_COOKIE];
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  reply.setCookie(FORM_COOKIE, token, cookieOptions(ctx, null));
  return token;
}

/** Checks a form sent without a session (sign-in) against its double-submit cookie. */
export function checkAnonymousForm(req: FastifyRequest, sent: unknown): void {
  const cookie = cookiesOf(req)[FORM_COOKIE];
  if (!cookie || !sameToken(sent, cookie)) throw csrfFailed();
}
