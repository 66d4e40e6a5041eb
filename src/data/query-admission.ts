import { DomainError } from '../core/index.ts';

/**
 * Who may start a query now (ADR 0027). A query holds a process and up to its memory cap, so the
 * number running is bounded: in total, for all anonymous callers together (a smaller pool, so the
 * open internet cannot take every slot from signed-in users), and for any one caller. Past a
 * bound the query is refused at once with 429 rather than queued: a queue would hold requests
 * and sockets open, and a client can retry.
 */

export interface AdmissionLimits {
  total: number;
  anonymous: number;
  perCaller: number;
}

const tooMany = (scope: 'total' | 'anonymous' | 'caller', limit: number) =>
  new DomainError(
    'too_many',
    'too_many_queries',
    {
      zh:
        scope === 'caller'
          ? `同一调用方最多同时运行 ${limit} 条查询，请等前面的查询结束后再试`
          : scope === 'anonymous'
            ? `未登录用户的查询已满（最多同时 ${limit} 条），请稍后再试或登录后查询`
            : `正在运行的查询已满（最多同时 ${limit} 条），请稍后再试`,
      en:
        scope === 'caller'
          ? `At most ${limit} queries may run at once per caller; wait for yours to finish`
          : scope === 'anonymous'
            ? `Anonymous queries are at their limit (${limit} at once); try again shortly or sign in`
            : `Queries are at their limit (${limit} at once); try again shortly`,
    },
    { scope, limit },
  );

let running = 0;
let anonymous = 0;
const byCaller = new Map<string, number>();

/** Queries holding a slot now (for tests and status). */
export const queriesRunning = () => running;

/**
 * Takes a slot for `caller` (`u:<user>` or `a:<address>`) or throws too_many_queries; the
 * returned function gives it back and must be called exactly once.
 */
export function admit(caller: string, isAnonymous: boolean, limits: AdmissionLimits): () => void {
  const mine = byCaller.get(caller) ?? 0;
  if (mine >= limits.perCaller) throw tooMany('caller', limits.perCaller);
  if (isAnonymous && anonymous >= limits.anonymous) throw tooMany('anonymous', limits.anonymous);
  if (running >= limits.total) throw tooMany('total', limits.total);
  running++;
  if (isAnonymous) anonymous++;
  byCaller.set(caller, mine + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    running--;
    if (isAnonymous) anonymous--;
    const left = (byCaller.get(caller) ?? 1) - 1;
    if (left) byCaller.set(caller, left);
    else byCaller.delete(caller);
  };
}
