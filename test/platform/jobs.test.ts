import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { claimJob, touchJob } from '../../src/platform/jobs/index.ts';
import {
  createLogger,
  enqueueJob,
  getJob,
  JobFailed,
  loadConfig,
  ManualClock,
  notifyJobs,
  runJobNow,
  startWorker,
  type Context,
  type JobHandlers,
} from '../../src/platform/index.ts';
import { freshDatabase, onEachDatabase } from '../helpers/db.ts';

const until = async (check: () => Promise<boolean>, guardMs = 30000) => {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > guardMs) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
};

onEachDatabase('job queue', (kind) => {
  let ctx: Context;
  let clock: ManualClock;
  let drop: () => Promise<void>;
  const failures: { job: string; code: string }[] = [];
  const handlers: JobHandlers = {
    'test.echo': {
      async run(_ctx, run) {
        run.progress(0.5, 'halfway');
        const payload = run.job.payload as { fail?: boolean; wait?: boolean };
        if (payload.fail)
          throw new JobFailed(
            { code: 'bad_input', message: { zh: '输入有误', en: 'Bad input' } },
            { problems: ['row 3'] },
          );
        if (payload.wait)
          await new Promise((_, reject) =>
            run.signal.addEventListener('abort', () => reject(run.signal.reason)),
          );
        await _ctx.db.transaction().execute((trx) => run.complete(trx, { echoed: run.job.payload }));
      },
      async onFailure(_trx, _ctx, job, error) {
        failures.push({ job: job.id, code: error.code });
      },
    },
  };

  before(async () => {
    const fresh = await freshDatabase(kind);
    drop = fresh.drop;
    clock = new ManualClock(new Date('2026-03-02T09:00:00+08:00'));
    const config = { ...loadConfig({ LOG_LEVEL: 'silent', KAIFANG_STALE_JOB_MS: '60000' }) };
    ctx = { config, database: fresh.database, db: fresh.database.db, clock, logger: createLogger('silent') };
  });
  after(() => drop());

  const enqueue = (payload: unknown, extra: { timeoutMs?: number; maxAttempts?: number } = {}) =>
    ctx.db.transaction().execute((trx) =>
      enqueueJob(trx, clock.now(), {
        kind: 'test.echo',
        payload,
        timeoutMs: extra.timeoutMs ?? 3_600_000,
        maxAttempts: extra.maxAttempts,
      }),
    );

  test('a worker runs a job to success with its report; a failing job ends failed with its report', async () => {
    const ok = await enqueue({ n: 1 });
    const bad = await enqueue({ fail: true });
    const worker = startWorker(ctx, handlers, { pollMs: 50 });
    notifyJobs();
    try {
      await until(
        async () =>
          (await getJob(ctx.db, ok.id))!.state === 'succeeded' &&
          (await getJob(ctx.db, bad.id))!.state === 'failed',
      );
    } finally {
      await worker.stop();
    }
    const done = (await getJob(ctx.db, ok.id))!;
    assert.deepEqual(done.report, { echoed: { n: 1 } });
    assert.equal(done.progress, 1);
    assert.equal(done.attempts, 1);
    const failed = (await getJob(ctx.db, bad.id))!;
    assert.deepEqual(failed.error, { code: 'bad_input', message: { zh: '输入有误', en: 'Bad input' } });
    assert.deepEqual(failed.report, { problems: ['row 3'] });
    assert.ok(
      failures.some((f) => f.job === bad.id && f.code === 'bad_input'),
      'the handler recorded its own failure',
    );
  });

  test('two claimers never take the same job (FOR UPDATE SKIP LOCKED)', async () => {
    const jobs = await Promise.all(Array.from({ length: 6 }, (_, i) => enqueue({ i })));
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) => claimJob(ctx.db, clock.now(), `w${i}`, ['test.echo'])),
    );
    const taken = claims.filter((c) => c !== null).map((c) => c!.id);
    assert.equal(taken.length, 6);
    assert.equal(new Set(taken).size, 6);
    assert.deepEqual(new Set(taken), new Set(jobs.map((j) => j.id)));
    // Leave them to the reaper: their "workers" never come back.
    clock.advance(61_000);
    const worker = startWorker(ctx, handlers, { pollMs: 50 });
    try {
      await until(async () => {
        const states = await Promise.all(jobs.map(async (j) => (await getJob(ctx.db, j.id))!.state));
        return states.every((s) => s === 'succeeded');
      });
    } finally {
      await worker.stop();
    }
    for (const j of jobs) assert.equal((await getJob(ctx.db, j.id))!.attempts, 2, 'reclaimed once, then run');
  });

  test('a job whose worker died is reclaimed, and failed once its attempts are used up: never stuck', async () => {
    const once = await enqueue({ n: 'once' }, { maxAttempts: 1 });
    assert.ok(await claimJob(ctx.db, clock.now(), 'ghost', ['test.echo']));
    assert.equal(
      await touchJob(ctx.db, clock.now(), once.id, 'ghost', { fraction: 0.3, stage: 'reading' }),
      true,
    );
    assert.equal(
      await touchJob(ctx.db, clock.now(), once.id, 'someone-else'),
      false,
      'only the holder can heartbeat',
    );
    clock.advance(61_000);
    const worker = startWorker(ctx, handlers, { pollMs: 50 });
    try {
      await until(async () => (await getJob(ctx.db, once.id))!.state === 'failed');
    } finally {
      await worker.stop();
    }
    const j = (await getJob(ctx.db, once.id))!;
    assert.equal(j.error!.code, 'worker_lost');
    assert.ok(failures.some((f) => f.job === once.id && f.code === 'worker_lost'));
  });

  test('a job that runs past its time limit is stopped and failed', async () => {
    const slow = await enqueue({ wait: true }, { timeoutMs: 300 });
    const worker = startWorker(ctx, handlers, { pollMs: 50 });
    notifyJobs();
    try {
      await until(async () => (await getJob(ctx.db, slow.id))!.state === 'failed');
    } finally {
      await worker.stop();
    }
    assert.equal((await getJob(ctx.db, slow.id))!.error!.code, 'timeout');
  });

  test('stopping a worker gives its running job back to the queue', async () => {
    const held = await enqueue({ wait: true });
    const worker = startWorker(ctx, handlers, { pollMs: 50 });
    notifyJobs();
    await until(async () => (await getJob(ctx.db, held.id))!.state === 'running');
    await worker.stop();
    const j = (await getJob(ctx.db, held.id))!;
    assert.equal(j.state, 'queued');
    assert.equal(j.worker, null);
  });

  test('runJobNow runs one queued job in this process', async () => {
    const j = await enqueue({ now: true });
    const done = await runJobNow(ctx, handlers, j.id);
    assert.equal(done!.state, 'succeeded');
    assert.equal(await runJobNow(ctx, handlers, j.id), null, 'a job already run is not run again');
  });
});
