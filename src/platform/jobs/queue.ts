import type { Selectable } from 'kysely';
import { sql, type Kdb } from '../db/index.ts';
import type { JobTable } from './tables.ts';
import { isUuid } from '../../core/index.ts';

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed';

/** Why a job failed, in both languages the portal speaks, with a stable code. */
export interface JobError {
  code: string;
  message: { zh: string; en: string };
}

export interface Job {
  id: string;
  kind: string;
  payload: unknown;
  state: JobState;
  /** 0…1 */
  progress: number;
  stage: string | null;
  report: unknown;
  error: JobError | null;
  attempts: number;
  maxAttempts: number;
  timeoutMs: number;
  worker: string | null;
  createdBy: string | null;
  orgId: string | null;
  createdAt: string;
  startedAt: string | null;
  heartbeatAt: string | null;
  finishedAt: string | null;
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export function toJob(r: Selectable<JobTable>): Job {
  return {
    id: r.id,
    kind: r.kind,
    payload: r.payload,
    state: r.state as JobState,
    progress: Number(r.progress),
    stage: r.stage,
    report: r.report ?? null,
    error: (r.error ?? null) as JobError | null,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    timeoutMs: r.timeout_ms,
    worker: r.worker,
    createdBy: r.created_by,
    orgId: r.org_id,
    createdAt: iso(r.created_at)!,
    startedAt: iso(r.started_at),
    heartbeatAt: iso(r.heartbeat_at),
    finishedAt: iso(r.finished_at),
  };
}

export interface NewJob {
  kind: string;
  payload: unknown;
  timeoutMs: number;
  /** Claims allowed: a worker that dies mid-job gives it back this many times before it fails. */
  maxAttempts?: number;
  createdBy?: string | null;
  /** The organisation whose staff may follow the job. */
  orgId?: string | null;
}

/** Inside the caller's transaction, so a job exists exactly when the change that needs it does. */
export async function enqueueJob(trx: Kdb, now: Date, input: NewJob): Promise<Job> {
  const row = await trx
    .insertInto('job')
    .values({
      kind: input.kind,
      payload: JSON.stringify(input.payload ?? {}),
      max_attempts: input.maxAttempts ?? 2,
      timeout_ms: input.timeoutMs,
      run_after: now,
      stage: null,
      report: null,
      error: null,
      worker: null,
      heartbeat_at: null,
      started_at: null,
      finished_at: null,
      created_by: input.createdBy ?? null,
      org_id: input.orgId ?? null,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toJob(row);
}

export async function getJob(db: Kdb, id: string): Promise<Job | null> {
  if (!isUuid(id)) return null;
  const r = await db.selectFrom('job').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toJob(r) : null;
}

/**
 * Takes the oldest runnable job of the given kinds. `FOR UPDATE SKIP LOCKED` lets any number
 * of workers poll one table without blocking each other or taking the same job twice.
 */
export async function claimJob(
  db: Kdb,
  now: Date,
  worker: string,
  kinds: string[],
  onlyId?: string,
): Promise<Job | null> {
  if (!kinds.length) return null;
  const r = await sql<Selectable<JobTable>>`
    UPDATE job SET state = 'running', worker = ${worker}, attempts = attempts + 1,
      started_at = ${now}, heartbeat_at = ${now}, error = NULL
    WHERE id = (
      SELECT id FROM job
      WHERE state = 'queued' AND run_after <= ${now} AND kind IN (${sql.join(kinds)}) ${onlyId ? sql`AND id = ${onlyId}` : sql``}
      ORDER BY created_at, id
      FOR UPDATE SKIP LOCKED
      LIMIT 1
    )
    RETURNING *`.execute(db);
  return r.rows[0] ? toJob(r.rows[0]) : null;
}

/** Progress doubles as the heartbeat. False when the job is no longer this worker's (reclaimed). */
export async function touchJob(
  db: Kdb,
  now: Date,
  id: string,
  worker: string,
  progress?: { fraction: number; stage?: string },
): Promise<boolean> {
  const r = await db
    .updateTable('job')
    .set({
      heartbeat_at: now,
      ...(progress && { progress: Math.max(0, Math.min(1, progress.fraction)) }),
      ...(progress?.stage !== undefined && { stage: progress.stage }),
    })
    .where('id', '=', id)
    .where('worker', '=', worker)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Thrown inside a completing transaction when the job was taken away (timed out, reclaimed): the work is rolled back. */
export class JobLost extends Error {
  constructor(id: string) {
    super(`job ${id} is no longer held by this worker`);
    this.name = 'JobLost';
  }
}

export async function completeJob(
  trx: Kdb,
  now: Date,
  id: string,
  worker: string,
  report: unknown,
): Promise<void> {
  const r = await trx
    .updateTable('job')
    .set({
      state: 'succeeded',
      progress: 1,
      stage: 'done',
      report: JSON.stringify(report ?? null),
      finished_at: now,
      heartbeat_at: now,
    })
    .where('id', '=', id)
    .where('worker', '=', worker)
    .where('state', '=', 'running')
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new JobLost(id);
}

/** Marks a running job failed; `worker` null means whoever holds it (the reaper). False when it was not running. */
export async function failJob(
  trx: Kdb,
  now: Date,
  id: string,
  worker: string | null,
  error: JobError,
  report: unknown,
): Promise<boolean> {
  let q = trx
    .updateTable('job')
    .set({
      state: 'failed',
      error: JSON.stringify(error),
      report: JSON.stringify(report ?? null),
      finished_at: now,
    })
    .where('id', '=', id)
    .where('state', '=', 'running');
  if (worker) q = q.where('worker', '=', worker);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Gives a job back to the queue (its worker stopped or vanished); attempts already counted stay counted. */
export async function requeueJob(trx: Kdb, id: string, worker: string | null): Promise<boolean> {
  let q = trx
    .updateTable('job')
    .set({ state: 'queued', worker: null, heartbeat_at: null })
    .where('id', '=', id)
    .where('state', '=', 'running');
  if (worker) q = q.where('worker', '=', worker);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Running jobs whose worker went quiet, or that have run past their own time limit. Locked for the caller's transaction. */
export async function lockStaleJobs(
  trx: Kdb,
  now: Date,
  staleMs: number,
): Promise<(Job & { overdue: boolean })[]> {
  const quietSince = new Date(now.getTime() - staleMs);
  const r = await sql<Selectable<JobTable> & { overdue: boolean }>`
    SELECT *, (started_at + timeout_ms * interval '1 millisecond' < ${now}) AS overdue FROM job
    WHERE state = 'running'
      AND (heartbeat_at < ${quietSince} OR started_at + timeout_ms * interval '1 millisecond' < ${now})
    ORDER BY started_at
    LIMIT 100
    FOR UPDATE SKIP LOCKED`.execute(trx);
  return r.rows.map((row) => ({ ...toJob(row), overdue: Boolean(row.overdue) }));
}
