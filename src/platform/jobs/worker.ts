import { EventEmitter } from 'node:events';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Context } from '../context.ts';
import type { Kdb } from '../db/index.ts';
import { scrubPaths } from '../scrub.ts';
import {
  claimJob,
  completeJob,
  failJob,
  getJob,
  JobLost,
  lockStaleJobs,
  requeueJob,
  touchJob,
  type Job,
  type JobError,
} from './queue.ts';

/** A failure the handler names: the job ends `failed` with this code, message and report. */
export class JobFailed extends Error {
  constructor(
    readonly error: JobError,
    readonly report: unknown = null,
  ) {
    super(error.message.en);
    this.name = 'JobFailed';
  }
}

export interface JobRun {
  job: Job;
  /** Aborted on timeout, on shutdown, or when the job was taken away from this worker. */
  signal: AbortSignal;
  /** Cheap to call often: writes are throttled, and double as the heartbeat. */
  progress(fraction: number, stage?: string): void;
  /** Marks the job succeeded inside the handler's final transaction, so both commit or neither. */
  complete(trx: Kdb, report: unknown): Promise<void>;
}

export interface JobHandler {
  run(ctx: Context, run: JobRun): Promise<void>;
  /** Records the failure in the handler's own tables, in the transaction that fails the job. */
  onFailure?(trx: Kdb, ctx: Context, job: Job, error: JobError, report: unknown): Promise<void>;
}

export type JobHandlers = Record<string, JobHandler>;

export interface Worker {
  readonly id: string;
  /** Stops claiming; running jobs are given back to the queue for another worker. */
  stop(): Promise<void>;
}

const queued = new EventEmitter();
queued.setMaxListeners(0);

/** Wakes this process's workers after a transaction that enqueued work has committed. */
export function notifyJobs(): void {
  queued.emit('job');
}

const TIMEOUT: JobError = {
  code: 'timeout',
  message: { zh: '任务超时，已终止', en: 'The job ran past its time limit and was stopped' },
};
const STALE: JobError = {
  code: 'worker_lost',
  message: {
    zh: '处理该任务的进程停止响应，重试次数已用尽',
    en: 'The worker running this job stopped responding and no attempts are left',
  },
};
const CRASH: JobError = {
  code: 'internal_error',
  message: { zh: '任务处理出错', en: 'The job failed with an internal error' },
};

async function finishFailed(
  ctx: Context,
  handlers: JobHandlers,
  job: Job,
  error: JobError,
  report: unknown,
  holder: string | null,
): Promise<void> {
  // Failures reach the uploader (job, version report); engine messages name files by their path.
  error = scrubPaths(error);
  report = scrubPaths(report);
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await failJob(trx, ctx.clock.now(), job.id, holder, error, report))) return;
    await handlers[job.kind]?.onFailure?.(trx, ctx, job, error, report);
  });
}

/** Runs one claimed job to its end: succeeded, failed with a report, or given back when stopping. */
async function execute(
  ctx: Context,
  handlers: JobHandlers,
  job: Job,
  worker: string,
  controller: AbortController,
  stopping: () => boolean,
): Promise<void> {
  const handler = handlers[job.kind];
  const heartbeatMs = Math.max(200, Math.min(5000, Math.floor(ctx.config.data.staleJobMs / 4)));
  let lastWrite = 0;
  let pending: { fraction: number; stage?: string } | null = null;
  const flush = async () => {
    const p = pending;
    pending = null;
    lastWrite = Date.now();
    const mine = await touchJob(ctx.db, ctx.clock.now(), job.id, worker, p ?? undefined).catch(() => true);
    if (!mine) controller.abort(new JobLost(job.id));
  };
  const beat = setInterval(() => void flush(), heartbeatMs);
  const timer = setTimeout(() => controller.abort(new JobFailed(TIMEOUT)), job.timeoutMs);
  let completed = false;
  try {
    await handler.run(ctx, {
      job,
      signal: controller.signal,
      progress(fraction, stage) {
        pending = { fraction, stage };
        if (Date.now() - lastWrite > 500) void flush();
      },
      async complete(trx, report) {
        await completeJob(trx, ctx.clock.now(), job.id, worker, report);
        completed = true;
      },
    });
    if (!completed)
      await ctx.db.transaction().execute((trx) => completeJob(trx, ctx.clock.now(), job.id, worker, null));
  } catch (err) {
    const reason = controller.signal.aborted ? controller.signal.reason : err;
    if (reason instanceof JobLost)
      ctx.logger.warn({ job: job.id }, 'job lost to another worker; its work was discarded');
    else if (stopping() && controller.signal.aborted && !(reason instanceof JobFailed))
      await ctx.db.transaction().execute((trx) => requeueJob(trx, job.id, worker));
    else if (reason instanceof JobFailed)
      await finishFailed(ctx, handlers, job, reason.error, reason.report, worker);
    else {
      ctx.logger.error({ err, job: job.id, kind: job.kind }, 'job crashed');
      await finishFailed(
        ctx,
        handlers,
        job,
        CRASH,
        { message: String((err as Error)?.message ?? err).slice(0, 2000) },
        worker,
      );
    }
  } finally {
    clearInterval(beat);
    clearTimeout(timer);
  }
}

const workerId = () => `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

/**
 * Runs one queued job here and now, as a worker would (the demo loader, the CLI). Null when
 * the job is not queued (another worker has it).
 */
export async function runJobNow(ctx: Context, handlers: JobHandlers, id: string): Promise<Job | null> {
  const me = workerId();
  const job = await claimJob(ctx.db, ctx.clock.now(), me, Object.keys(handlers), id);
  if (!job) return null;
  await execute(ctx, handlers, job, me, new AbortController(), () => false);
  return getJob(ctx.db, id);
}

/**
 * Polls the job table and runs what it claims. Each pass also reaps jobs whose worker went
 * quiet or that overran their time limit, so no job stays `running` forever, whichever
 * process crashed.
 */
export function startWorker(
  ctx: Context,
  handlers: JobHandlers,
  opts: { concurrency?: number; pollMs?: number } = {},
): Worker {
  const id = workerId();
  const concurrency = opts.concurrency ?? 1;
  const pollMs = opts.pollMs ?? 1000;
  const staleMs = ctx.config.data.staleJobMs;
  const reapEveryMs = Math.max(200, Math.min(5000, Math.floor(staleMs / 4)));
  const kinds = Object.keys(handlers);
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  let stopped = false;
  let wake: () => void = () => {};
  const onQueued = () => wake();
  queued.on('job', onQueued);

  const reap = async () => {
    await ctx.db.transaction().execute(async (trx) => {
      for (const job of await lockStaleJobs(trx, ctx.clock.now(), staleMs)) {
        if (running.has(job.id)) continue; // ours and alive: its own timer ends it
        if (!job.overdue && job.attempts < job.maxAttempts) {
          await requeueJob(trx, job.id, null);
          ctx.logger.warn(
            { job: job.id, kind: job.kind, worker: job.worker },
            'job reclaimed from a silent worker',
          );
          continue;
        }
        const error = job.overdue ? TIMEOUT : STALE;
        if (await failJob(trx, ctx.clock.now(), job.id, null, error, job.report))
          await handlers[job.kind]?.onFailure?.(trx, ctx, job, error, job.report);
        ctx.logger.warn({ job: job.id, kind: job.kind, code: error.code }, 'stale job failed');
      }
    });
  };

  const loop = async () => {
    let lastReap = 0;
    while (!stopped) {
      try {
        if (Date.now() - lastReap >= reapEveryMs) {
          lastReap = Date.now();
          await reap();
        }
        if (running.size < concurrency) {
          const job = await claimJob(ctx.db, ctx.clock.now(), id, kinds);
          if (job) {
            const controller = new AbortController();
            const done = execute(ctx, handlers, job, id, controller, () => stopped)
              .catch((err) => ctx.logger.error({ err, job: job.id }, 'job bookkeeping failed'))
              .finally(() => {
                running.delete(job.id);
                wake();
              });
            running.set(job.id, { controller, done });
            continue;
          }
        }
      } catch (err) {
        if (!stopped) ctx.logger.error({ err }, 'job worker pass failed');
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = () => {};
    }
  };
  const looping = loop();

  return {
    id,
    async stop() {
      stopped = true;
      queued.off('job', onQueued);
      wake();
      for (const r of running.values()) r.controller.abort(new Error('worker stopping'));
      await Promise.all([...running.values()].map((r) => r.done));
      await looping;
    },
  };
}
