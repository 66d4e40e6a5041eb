import type { FieldError, Label } from './types.ts';

export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  /** Too many at once or too often: the caller may retry later (429). */
  | 'too_many';

/**
 * The HTTP status each kind answers with, the same for the API and the pages. Typed by kind so
 * that a new kind of error cannot be left without its status.
 */
export const errorStatus: Readonly<Record<ErrorKind, number>> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  too_many: 429,
};

/**
 * A failure the caller can act on. `kind` says which class of failure it is (the HTTP layer
 * maps it to a status); `code` is the stable machine-readable name clients switch on.
 */
export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    readonly label: Label,
    readonly details?: unknown,
  ) {
    super(label.en);
    this.name = 'DomainError';
  }
}

export function validationFailed(fields: FieldError[]): DomainError {
  const names = fields.map((f) => f.field).join(', ');
  return new DomainError(
    'invalid',
    'validation_failed',
    { zh: `输入有误：${names}`, en: `Invalid input: ${names}` },
    { fields },
  );
}

export const notFound = (what: string, whatZh: string) =>
  new DomainError('not_found', 'not_found', { zh: `未找到${whatZh}`, en: `${what} not found` });

export const forbidden = (en: string, zh: string) => new DomainError('forbidden', 'forbidden', { zh, en });

export const unauthenticated = () =>
  new DomainError('unauthenticated', 'unauthenticated', {
    zh: '请先登录或提供有效的访问令牌',
    en: 'Sign in or provide a valid API token',
  });
