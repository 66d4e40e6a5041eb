import { DomainError } from '../core/index.ts';
import type { Context, Kdb } from '../platform/index.ts';
import { appendAudit } from './audit.ts';
import { notify } from './notifications/index.ts';

/**
 * Brute-force protection of password sign-in (ADR 0028). Failures are counted in the database,
 * per account and per client address, so every server of an installation sees the same counts.
 * The account key is the lower-cased email whether or not such an account exists: a refusal
 * says nothing about which emails are registered. While a key is delayed or locked the password
 * is not even checked, so guessing through a lock learns nothing.
 */

type Scope = 'account' | 'address';
export interface SignInKeys {
  email: string;
  /** The client address; null where there is none (a CLI sign-in), then only the account counts. */
  address: string | null;
}

const MAX_DELAY_SECONDS = 60;

const keysOf = (k: SignInKeys): [Scope, string][] => [
  ['account', k.email.toLowerCase()],
  ...(k.address ? [['address', k.address] as [Scope, string]] : []),
];

export const signInRefused = (locked: boolean, retryAfterSeconds: number) =>
  locked
    ? new DomainError(
        'too_many',
        'sign_in_locked',
        {
          zh: `登录失败次数过多，已暂时锁定，请在 ${Math.ceil(retryAfterSeconds / 60)} 分钟后重试`,
          en: `Too many failed sign-ins: locked, try again in ${Math.ceil(retryAfterSeconds / 60)} minutes`,
        },
        { retryAfterSeconds },
      )
    : new DomainError(
        'too_many',
        'sign_in_delayed',
        {
          zh: `登录失败次数较多，请在 ${retryAfterSeconds} 秒后重试`,
          en: `Several failed sign-ins: try again in ${retryAfterSeconds} seconds`,
        },
        { retryAfterSeconds },
      );

/** Throws `sign_in_locked` or `sign_in_delayed` (429) when an attempt must wait; otherwise returns. */
export async function assertMayTrySignIn(ctx: Context, keys: SignInKeys): Promise<void> {
  const { windowMinutes } = ctx.config.signIn;
  const now = ctx.clock.now().getTime();
  let wait = 0;
  let locked = false;
  for (const [scope, key] of keysOf(keys)) {
    const r = await ctx.db
      .selectFrom('sign_in_throttle')
      .selectAll()
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!r) continue;
    const until = r.locked_until ? new Date(r.locked_until).getTime() : 0;
    if (until > now) {
      locked = true;
      wait = Math.max(wait, Math.ceil((until - now) / 1000));
      continue;
    }
    const last = new Date(r.last_failure_at).getTime();
    const delayAfter =
      scope === 'account' ? ctx.config.signIn.delayAfter : ctx.config.signIn.addressDelayAfter;
    if (now - last >= windowMinutes * 60_000 || r.failures < delayAfter) continue;
    const delay = Math.min(MAX_DELAY_SECONDS, 2 ** (r.failures - delayAfter)) * 1000;
    if (now < last + delay) wait = Math.max(wait, Math.ceil((last + delay - now) / 1000));
  }
  if (wait > 0) throw signInRefused(locked, wait);
}

/**
 * Counts one failed attempt on each key, audits it, and locks a key that reaches its limit:
 * the lockout is audited too, and the account holder (if the account exists) gets a notice.
 */
export async function recordSignInFailure(
  ctx: Context,
  keys: SignInKeys,
  userId: string | null,
  /** What failed: the password (default) or, after a right password, the second factor. */
  failed: 'password' | 'second_factor' = 'password',
): Promise<void> {
  const { lockAfter, addressLockAfter, windowMinutes, lockMinutes } = ctx.config.signIn;
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    // Counts past their window are forgotten anyway; dropping them keeps a spray of made-up emails from piling up.
    await trx
      .deleteFrom('sign_in_throttle')
      .where('last_failure_at', '<', new Date(now.getTime() - windowMinutes * 60_000))
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      .execute();
    await appendAudit(trx, now, {
      actorId: null,
      action: 'session.sign_in_failed',
      entityType: 'user',
      entityId: userId,
      // The typed email is kept only when it names an account: a mistyped password may sit in it.
      after: { address: keys.address, knownAccount: Boolean(userId), failed },
    });
    for (const [scope, key] of keysOf(keys)) {
      const failures = await countFailure(trx, now, scope, key, windowMinutes);
      if (failures < (scope === 'account' ? lockAfter : addressLockAfter)) continue;
      const until = new Date(now.getTime() + lockMinutes * 60_000);
      await trx
        .updateTable('sign_in_throttle')
        .set({ locked_until: until })
        .where('scope', '=', scope)
        .where('key', '=', key)
        .execute();
      await appendAudit(trx, now, {
        actorId: null,
        action: 'session.sign_in_locked',
        entityType: scope === 'account' ? 'user' : 'address',
        entityId: scope === 'account' ? userId : key,
        after: { scope, failures, until: until.toISOString(), address: keys.address },
      });
      if (scope === 'account' && userId)
        await notify(
          trx,
          now,
          { users: [userId] },
          {
            kind: 'account.locked',
            params: { until: until.toISOString(), address: keys.address, failures },
            entityType: 'user',
            entityId: userId,
          },
        );
    }
  });
}

/** One more failure on a key, starting the count afresh after a quiet window; returns the new count. */
async function countFailure(
  trx: Kdb,
  now: Date,
  scope: Scope,
  key: string,
  windowMinutes: number,
): Promise<number> {
  const r = await trx
    .selectFrom('sign_in_throttle')
    .select(['failures', 'last_failure_at'])
    .where('scope', '=', scope)
    .where('key', '=', key)
    .forUpdate()
    .executeTakeFirst();
  const fresh = !r || now.getTime() - new Date(r.last_failure_at).getTime() >= windowMinutes * 60_000;
  const failures = fresh ? 1 : r.failures + 1;
  await trx
    .insertInto('sign_in_throttle')
    .values({ scope, key, failures, first_failure_at: now, last_failure_at: now, locked_until: null })
    .onConflict((oc) =>
      oc.columns(['scope', 'key']).doUpdateSet({
        failures,
        last_failure_at: now,
        ...(fresh && { first_failure_at: now, locked_until: null }),
      }),
    )
    .execute();
  return failures;
}

/** A successful sign-in clears its account's count; the address keeps its own, so one valid account cannot reset a spray. */
export async function clearAccountFailures(trx: Kdb, email: string): Promise<void> {
  await trx
    .deleteFrom('sign_in_throttle')
    .where('scope', '=', 'account')
    .where('key', '=', email.toLowerCase())
    .execute();
}
