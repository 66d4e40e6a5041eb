import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, errorStatus, type Label } from '../core/index.ts';
import { scrubPaths } from '../platform/index.ts';
import { requestLang } from './language.ts';

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

type Refusal = { status: number; code: string; label: Label };
const refusal = (status: number, code: string, zh: string, en: string): Refusal => ({
  status,
  code,
  label: { zh, en },
});

/** Fastify's refusals that have a status and words of their own, by its error code. */
const REFUSALS: Record<string, Refusal> = {
  FST_ERR_CTP_BODY_TOO_LARGE: refusal(413, 'payload_too_large', '请求体过大', 'Request body is too large'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: refusal(
    415,
    'unsupported_media_type',
    '不支持的内容类型',
    'Unsupported content type',
  ),
  FST_ERR_CTP_EMPTY_JSON_BODY: refusal(400, 'invalid_json', 'JSON 请求体为空', 'The JSON body is empty'),
  FST_ERR_BAD_URL: refusal(
    400,
    'invalid_url',
    '网址中的百分号编码无效',
    'The URL holds an invalid percent-encoding',
  ),
  FST_ERR_MAX_PARAM_LENGTH: refusal(414, 'uri_too_long', '网址过长', 'The URL is too long'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: refusal(
    400,
    'invalid_request',
    '请求长度不正确',
    'Invalid content length',
  ),
};

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
  if (err.code && Object.hasOwn(REFUSALS, err.code)) return { ...REFUSALS[err.code] };
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
    return { status, code: 'bad_request', label: { zh: '请求无效', en: scrubPaths(err.message) } };
  return null;
}

export function errorHandler(err: FastifyError | DomainError, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof DomainError) {
    return reply.status(errorStatus[err.kind]).send(body(req, err.code, err.label, err.details));
  }
  const known = frameworkError(err as FastifyError);
  if (known) return reply.status(known.status).send(body(req, known.code, known.label, known.details));
  req.log.error({ err }, 'unhandled error');
  return reply
    .status(500)
    .send(body(req, 'internal_error', { zh: '服务器内部错误', en: 'Internal server error' }));
}

/**
 * Requests too broken for Fastify to parse (bad header bytes, oversized headers) never reach a
 * handler; they still get the API's error shape, in the default language, and the socket is closed.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, text, zh] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'Request Header Fields Too Large', '请求头过大']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'Request Timeout', '请求超时']
        : [400, 'invalid_request', 'Bad Request', '请求格式错误'];
  const payload = JSON.stringify({ error: { code, message: zh } });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(payload)}\r\nConnection: close\r\n\r\n${payload}`,
  );
}

export function notFoundHandler(req: FastifyRequest, reply: FastifyReply) {
  return reply.status(404).send(
    body(req, 'route_not_found', {
      zh: '没有这个接口',
      en: `No route ${req.method} ${req.url.split('?')[0]}`,
    }),
  );
}
