import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../core/index.ts';
import type { Context } from '../platform/index.ts';
import { isLang, translator, type Lang, type Translate } from './i18n/index.ts';
import { cookieOptions, cookiesOf, formToken } from './session-auth.ts';

/** What every page needs to know about the request it answers. */
export interface View {
  lang: Lang;
  t: Translate;
  actor: Actor | null;
  /** High-contrast, large-text mode (无障碍浏览模式). */
  a11y: boolean;
  /** The synchroniser token forms on this page carry. */
  csrf: string;
  /** Path and query of this page, to link to itself with another language or mode. */
  url: URL;
  baseUrl: string;
  /** Unread in-app notifications of the signed-in user, for the header's badge (null: not counted). */
  unread: number | null;
}

export const LANG_COOKIE = 'kaifang_lang';
export const A11Y_COOKIE = 'kaifang_a11y';
const YEAR = 365 * 24 * 3600;

const query = (req: FastifyRequest) => (req.query ?? {}) as Record<string, unknown>;

/**
 * `?lang=` and `?a11y=` switch the page and persist in cookies, so the switches are plain links
 * that work without JavaScript. Chinese is the default whatever the browser prefers.
 */
export function rememberPreferences(ctx: Context, req: FastifyRequest, reply: FastifyReply): void {
  const q = query(req);
  if (isLang(q.lang)) reply.setCookie(LANG_COOKIE, q.lang, cookieOptions(ctx, YEAR, false));
  if (q.a11y === '1') reply.setCookie(A11Y_COOKIE, '1', cookieOptions(ctx, YEAR, false));
  if (q.a11y === '0') reply.clearCookie(A11Y_COOKIE, { path: '/' });
}

export function viewOf(ctx: Context, req: FastifyRequest, reply: FastifyReply): View {
  const q = query(req);
  const cookies = cookiesOf(req);
  const lang: Lang = isLang(q.lang)
    ? q.lang
    : isLang(cookies[LANG_COOKIE])
      ? (cookies[LANG_COOKIE] as Lang)
      : 'zh';
  const a11y = q.a11y === '1' ? true : q.a11y === '0' ? false : cookies[A11Y_COOKIE] === '1';
  return {
    lang,
    t: translator(lang),
    actor: req.actor,
    a11y,
    csrf: formToken(ctx, req, reply),
    url: new URL(req.url, 'http://kaifang.invalid'),
    baseUrl: ctx.config.baseUrl,
    unread: req.unreadNotifications ?? null,
  };
}

/** This page's URL with some query parameters replaced (null removes one); always site-relative. */
export function selfUrl(v: View, changes: Record<string, string | number | null>): string {
  const u = new URL(v.url.toString());
  for (const [k, val] of Object.entries(changes)) {
    if (val === null || val === '') u.searchParams.delete(k);
    else u.searchParams.set(k, String(val));
  }
  const qs = u.searchParams.toString();
  return u.pathname + (qs ? `?${qs}` : '');
}

/** A site-relative link with query parameters, skipping empty ones. */
export function link(path: string, params: Record<string, string | number | null | undefined> = {}): string {
  const sp = new URLSearchParams();
  for (const [k, val] of Object.entries(params))
    if (val !== null && val !== undefined && val !== '') sp.set(k, String(val));
  const qs = sp.toString();
  return qs ? `${path}?${qs}` : path;
}

const SAME_SITE = 'http://same-site.invalid';

/**
 * Where to go back to after signing in: only a path on this site. The target is parsed as a
 * browser would parse it (which drops tabs and newlines and reads `\` as `/`, so `/\t/evil`
 * means `//evil`, another host) and accepted only when it stays on this origin; what is sent
 * back is the parser's own serialisation, percent-encoded, never the raw text.
 */
export function safeNext(next: unknown, fallback = '/console'): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.length >= 500) return fallback;
  let u: URL;
  try {
    u = new URL(next, SAME_SITE);
  } catch {
    return fallback;
  }
  return u.origin === SAME_SITE ? u.pathname + u.search + u.hash : fallback;
}
