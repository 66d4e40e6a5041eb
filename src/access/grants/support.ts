import {
  forbidden,
  reasonErrors,
  ReasonInputSchema,
  type DomainError,
  shapeErrors,
  validationFailed,
  type Actor,
  type FieldError,
} from '../../core/index.ts';
import type { TSchema } from '@sinclair/typebox';
import type { Context } from '../../platform/index.ts';
import { appendAudit } from '../../identity/index.ts';
import { requireActor } from '../../identity/index.ts';

/** The installation's working-day calendar: its holiday table plus its own additions (a query, cached). */
export { workCalendar, deadlineRule } from '../calendar/index.ts';

/**
 * A signed-in caller acting in the workflows. A token tied to a grant only reads data: it may not
 * apply, decide or revoke on anyone's behalf.
 */
export function requireWorkflowActor(actor: Actor | null): Actor {
  const a = requireActor(actor);
  if (a.grantId)
    throw forbidden(
      'A grant token can only read the data of its grant',
      '数据授权令牌只能用于读取授权范围内的数据',
    );
  return a;
}

/** An attempt outside one's remit is refused, and the attempt itself is recorded (its own transaction: the change rolled back). */
export async function refuseAndAudit(
  ctx: Context,
  actor: Actor,
  action: string,
  entityType: string,
  entityId: string,
  details: Record<string, unknown> = {},
  /** The refusal the caller sees when a plain "not yours" would not say why. */
  error: DomainError = forbidden('You may not take this step on this item', '您无权对该事项执行此操作'),
): Promise<never> {
  await ctx.db.transaction().execute((trx) =>
    appendAudit(trx, ctx.clock.now(), {
      actorId: actor.userId,
      action: `${action}.denied`,
      entityType,
      entityId,
      after: { ...details, role: actor.role, actorOrgId: actor.orgId },
    }),
  );
  throw error;
}

const blank = (field: string): FieldError => ({
  field,
  code: 'required',
  message: { zh: `${field} 不能为空白`, en: `${field} must not be blank` },
});

/** Shape errors plus "not only whitespace" for the named text fields; one error listing every field. */
export function checkBody<T>(
  schema: TSchema,
  body: unknown,
  nonBlank: string[] = [],
  extra: (b: T) => FieldError[] = () => [],
): T {
  const errors = shapeErrors(schema, body);
  if (!errors.length) {
    const b = body as Record<string, unknown>;
    for (const f of nonBlank) if (typeof b[f] === 'string' && !(b[f] as string).trim()) errors.push(blank(f));
    errors.push(...extra(body as T));
  }
  if (errors.length) throw validationFailed(errors);
  return body as T;
}

/** A `{reason}` body whose reason has substance (refusals, returns, suspensions, revocations, rulings). */
export function substantialReason(body: unknown): string {
  return checkBody<{ reason: string }>(ReasonInputSchema, body, ['reason'], (b) =>
    reasonErrors('reason', b.reason),
  ).reason.trim();
}

export const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
