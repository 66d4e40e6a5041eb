import { createHash } from 'node:crypto';
import { canonicalJson, type AuditEvent } from '../core/index.ts';
import { sql, type Kdb } from '../platform/index.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
}

/** JSON-clean copy: what jsonb will hand back, so the hash recomputes identically on read. */
const plain = (v: unknown) => (v === undefined ? null : JSON.parse(JSON.stringify(v)));

function hashOf(e: Omit<AuditEvent, 'hash'>): string {
  return createHash('sha256')
    .update(
      canonicalJson({
        seq: e.seq,
        at: e.at,
        actorId: e.actorId,
        action: e.action,
        entityType: e.entityType,
        entityId: e.entityId,
        before: e.before,
        after: e.after,
        prevHash: e.prevHash,
      }),
    )
    .digest('hex');
}

/**
 * Appends one event inside the caller's transaction, so the event exists exactly when the
 * change it records does. The advisory lock serialises writers on the chain's head.
 */
export async function appendAudit(trx: Kdb, at: Date, entry: AuditEntry): Promise<AuditEvent> {
  await sql`SELECT pg_advisory_xact_lock(74658)`.execute(trx);
  const last = await trx
    .selectFrom('audit_event')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const base = {
    seq: (last?.seq ?? 0) + 1,
    at: at.toISOString(),
    actorId: entry.actorId,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: plain(entry.before),
    after: plain(entry.after),
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  const event: AuditEvent = { ...base, hash: hashOf(base) };
  await trx
    .insertInto('audit_event')
    .values({
      seq: event.seq,
      at: event.at,
      actor_id: event.actorId,
      action: event.action,
      entity_type: event.entityType,
      entity_id: event.entityId,
      before: JSON.stringify(event.before),
      after: JSON.stringify(event.after),
      prev_hash: event.prevHash,
      hash: event.hash,
    })
    .execute();
  return event;
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  /** First sequence number whose content or link does not match. */
  brokenAt: number | null;
  reason: string | null;
}

/** Walks the chain from genesis, recomputing every hash. Reads in pages to bound memory. */
export async function verifyAudit(
  db: Kdb,
  onProgress?: (checked: number, total: number) => void,
): Promise<AuditVerification> {
  const { total } = await db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_event')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(1000)
      .execute();
    if (!rows.length) break;
    for (const r of rows) {
      const e = toEvent(r);
      if (e.seq !== expectedSeq)
        return fail(checked, expectedSeq, `sequence gap: expected ${expectedSeq}, found ${e.seq}`);
      if (e.prevHash !== prev) return fail(checked, e.seq, 'link to previous event does not match');
      if (hashOf(e) !== e.hash) return fail(checked, e.seq, 'content does not match its hash');
      prev = e.hash;
      expectedSeq++;
      checked++;
    }
    onProgress?.(checked, Number(total));
  }
  return { ok: true, checked, brokenAt: null, reason: null };
}

const fail = (checked: number, at: number, reason: string): AuditVerification => ({
  ok: false,
  checked,
  brokenAt: at,
  reason,
});

function toEvent(r: {
  seq: number;
  at: Date;
  actor_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
  prev_hash: string;
  hash: string;
}): AuditEvent {
  return {
    seq: r.seq,
    at: new Date(r.at).toISOString(),
    actorId: r.actor_id,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    before: r.before ?? null,
    after: r.after ?? null,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export async function listAudit(
  db: Kdb,
  opts: { entityId?: string; limit?: number } = {},
): Promise<AuditEvent[]> {
  let q = db
    .selectFrom('audit_event')
    .selectAll()
    .orderBy('seq', 'desc')
    .limit(opts.limit ?? 100);
  if (opts.entityId) q = q.where('entity_id', '=', opts.entityId);
  return (await q.execute()).map(toEvent);
}

export async function countAudit(db: Kdb): Promise<number> {
  const r = await db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
