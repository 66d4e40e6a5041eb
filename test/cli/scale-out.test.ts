import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileBlobStore, type BlobStore } from '../../src/platform/blob/index.ts';
import type { Database } from '../../src/platform/index.ts';
import { freshDatabase } from '../helpers/db.ts';
import { datasetBody, orgBody } from '../helpers/app.ts';
import { api, kaifang, serve, start, type Running } from './helpers.ts';

const DAY = 86_400_000;

/** A blob that nothing refers to, written `ageMs` ago. */
async function orphan(store: BlobStore, content: string, ageMs: number): Promise<string> {
  const { key } = await store.put(Readable.from([Buffer.from(content)]));
  await age(store, key, ageMs);
  return key;
}

async function age(store: BlobStore, key: string, ageMs: number): Promise<void> {
  const when = new Date(Date.now() - ageMs);
  await fs.promises.utimes(await store.localPath(key), when, when);
}

const blobsIn = (store: BlobStore, keys: string[]) =>
  Promise.all(keys.map((k) => store.has(k))).then((has) => keys.filter((_, i) => has[i]));

async function uploadCsv(url: string, token: string, distributionId: string, csv: string) {
  const form = new FormData();
  form.append('file', new Blob([Buffer.from(csv)]), 'stations.csv');
  const res = await fetch(`${url}/api/v1/distributions/${distributionId}/upload`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** Polls the job until it ends; the guard is generous, never a timing assertion. */
async function waitForJob(url: string, token: string, id: string, worker: Running): Promise<any> {
  for (const started = Date.now(); ;) {
    const r = await api(url, 'GET', `/api/v1/jobs/${id}`, token);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    if (r.body.state === 'succeeded' || r.body.state === 'failed') return r.body;
    if (worker.child.exitCode !== null) throw new Error(`worker exited: ${worker.output()}`);
    if (Date.now() - started > 120_000) throw new Error(`job ${id} still ${r.body.state}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('a worker process without DATABASE_URL', () => {
  test('refuses to start on the embedded database, saying it needs PostgreSQL', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-noworker-'));
    try {
      const env = { KAIFANG_DATA_DIR: dir, DATABASE_URL: '' };
      const worker = kaifang(env, 'worker');
      assert.notEqual(worker.code, 0);
      assert.match(worker.stderr, /kaifang worker needs DATABASE_URL \(PostgreSQL\)/);
      const web = kaifang(env, 'serve', '--no-worker');
      assert.notEqual(web.code, 0);
      assert.match(web.stderr, /--no-worker needs DATABASE_URL/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe(
  'web and worker processes on one PostgreSQL database, then blob garbage collection',
  { skip: !process.env.KAIFANG_TEST_DATABASE_URL && 'no PostgreSQL server' },
  () => {
    let database: Database;
    let drop: () => Promise<void>;
    let env: Record<string, string>;
    let dir: string;
    before(async () => {
      const fresh = await freshDatabase('postgres');
      ({ database, drop } = fresh);
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-scale-'));
      env = { DATABASE_URL: fresh.url!, KAIFANG_DATA_DIR: dir };
    });
    after(async () => {
      await drop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    let distributionId: string;
    let token: string;

    test('a job enqueued by `serve --no-worker` is run by a separate `kaifang worker`', async () => {
      assert.equal(kaifang(env, 'user', 'add', '--email', 'admin@city.gov.cn', '--role', 'sysadmin').code, 0);
      const admin = kaifang(env, 'token', 'create', '--email', 'admin@city.gov.cn').stdout;
      const web = await serve(env, '--no-worker');
      let worker: Running | null = null;
      try {
        const org = await api(web.url, 'POST', '/api/v1/organisations', admin, orgBody(4242));
        assert.equal(org.status, 201, JSON.stringify(org.body));
        const added = kaifang(
          env,
          ...['user', 'add', '--email', 'staff@city.gov.cn', '--role', 'department', '--org', org.body.id],
        );
        assert.equal(added.code, 0, added.stderr);
        token = kaifang(env, 'token', 'create', '--email', 'staff@city.gov.cn').stdout;
        const ds = await api(
          web.url,
          'POST',
          '/api/v1/datasets',
          token,
          datasetBody(org.body.id, { fields: [] }),
        );
        assert.equal(ds.status, 201, JSON.stringify(ds.body));
        const dist = await api(web.url, 'POST', `/api/v1/datasets/${ds.body.id}/distributions`, token, {
          title: '数据文件',
          format: 'CSV',
        });
        assert.equal(dist.status, 201, JSON.stringify(dist.body));
        distributionId = dist.body.id;
        assert.equal(
          (await api(web.url, 'POST', `/api/v1/datasets/${ds.body.id}/publish`, token)).status,
          200,
        );

        const accepted = await uploadCsv(web.url, token, distributionId, '站点,线路\n鼓楼,1\n天一广场,2\n');
        assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
        const jobId = accepted.body.job.id;
        // No process works the queue yet: the web server left the job alone.
        assert.equal((await api(web.url, 'GET', `/api/v1/jobs/${jobId}`, token)).body.state, 'queued');

        worker = start(env, 'worker');
        const job = await waitForJob(web.url, token, jobId, worker);
        assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
        const ran = await database.db
          .selectFrom('job')
          .select('worker')
          .where('id', '=', jobId)
          .executeTakeFirstOrThrow();
        assert.match(ran.worker!, new RegExp(`:${worker.child.pid}:`), 'the worker process ran it');
        const rows = await api(web.url, 'GET', `/api/v1/distributions/${distributionId}/rows`);
        assert.equal(rows.status, 200, JSON.stringify(rows.body));
        assert.deepEqual(rows.body.records, [
          { 站点: '鼓楼', 线路: 1 },
          { 站点: '天一广场', 线路: 2 },
        ]);
        assert.equal(await worker.stop(), 0, `stops cleanly on SIGTERM: ${worker.output()}`);
      } finally {
        await worker?.stop();
        await web.stop();
      }
    });

    test('blobs gc deletes old unreferenced blobs only; --dry-run and bad arguments delete nothing', async () => {
      const store = fileBlobStore(path.join(dir, 'blobs'));
      const version = await database.db
        .selectFrom('distribution_version')
        .select(['raw_key', 'parquet_key'])
        .where('distribution_id', '=', distributionId)
        .executeTakeFirstOrThrow();
      const referenced = [version.raw_key!, version.parquet_key!];
      // Old enough to go: only the references keep them.
      for (const key of referenced) await age(store, key, 3 * DAY);
      const oldOrphan = await orphan(store, 'deleted distribution, two days ago', 2 * DAY);
      const youngOrphan = await orphan(store, 'an upload still being recorded', 0);
      const all = [...referenced, oldOrphan, youngOrphan];

      const bad = kaifang(env, 'blobs', 'gc', '--min-age', 'banana');
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /min-age must be a whole number with s, m, h or d/);
      assert.deepEqual(await blobsIn(store, all), all);

      const dry = kaifang(env, 'blobs', 'gc', '--dry-run');
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, new RegExp(`would delete ${oldOrphan}`));
      assert.match(
        dry.stdout,
        /dry run: 4 blobs checked: 3 kept \(2 referenced, 1 newer than 24h\), 1 to delete/,
      );
      assert.deepEqual(await blobsIn(store, all), all, 'a dry run deletes nothing');

      const gc = kaifang(env, 'blobs', 'gc');
      assert.equal(gc.code, 0, gc.stderr);
      assert.match(gc.stdout, new RegExp(`deleted ${oldOrphan}`));
      assert.match(gc.stdout, /4 blobs checked: 3 kept .* 1 deleted, \d+ B freed/);
      assert.deepEqual(await blobsIn(store, all), [...referenced, youngOrphan]);

      // A shorter minimum age lets the young one go too; the referenced ones stay whatever their age.
      await age(store, youngOrphan, 2 * 3_600_000);
      assert.equal(kaifang(env, 'blobs', 'gc', '--min-age', '1h').code, 0);
      assert.deepEqual(await blobsIn(store, all), referenced);
    });
  },
);

describe('blobs gc next to `npm start` on the embedded database', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-gc-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('runs inside the server through its admin socket', async () => {
    const store = fileBlobStore(path.join(dir, 'blobs'));
    const server = await serve({ KAIFANG_DATA_DIR: dir, DATABASE_URL: '' });
    try {
      const old = await orphan(store, 'left behind', 2 * DAY);
      const young = await orphan(store, 'just written', 0);
      const gc = kaifang({ KAIFANG_DATA_DIR: dir, DATABASE_URL: '' }, 'blobs', 'gc');
      assert.equal(gc.code, 0, gc.stderr);
      assert.match(gc.stdout, new RegExp(`deleted ${old}`));
      assert.deepEqual(await blobsIn(store, [old, young]), [young]);
    } finally {
      await server.stop();
    }
  });
});
