import { randomBytes } from 'node:crypto';
import type { Actor, Role } from '../core/index.ts';
import type { Context } from '../platform/index.ts';
import { appendAudit } from './audit.ts';
import { checkPassword, findUserByEmail, newSecret, secretHash } from './identity.ts';
import { assertMayTrySignIn, clearAccountFailures, recordSignInFailure } from './sign-in-guard.ts';
import { checkSecondFactor, secondFactorRequired } from './two-factor.ts';

/** How long a console sign-in lasts; a government console is a working-day tool, not a "remember me". */
export const SESSION_HOURS = 12;

export interface Session {
  id: string;
  actor: Actor;
  /** Synchroniser token every cookie-authenticated write must echo back. */
  csrfToken: string;
  expiresAt: string;
}

export interface IssuedSession {
  /** The cookie value: shown once, stored only as a hash. */
  token: string;
  session: Session;
}

const TOKEN = /^ks_[A-Za-z0-9_-]{43}$/;

/**
 * Signs a user in by password; null for a wrong email or password alike. Guessing is slowed and
 * then stopped per account and per `address` (sign-in-guard.ts): a refused attempt throws
 * `sign_in_delayed` or `sign_in_locked` (429) without the password being checked. With two-step
 * verification on, `code` is needed as well (`second_factor_required` when it is missing).
 */
export async function signIn(
  ctx: Context,
  email: string,
  password: string,
  address: string | null = null,
  code: string | null = null,
): Promise<IssuedSession | null> {
  if (!email || !password || email.length > 200) return null;
  const keys = { email, address };
  await assertMayTrySignIn(ctx, keys);
  const user = await checkPassword(ctx.db, email, password);
  if (!user) {
    await recordSignInFailure(ctx, keys, (await findUserByEmail(ctx.db, email))?.id ?? null);
    return null;
  }
  // A staff member who turned on two-step verification also needs a code; without one the
  // attempt counts as failed too, or asking for the code would be a free password oracle.
  const second = await checkSecondFactor(ctx, user.id, code);
  if (second === 'missing' || second === 'wrong') {
    await recordSignInFailure(ctx, keys, user.id, 'second_factor');
    if (second === 'missing') throw secondFactorRequired();
    return null;
  }
  const token = newSecret('ks');
  const csrfToken = randomBytes(32).toString('base64url');
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3600_000);
  return ctx.db.transaction().execute(async (trx) => {
    // Dead sessions of this user are kept out of the table; their creation and end are in the audit log.
    await trx
      .deleteFrom('web_session')
      .where('user_id', '=', user.id)
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('revoked_at', 'is not', null)]))
      .execute();
    await clearAccountFailures(trx, email);
    const row = await trx
      .insertInto('web_session')
      .values({
        token_hash: secretHash(token),
        user_id: user.id,
        csrf_token: csrfToken,
        created_at: now,
        expires_at: expiresAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, now, {
      actorId: user.id,
      action: 'session.create',
      entityType: 'session',
      entityId: row.id,
      after: { expiresAt: expiresAt.toISOString() },
    });
    return {
      token,
      session: {
        id: row.id,
        actor: { userId: user.id, email: user.email, role: user.role, orgId: user.orgId },
        csrfToken,
        expiresAt: expiresAt.toISOString(),
      },
    };
  });
}

/** The live session a cookie value stands for: null when unknown, revoked, expired or its user disabled. */
export async function authenticateSession(ctx: Context, token: string): Promise<Session | null> {
  if (!TOKEN.test(token)) return null;
  const r = await ctx.db
    .selectFrom('web_session')
    .innerJoin('app_user', 'app_user.id', 'web_session.user_id')
    .select([
      'web_session.id',
      'web_session.csrf_token',
      'web_session.expires_at',
      'app_user.id as user_id',
      'app_user.email',
      'app_user.role',
      'app_user.org_id',
    ])
    .where('web_session.token_hash', '=', secretHash(token))
    .where('web_session.revoked_at', 'is', null)
    .where('app_user.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!r || new Date(r.expires_at) <= ctx.clock.now()) return null;
  return {
    id: r.id,
    actor: { userId: r.user_id, email: r.email, role: r.role as Role, orgId: r.org_id },
    csrfToken: r.csrf_token,
    expiresAt: new Date(r.expires_at).toISOString(),
  };
}

/** Sign-out: the cookie stops working at once, on every server. */
export async function revokeSession(ctx: Context, sessionId: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const r = await trx
      .selectFrom('web_session')
      .select(['id', 'user_id', 'revoked_at'])
      .where('id', '=', sessionId)
      .executeTakeFirst();
    if (!r || r.revoked_at) return;
    const now = ctx.clock.now();
    await trx.updateTable('web_session').set({ revoked_at: now }).where('id', '=', r.id).execute();
    await appendAudit(trx, now, {
      actorId: r.user_id,
      action: 'session.revoke',
      entityType: 'session',
      entityId: r.id,
    });
  });
}

/** Ends every other session of a user, e.g. after a password change: whoever knew the old password is out. */
export async function revokeOtherSessions(
  ctx: Context,
  userId: string,
  keepSessionId: string | null,
): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    let q = trx
      .updateTable('web_session')
      .set({ revoked_at: now })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now);
    if (keepSessionId) q = q.where('id', '!=', keepSessionId);
    const rows = await q.returning('id').execute();
    if (rows.length)
      await appendAudit(trx, now, {
        actorId: userId,
        action: 'session.revoke_others',
        entityType: 'user',
        entityId: userId,
        after: { sessions: rows.map((r) => r.id) },
      });
    return rows.length;
  });
}
