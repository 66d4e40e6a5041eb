import { DomainError, forbidden, validationFailed, type Actor, type Role } from '../core/index.ts';
import type { Context } from '../platform/index.ts';
import { appendAudit } from './audit.ts';
import { matchTotp, newTotpSecret, otpauthUri } from './totp.ts';

/**
 * The optional second factor for staff (ADR 0028): a TOTP code from an authenticator app, asked at
 * sign-in once the user has turned it on. Staff are the roles that can change what the public sees
 * or read what it cannot; a public user's account guards only their own applications.
 */
export const TWO_FACTOR_ROLES: readonly Role[] = ['department', 'reviewer', 'authority', 'sysadmin'];

export type TwoFactorState =
  | { state: 'off' }
  /** Set up but not yet confirmed with a first code: the secret is shown again until it is. */
  | { state: 'pending'; secret: string; uri: string }
  | { state: 'on'; since: string };

const codeProblem = () =>
  validationFailed([
    {
      field: 'code',
      code: 'wrong',
      message: { zh: '验证码不正确或已过期', en: 'The code is wrong or has expired' },
    },
  ]);

async function userRow(ctx: Context, userId: string) {
  return ctx.db
    .selectFrom('app_user')
    .select(['id', 'email', 'totp_secret', 'totp_enabled_at', 'totp_last_step'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
}

const stepOf = (v: string | number | null) => (v === null ? null : Number(v));

export async function twoFactorState(ctx: Context, actor: Actor): Promise<TwoFactorState> {
  const r = await userRow(ctx, actor.userId);
  if (r.totp_enabled_at) return { state: 'on', since: new Date(r.totp_enabled_at).toISOString() };
  if (r.totp_secret)
    return { state: 'pending', secret: r.totp_secret, uri: otpauthUri(r.totp_secret, r.email) };
  return { state: 'off' };
}

/** A new secret for the user's app; the factor is on only once a code from it is confirmed. */
export async function startTwoFactor(ctx: Context, actor: Actor): Promise<TwoFactorState> {
  if (!TWO_FACTOR_ROLES.includes(actor.role) || actor.grantId)
    throw forbidden('Two-step verification is for staff accounts', '两步验证仅适用于工作人员账号');
  const r = await userRow(ctx, actor.userId);
  if (r.totp_enabled_at)
    throw new DomainError('conflict', 'two_factor_on', {
      zh: '两步验证已开启',
      en: 'Two-step verification is already on',
    });
  const secret = newTotpSecret();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('app_user')
      .set({ totp_secret: secret, totp_last_step: null })
      .where('id', '=', actor.userId)
      .execute();
    await appendAudit(trx, ctx.clock.now(), {
      actorId: actor.userId,
      action: 'user.two_factor_start',
      entityType: 'user',
      entityId: actor.userId,
    });
  });
  return { state: 'pending', secret, uri: otpauthUri(secret, r.email) };
}

/** Turns the factor on (`on`) or off (`off`); either needs a current code from the app. */
export async function setTwoFactor(
  ctx: Context,
  actor: Actor,
  to: 'on' | 'off',
  code: string,
): Promise<void> {
  const r = await userRow(ctx, actor.userId);
  if (!r.totp_secret || (to === 'on') === Boolean(r.totp_enabled_at))
    throw new DomainError('conflict', 'invalid_transition', {
      zh: to === 'on' ? '请先设置两步验证' : '两步验证未开启',
      en: to === 'on' ? 'Set up two-step verification first' : 'Two-step verification is not on',
    });
  const now = ctx.clock.now();
  const step = matchTotp(r.totp_secret, code.trim(), now, stepOf(r.totp_last_step));
  if (step === null) throw codeProblem();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('app_user')
      .set(
        to === 'on'
          ? { totp_enabled_at: now, totp_last_step: step }
          : { totp_secret: null, totp_enabled_at: null, totp_last_step: null },
      )
      .where('id', '=', actor.userId)
      .execute();
    await appendAudit(trx, now, {
      actorId: actor.userId,
      action: to === 'on' ? 'user.two_factor_on' : 'user.two_factor_off',
      entityType: 'user',
      entityId: actor.userId,
    });
  });
}

/**
 * At sign-in, after the password: `none` when the user has no second factor, `ok` when `code` is
 * right (and is then spent), `missing` or `wrong` otherwise.
 */
export async function checkSecondFactor(
  ctx: Context,
  userId: string,
  code: string | null,
): Promise<'none' | 'ok' | 'missing' | 'wrong'> {
  const r = await userRow(ctx, userId);
  if (!r.totp_enabled_at || !r.totp_secret) return 'none';
  if (!code?.trim()) return 'missing';
  const step = matchTotp(r.totp_secret, code.trim(), ctx.clock.now(), stepOf(r.totp_last_step));
  if (step === null) return 'wrong';
  // Spent only if no one spent it first: two sign-ins racing with one code cannot both pass.
  const spent = await ctx.db
    .updateTable('app_user')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(spent.numUpdatedRows) === 1 ? 'ok' : 'wrong';
}

export const secondFactorRequired = () =>
  new DomainError('unauthenticated', 'second_factor_required', {
    zh: '请输入身份验证器应用中的 6 位验证码',
    en: 'Enter the 6-digit code from your authenticator app',
  });
