import { createHash, randomBytes } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import {
  DomainError,
  Roles,
  grantLive,
  validationFailed,
  type Actor,
  type Role,
  type User,
} from '../core/index.ts';
import type { Context, Kdb } from '../platform/index.ts';
import { appendAudit } from './audit.ts';
import { PASSWORD_MAX, passwordProblems } from './passwords.ts';

export interface NewUser {
  email: string;
  name?: string;
  role: Role;
  orgId?: string | null;
  password?: string | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function toUser(r: {
  id: string;
  email: string;
  name: string;
  role: string;
  org_id: string | null;
  created_at: Date;
}): User {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role as Role,
    orgId: r.org_id,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

export async function createUser(ctx: Context, actorId: string | null, input: NewUser): Promise<User> {
  const problems = [];
  if (!EMAIL.test(input.email ?? ''))
    problems.push({
      field: 'email',
      code: 'invalid',
      message: { zh: '邮箱格式不正确', en: 'Invalid email' },
    });
  if (!Roles.includes(input.role))
    problems.push({
      field: 'role',
      code: 'invalid',
      message: { zh: `角色必须是 ${Roles.join('/')}`, en: `role must be one of ${Roles.join(', ')}` },
    });
  if (input.role === 'department' && !input.orgId)
    problems.push({
      field: 'orgId',
      code: 'required',
      message: { zh: '部门用户必须属于一个部门', en: 'A department user needs an organisation' },
    });
  if (input.password != null) problems.push(...passwordProblems(input.password));
  if (problems.length) throw validationFailed(problems);
  const passwordHash = input.password ? await argon2Hash(input.password) : null;
  return ctx.db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom('app_user')
      .select('id')
      .where((eb) => eb(eb.fn('lower', ['email']), '=', input.email.toLowerCase()))
      .executeTakeFirst();
    if (taken)
      throw new DomainError('conflict', 'email_taken', {
        zh: '该邮箱已注册',
        en: 'This email is already registered',
      });
    if (input.orgId) {
      const org = await trx
        .selectFrom('organisation')
        .select('id')
        .where('id', '=', input.orgId)
        .executeTakeFirst();
      if (!org)
        throw validationFailed([
          { field: 'orgId', code: 'not_found', message: { zh: '部门不存在', en: 'No such organisation' } },
        ]);
    }
    const row = await trx
      .insertInto('app_user')
      .values({
        email: input.email,
        name: input.name ?? input.email.split('@')[0],
        role: input.role,
        org_id: input.orgId ?? null,
        password_hash: passwordHash,
        created_at: ctx.clock.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const user = toUser(row);
    await appendAudit(trx, ctx.clock.now(), {
      actorId,
      action: 'user.create',
      entityType: 'user',
      entityId: user.id,
      after: user,
    });
    return user;
  });
}

/** The enabled user's row with this email, compared without case. */
const enabledUserRow = (db: Kdb, email: string) =>
  db
    .selectFrom('app_user')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .where('disabled_at', 'is', null)
    .executeTakeFirst();

export async function findUserByEmail(db: Kdb, email: string): Promise<User | null> {
  const r = await enabledUserRow(db, email);
  return r ? toUser(r) : null;
}

export async function getUser(db: Kdb, id: string): Promise<User | null> {
  const r = await db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toUser(r) : null;
}

/** The user whose password this is, or null; the same answer whether the email or the password is wrong. */
export async function checkPassword(db: Kdb, email: string, password: string): Promise<User | null> {
  const r = await enabledUserRow(db, email);
  if (!r?.password_hash || password.length > PASSWORD_MAX) return null;
  return (await argon2Verify(r.password_hash, password)) ? toUser(r) : null;
}

export async function changePassword(
  ctx: Context,
  user: Actor,
  current: string,
  next: string,
): Promise<void> {
  if (!(await checkPassword(ctx.db, user.email, current)))
    throw validationFailed([
      {
        field: 'currentPassword',
        code: 'wrong',
        message: { zh: '当前密码不正确', en: 'Current password is wrong' },
      },
    ]);
  const problems = passwordProblems(next, 'newPassword');
  if (problems.length) throw validationFailed(problems);
  const h = await argon2Hash(next);
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    await trx.updateTable('app_user').set({ password_hash: h }).where('id', '=', user.userId).execute();
    await appendAudit(trx, now, {
      actorId: user.userId,
      action: 'user.password_change',
      entityType: 'user',
      entityId: user.userId,
    });
    // Whoever learnt the old password may have made tokens with it: they all stop (the caller ends other sessions).
    await revokeTokensOf(trx, now, user.userId, { userId: user.userId }, 'password_change');
  });
}

/**
 * Suspends an account (sysadmin): it can no longer sign in, and every token and session it
 * had, grant tokens included, is revoked, not merely refused while the suspension lasts.
 */
export async function disableUser(ctx: Context, actor: Actor, userId: string): Promise<User> {
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const row = await trx
      .updateTable('app_user')
      .set({ disabled_at: now })
      .where('id', '=', userId)
      .where('disabled_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!row) {
      const exists = await trx
        .selectFrom('app_user')
        .select('id')
        .where('id', '=', userId)
        .executeTakeFirst();
      if (!exists)
        throw new DomainError('not_found', 'not_found', { zh: '未找到该用户', en: 'User not found' });
      return (await getUser(trx, userId))!;
    }
    await appendAudit(trx, now, {
      actorId: actor.userId,
      action: 'user.disable',
      entityType: 'user',
      entityId: userId,
    });
    await revokeTokensOf(trx, now, actor.userId, { userId }, 'user_disabled');
    await trx
      .updateTable('web_session')
      .set({ revoked_at: now })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
    return toUser(row);
  });
}

export const actorOf = (u: User): Actor => ({ userId: u.id, email: u.email, role: u.role, orgId: u.orgId });

/** Tokens are 256 random bits; a fast hash is enough at rest because they cannot be guessed. */
export const secretHash = (secret: string) => createHash('sha256').update(secret).digest('hex');
export const newSecret = (prefix: string) => `${prefix}_${randomBytes(32).toString('base64url')}`;

export interface IssuedToken {
  id: string;
  name: string;
  /** Shown once; only its hash is stored. */
  token: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
}

/** `grantId` ties the token to one grant (see `createGrantToken`): it then reads only what that grant allows. */
export async function createToken(
  ctx: Context,
  actorId: string | null,
  userId: string,
  name = 'api',
  expiresAt: Date | null = null,
  grantId: string | null = null,
): Promise<IssuedToken> {
  const token = newSecret('kf');
  const prefix = token.slice(0, 10);
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('api_token')
      .values({
        user_id: userId,
        name,
        token_hash: secretHash(token),
        prefix,
        created_at: ctx.clock.now(),
        expires_at: expiresAt,
        grant_id: grantId,
      })
      .returning(['id', 'created_at'])
      .executeTakeFirstOrThrow();
    await appendAudit(trx, ctx.clock.now(), {
      actorId,
      action: 'token.create',
      entityType: 'api_token',
      entityId: row.id,
      after: { userId, name, prefix, ...(grantId && { grantId }) },
    });
    return {
      id: row.id,
      name,
      token,
      prefix,
      createdAt: new Date(row.created_at).toISOString(),
      expiresAt: expiresAt?.toISOString() ?? null,
    };
  });
}

export async function listTokens(db: Kdb, userId: string) {
  const rows = await db
    .selectFrom('api_token')
    .select(['id', 'name', 'prefix', 'grant_id', 'created_at', 'expires_at', 'revoked_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    /** `user`: acts as its holder; `grant`: reads only the data of grant `grantId`. */
    scope: r.grant_id ? ('grant' as const) : ('user' as const),
    grantId: r.grant_id,
    createdAt: new Date(r.created_at).toISOString(),
    expiresAt: r.expires_at ? new Date(r.expires_at).toISOString() : null,
    revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
  }));
}

export async function revokeToken(ctx: Context, actor: Actor, tokenId: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const t = await trx
      .selectFrom('api_token')
      .select(['id', 'user_id', 'revoked_at'])
      .where('id', '=', tokenId)
      .executeTakeFirst();
    if (!t || (t.user_id !== actor.userId && actor.role !== 'sysadmin'))
      throw new DomainError('not_found', 'not_found', { zh: '未找到该令牌', en: 'Token not found' });
    if (t.revoked_at) return;
    await trx
      .updateTable('api_token')
      .set({ revoked_at: ctx.clock.now() })
      .where('id', '=', tokenId)
      .execute();
    await appendAudit(trx, ctx.clock.now(), {
      actorId: actor.userId,
      action: 'token.revoke',
      entityType: 'api_token',
      entityId: tokenId,
    });
  });
}

/**
 * Revokes, inside the caller's transaction, every live token of a user or every token derived
 * from one grant, and records which in the audit log. A revoked token never comes back (unlike
 * one of a suspended grant, which is refused only while the suspension lasts).
 */
export async function revokeTokensOf(
  trx: Kdb,
  now: Date,
  actorId: string | null,
  of: { userId: string } | { grantId: string },
  reason: string,
): Promise<number> {
  let q = trx.updateTable('api_token').set({ revoked_at: now }).where('revoked_at', 'is', null);
  q = 'userId' in of ? q.where('user_id', '=', of.userId) : q.where('grant_id', '=', of.grantId);
  const rows = await q.returning('id').execute();
  if (rows.length)
    await appendAudit(trx, now, {
      actorId,
      action: 'token.revoke_all',
      entityType: 'userId' in of ? 'user' : 'grant',
      entityId: 'userId' in of ? of.userId : of.grantId,
      after: { reason, tokens: rows.map((r) => r.id) },
    });
  return rows.length;
}

/**
 * The actor a bearer token stands for, or null when it is unknown, revoked, expired or its user disabled.
 * A token tied to a grant dies with the grant (suspended, revoked, expired) and acts with no role
 * beyond a public user's: it exists to let a program read granted data, not to act for a department.
 */
export async function authenticateToken(ctx: Context, token: string): Promise<Actor | null> {
  if (!/^kf_[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const r = await ctx.db
    .selectFrom('api_token')
    .innerJoin('app_user', 'app_user.id', 'api_token.user_id')
    .leftJoin('access_grant', 'access_grant.id', 'api_token.grant_id')
    .select([
      'app_user.id',
      'app_user.email',
      'app_user.role',
      'app_user.org_id',
      'api_token.expires_at',
      'api_token.grant_id',
      'access_grant.status as grant_status',
      'access_grant.expires_at as grant_expires_at',
    ])
    .where('api_token.token_hash', '=', secretHash(token))
    .where('api_token.revoked_at', 'is', null)
    .where('app_user.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!r) return null;
  const now = ctx.clock.now();
  if (r.expires_at && new Date(r.expires_at) <= now) return null;
  if (r.grant_id) {
    if (
      !r.grant_status ||
      !r.grant_expires_at ||
      !grantLive(r.grant_status, new Date(r.grant_expires_at), now)
    )
      return null;
    return { userId: r.id, email: r.email, role: 'public', orgId: null, grantId: r.grant_id };
  }
  return { userId: r.id, email: r.email, role: r.role as Role, orgId: r.org_id };
}
