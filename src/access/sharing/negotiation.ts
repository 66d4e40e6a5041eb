import { Type } from '@sinclair/typebox';
import {
  DomainError,
  ReasonInputSchema,
  deadlineAfter,
  mayOpenNegotiation,
  negotiationStage,
  notFound,
  shanghaiDate,
  type Actor,
  type NegotiationThread,
  type RequestStatus,
  type WorkCalendar,
} from '../../core/index.ts';
import type { Context, Kdb } from '../../platform/index.ts';
import { datasetTitlesOf } from '../titles.ts';
import { lockedStatus } from '../locks.ts';
import { appendAudit } from '../../identity/index.ts';
import { loadRequest, requestFacts, requestPartiesOf, type RequestRow } from '../applications/index.ts';
import { checkBody, iso, refuseAndAudit, requireWorkflowActor, workCalendar } from '../grants/index.ts';
import { notify, type NotificationKind } from '../../identity/index.ts';

/**
 * 协商 (seed 001 协调机制): when the providing department refuses a sharing request, or lets its
 * deadline pass, the two departments talk first, in a thread with its own deadline in working
 * days (`KAIFANG_NEGOTIATION_DEADLINE_DAYS`). A refusal opens the thread at once; an overdue
 * request's thread opens when either side first writes or gives up. Only when the thread's
 * deadline passes or a side gives up may the requester escalate to the data authority, who reads
 * the thread when ruling. The provider may also reconsider and approve while it runs.
 */

export const NegotiationMessageInputSchema = Type.Object(
  { body: Type.String({ minLength: 1, maxLength: 4000 }) },
  { additionalProperties: false },
);

const THREAD = { zh: '协商', en: 'Negotiation' };

const ended = () =>
  new DomainError('conflict', 'negotiation_ended', {
    zh: '协商已结束（期限届满或一方已放弃），可以提请数据主管部门协调',
    en: 'The negotiation has ended (its deadline passed or a side gave up); the request may go to the data authority',
  });

const notNegotiable = (status: string) =>
  new DomainError(
    'conflict',
    'not_negotiable',
    {
      zh: '只有被提供部门拒绝或超期未答复的共享申请才能协商',
      en: 'Only a sharing request the providing department refused or left past its deadline is negotiated',
    },
    { status },
  );

/**
 * Opens the thread inside `trx` if the request has none; returns whether it did. The calendar is
 * read before the transaction: on PGlite's one connection a read outside `trx` would wait for it forever.
 */
async function openThread(
  ctx: Context,
  trx: Kdb,
  r: RequestRow,
  now: Date,
  by: string | null,
  cal: WorkCalendar,
) {
  const days = ctx.config.workflow.negotiationDeadlineDays;
  const due = deadlineAfter(now, days, cal);
  const made = await trx
    .insertInto('sharing_negotiation')
    .values({ request_id: r.id, opened_at: now, opened_by: by, deadline_days: days, due_at: due.dueAt })
    .onConflict((oc) => oc.column('request_id').doNothing())
    .returning('request_id')
    .executeTakeFirst();
  if (!made) return false;
  await appendAudit(trx, now, {
    actorId: by,
    action: 'sharing.negotiation.open',
    entityType: 'sharing',
    entityId: r.id,
    after: { from: r.status, days, dueAt: due.dueAt.toISOString() },
  });
  await tell(
    trx,
    now,
    r,
    'request.negotiation_opened',
    { orgStaff: null, both: true },
    { dueDate: due.dueDate },
  );
  return true;
}

async function tell(
  trx: Kdb,
  now: Date,
  r: RequestRow,
  kind: NotificationKind,
  to: { orgStaff: string | null; both?: boolean },
  params: { dueDate?: string | null; reason?: string | null } = {},
) {
  const datasets = await datasetTitlesOf(trx, 'request', r.id);
  const orgs = to.both ? [r.requester_org_id, r.provider_org_id] : [to.orgStaff];
  for (const org of orgs)
    await notify(
      trx,
      now,
      { orgStaff: org },
      {
        kind,
        params: {
          requestKind: 'sharing',
          datasets,
          reason: params.reason ?? null,
          dueDate: params.dueDate ?? null,
        },
        entityType: 'sharing',
        entityId: r.id,
      },
    );
}

/** After the provider's refusal: the thread opens at once (its own transaction; a later write would open it anyway). */
export async function openNegotiationAfterRefusal(ctx: Context, requestId: string): Promise<void> {
  const r = await loadRequest(ctx.db, 'sharing', requestId);
  if (!r || !mayOpenNegotiation('sharing', r.status as RequestStatus, requestFacts(r, ctx.clock.now())))
    return;
  const cal = await workCalendar(ctx);
  await ctx.db.transaction().execute((trx) => openThread(ctx, trx, r, ctx.clock.now(), null, cal));
}

/**
 * One write to the thread by either department: checks the caller is the requester or the
 * provider (anyone else refused and audited), that the request is still negotiable and the
 * thread not ended; opens the thread if needed; runs `write` in the same transaction.
 */
async function writeToThread(
  ctx: Context,
  actor: Actor | null,
  requestId: string,
  what: string,
  write: (trx: Kdb, now: Date, r: RequestRow, a: Actor, otherOrg: string | null) => Promise<void>,
): Promise<NegotiationThread> {
  const a = requireWorkflowActor(actor);
  const r = await loadRequest(ctx.db, 'sharing', requestId);
  if (!r) throw notFound('Sharing request', '共享申请');
  const parties = requestPartiesOf(a, r).filter((p) => p === 'requester' || p === 'provider');
  if (!parties.length)
    return refuseAndAudit(ctx, a, `sharing.negotiation.${what}`, 'sharing', requestId, {
      providerOrgId: r.provider_org_id,
    });
  const now = ctx.clock.now();
  const facts = requestFacts(r, now);
  if (!mayOpenNegotiation('sharing', r.status as RequestStatus, facts)) throw notNegotiable(r.status);
  if (facts.negotiation === 'ended') throw ended();
  const otherOrg = parties.includes('requester') ? r.provider_org_id : r.requester_org_id;
  const cal = await workCalendar(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    const locked = await lockedStatus(trx, 'access_request', requestId);
    if (locked !== r.status) throw notNegotiable(locked);
    await openThread(ctx, trx, r, now, a.userId, cal);
    const thread = await trx
      .selectFrom('sharing_negotiation')
      .select(['due_at', 'ended_at'])
      .where('request_id', '=', requestId)
      .executeTakeFirstOrThrow();
    if (negotiationStage({ dueAt: thread.due_at, endedAt: thread.ended_at }, now) === 'ended') throw ended();
    await write(trx, now, r, a, otherOrg);
  });
  return getNegotiation(ctx, a, requestId);
}

/** Either department writes to the thread; the other is told. */
export function postNegotiationMessage(
  ctx: Context,
  actor: Actor | null,
  requestId: string,
  body: unknown,
): Promise<NegotiationThread> {
  const text = checkBody<{ body: string }>(NegotiationMessageInputSchema, body, ['body']).body.trim();
  return writeToThread(ctx, actor, requestId, 'message', async (trx, now, r, a, otherOrg) => {
    const m = await trx
      .insertInto('sharing_negotiation_message')
      .values({ request_id: r.id, author_id: a.userId, author_org_id: a.orgId, body: text, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendAudit(trx, now, {
      actorId: a.userId,
      action: 'sharing.negotiation.message',
      entityType: 'sharing',
      entityId: r.id,
      after: { messageId: m.id, orgId: a.orgId },
    });
    await tell(trx, now, r, 'request.negotiation_message', { orgStaff: otherOrg });
  });
}

/** Either department declares the negotiation failed (不能达成一致), with a reason: the requester may now escalate. */
export function giveUpNegotiation(
  ctx: Context,
  actor: Actor | null,
  requestId: string,
  body: unknown,
): Promise<NegotiationThread> {
  const reason = checkBody<{ reason: string }>(ReasonInputSchema, body, ['reason']).reason.trim();
  return writeToThread(ctx, actor, requestId, 'give_up', async (trx, now, r, a) => {
    await trx
      .updateTable('sharing_negotiation')
      .set({ ended_at: now, ended_by: a.userId, ended_org_id: a.orgId, end_reason: reason })
      .where('request_id', '=', r.id)
      .execute();
    await appendAudit(trx, now, {
      actorId: a.userId,
      action: 'sharing.negotiation.give_up',
      entityType: 'sharing',
      entityId: r.id,
      after: { reason, orgId: a.orgId },
    });
    await tell(trx, now, r, 'request.negotiation_failed', { orgStaff: null, both: true }, { reason });
  });
}

/** The thread as the two departments, the data authority (when ruling) and sysadmins see it. */
export async function getNegotiation(
  ctx: Context,
  actor: Actor | null,
  requestId: string,
): Promise<NegotiationThread> {
  const a = requireWorkflowActor(actor);
  const r = await loadRequest(ctx.db, 'sharing', requestId);
  if (!r || !(requestPartiesOf(a, r).length || a.role === 'sysadmin'))
    throw notFound('Sharing request', '共享申请');
  const t = await ctx.db
    .selectFrom('sharing_negotiation')
    .selectAll()
    .where('request_id', '=', requestId)
    .executeTakeFirst();
  if (!t) throw notFound(THREAD.en, THREAD.zh);
  const messages = await ctx.db
    .selectFrom('sharing_negotiation_message as m')
    .innerJoin('app_user as u', 'u.id', 'm.author_id')
    .leftJoin('organisation as o', 'o.id', 'm.author_org_id')
    .select([
      'm.id',
      'm.author_id',
      'u.name',
      'm.author_org_id',
      'o.name as org_name',
      'm.body',
      'm.created_at',
    ])
    .where('m.request_id', '=', requestId)
    .orderBy('m.seq')
    .execute();
  return {
    requestId,
    stage: negotiationStage({ dueAt: t.due_at, endedAt: t.ended_at }, ctx.clock.now()),
    openedAt: iso(t.opened_at)!,
    days: t.deadline_days,
    dueAt: iso(t.due_at)!,
    dueDate: shanghaiDate(new Date(t.due_at)),
    ended: t.ended_at
      ? { at: iso(t.ended_at)!, by: t.ended_by!, orgId: t.ended_org_id, reason: t.end_reason ?? '' }
      : null,
    messages: messages.map((m) => ({
      id: m.id,
      author: { id: m.author_id, name: m.name, orgId: m.author_org_id, orgName: m.org_name },
      body: m.body,
      at: iso(m.created_at)!,
    })),
  };
}
