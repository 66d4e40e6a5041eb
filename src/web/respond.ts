import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type FieldError } from '../core/index.ts';
import type { Html } from './html.ts';

/**
 * Pages differ by cookie (language, mode, who is signed in) and may show unpublished data to
 * its department, so no shared cache may keep them.
 */
export function sendPage(reply: FastifyReply, page: Html, status = 200): FastifyReply {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'private, no-store')
    .header('vary', 'Cookie')
    .send(page.value);
}

/** After a successful form post: 303 so that reloading the next page does not post again. */
export const seeOther = (reply: FastifyReply, to: string): FastifyReply => reply.redirect(to, 303);

export type FormBody = Record<string, string | string[] | undefined>;

/** A posted form as text fields only: whatever else a hostile client sends (JSON objects, numbers) is dropped. */
export function formBody(req: FastifyRequest): FormBody {
  const out: FormBody = Object.create(null);
  const body = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = v as string[];
  }
  return out;
}

export const field = (b: FormBody, name: string): string => {
  const v = b[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
};

/** The per-field errors of a `validation_failed` error, or null for any other failure (which is rethrown by the caller). */
export function fieldErrorsOf(err: unknown): FieldError[] | null {
  if (!(err instanceof DomainError) || err.code !== 'validation_failed') return null;
  const fields = (err.details as { fields?: FieldError[] } | undefined)?.fields;
  return Array.isArray(fields) ? fields : [];
}
