import { AsyncLocalStorage } from 'node:async_hooks';
import { createHmac, randomBytes } from 'node:crypto';
import { firstCountedDay } from './also-used.ts';
import type { Actor } from '../core/index.ts';
import type { Context, Database } from '../platform/index.ts';

/** Who is reading: the signed-in actor, or else the network address the request came from. */
export interface UsageCaller {
  actor: Actor | null;
  address: string;
}

/**
 * Uses are counted deep in the data plane (downloads, previews, API calls), which knows the actor
 * but not the request. The HTTP layer runs each request inside its caller's scope instead of
 * threading an address through every read function; outside a request (CLI, jobs) there is none.
 */
const scope = new AsyncLocalStorage<UsageCaller>();

export function asCaller<T>(caller: UsageCaller, run: () => T): T {
  return scope.run(caller, run);
}

export function currentCaller(): UsageCaller | undefined {
  return scope.getStore();
}

/** Today's salt per database, so that only the first anonymous use of a day reads it. */
const salts = new WeakMap<Database, { day: string; salt: string }>();

/**
 * The pseudonymous key under which a caller's uses are recorded (ADR 0016): `u:<user id>` for a
 * signed-in caller or token, stable so their uses within the window are linked; for an anonymous
 * caller `a:` and an HMAC of the address under a random salt for the day, so the address is
 * never stored and the same visitor is unlinkable from one day to the next.
 */
export async function usageKey(ctx: Context, caller: UsageCaller, day: string): Promise<string> {
  if (caller.actor) return `u:${caller.actor.userId}`;
  const salt = await saltOf(ctx, day);
  return `a:${createHmac('sha256', Buffer.from(salt, 'hex')).update(caller.address).digest('base64url').slice(0, 22)}`;
}

/**
 * The day's salt, made by the first server to need it. Making it is the daily rotation: earlier
 * salts are deleted (their keys can no longer be recomputed) and so are uses past the window.
 */
async function saltOf(ctx: Context, day: string): Promise<string> {
  const cached = salts.get(ctx.database);
  if (cached?.day === day) return cached.salt;
  const made = await ctx.db
    .insertInto('usage_salt')
    .values({ day, salt: randomBytes(32).toString('hex') })
    .onConflict((oc) => oc.column('day').doNothing())
    .returning('salt')
    .executeTakeFirst();
  if (made) {
    await ctx.db.deleteFrom('usage_salt').where('day', '<', day).execute();
    await ctx.db
      .deleteFrom('dataset_use_key')
      .where('last_day', '<', firstCountedDay(ctx.clock.now()))
      .execute();
  }
  const salt =
    made?.salt ??
    (await ctx.db.selectFrom('usage_salt').select('salt').where('day', '=', day).executeTakeFirstOrThrow())
      .salt;
  salts.set(ctx.database, { day, salt });
  return salt;
}
