import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type ErrorKind, type Label } from '../core/index.ts';
import { requestLang } from './language.ts';

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  too_many_requests: 429,
};

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

function body(req: FastifyRequest, code: string, label: Label, details?: unknown): ErrorBody {
  const lang = requestLang(req);
  const localise = (d: unknown): unknown => {
    if (!d || typeof d !== 'object') return d;
    const fields = (d as { fields?: { field: string; code: string; message: Label }[] }).fields;
    if (!fields) return d;
    return { ...d, fields: fields.map((f) => ({ field: f.field, code: f.code, message: f.message[lang] })) };
  };
  return {
    error: { code, message: label[lang], ...(details !== undefined && { details: localise(details) }) },
  };
}

/** Fastify's own failures, before a route runs, in the same error shape as the domain's. */
function frameworkError(
  err: FastifyError,
): { status: number; code: string; label: Label; details?: unknown } | null {
  const status = err.statusCode ?? 500;
  if (err.validation) {
    const fields = err.validation.map((v) => {
      const missing = (v.params as { missingProperty?: string })?.missingProperty;
      const field =
        (missing ?? v.instancePath.replace(/^\//, '').replace(/\//g, '.')) ||
        String(err.validationContext ?? 'request');
      return {
        field,
        code: missing ? 'required' : 'invalid',
        message: { zh: `参数 ${field} 不符合要求：${v.message}`, en: `${field}: ${v.message}` },
      };
    });
    return {
      status: 400,
      code: 'validation_failed',
      label: {
        zh: `参数有误：${fields.map((f) => f.field).join(', ')}`,
        en: `Invalid parameters: ${fields.map((f) => f.field).join(', ')}`,
      },
      details: { fields },
    };
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        code: 'payload_too_large',
        label: { zh: '请求体过大', en: 'Request body is too large' },
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        code: 'unsupported_media_type',
        label: { zh: '不支持的内容类型', en: 'Unsupported content type' },
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        status: 400,
        code: 'invalid_json',
        label: { zh: 'JSON 请求体为空', en: 'The JSON body is empty' },
      };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return {
        status: 400,
        code: 'invalid_request',
        label: { zh: '请求长度不正确', en: 'Invalid content length' },
      };
  }
  if (
    err instanceof SyntaxError ||
    err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    (status === 400 && /JSON/i.test(err.message))
  )
    return {
      status: 400,
      code: 'invalid_json',
      label: { zh: '请求体不是合法的 JSON', en: 'The body is not valid JSON' },
    };
  if (status === 429)
    return {
      status,
      code: 'rate_limited',
      label: { zh: '请求过于频繁，请稍后再试', en: 'Too many requests; try again later' },
    };
  if (status >= 400 && status < 500)
    return { status, code: 'bad_request', label: { zh: '请求无效', en: err.message } };
  return null;
}

export function errorHandler(err: FastifyError | DomainError, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof DomainError) {
    return reply.status(STATUS[err.kind]).send(body(req, err.code, err.label, err.details));
  }
  const known = frameworkError(err as FastifyError);
  if (known) return reply.status(known.status).send(body(req, known.code, known.label, known.details));
  req.log.error({ err }, 'unhandled error');
  return reply
    .status(500)
    .send(body(req, 'internal_error', { zh: '服务器内部错误', en: 'Internal server error' }));
}

export function notFoundHandler(req: FastifyRequest, reply: FastifyReply) {
  return reply.status(404).send(
    body(req, 'route_not_found', {
      zh: '没有这个接口',
      en: `No route ${req.method} ${req.url.split('?')[0]}`,
    }),
  );
}
