// The data plane (issue 5) against CKAN's DataStore way of doing it, on the same machine:
//  - ingest: a generated BENCH_INGEST_ROWS-row (default 5,000,000), 10-column CSV uploaded to a real
//    `kaifang serve` and ingested by its worker (type inference, profile, Parquet), next to
//    PostgreSQL COPY of the same file (CKAN's loaders use COPY) into a plain table and into a
//    DataStore-shaped one (`_id` serial primary key, `_full_text` tsvector with a GIN index);
//  - queries: a filtered page and a group-by through the rows/aggregate API, next to the same
//    queries on the DataStore-shaped table;
//  - the server's peak resident memory (VmHWM) over the ingest.
//   npm run bench ingest
//   BENCH_INGEST_ROWS=500000 npm run bench ingest     # quick
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DuckDBInstance } from '@duckdb/node-api';
// @ts-expect-error plain JS helper shared with test/run.js
import { startCluster } from '../test/helpers/pg-cluster.js';

const ROWS = Number(process.env.BENCH_INGEST_ROWS ?? 5_000_000);
const ROUNDS = Number(process.env.BENCH_INGEST_ROUNDS ?? 10);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const DISTRICTS = [
  '海曙区',
  '江北区',
  '鄞州区',
  '镇海区',
  '北仑区',
  '奉化区',
  '余姚市',
  '慈溪市',
  '宁海县',
  '象山县',
];
const KINDS = ['医院', '卫生院', '诊所', '社区卫生服务中心', '门诊部'];
const HEADER = [
  '编号',
  '机构名称',
  '区县',
  '类别',
  '床位数',
  '职工人数',
  '年收入',
  '评分',
  '成立日期',
  '备注',
];

async function generate(file: string, rows: number): Promise<number> {
  const out = fs.createWriteStream(file);
  out.write(HEADER.join(',') + '\n');
  let buf = '';
  for (let i = 1; i <= rows; i++) {
    const d = DISTRICTS[i % 10];
    buf += `${i},明州市${d}第${i}${KINDS[i % 5]},${d},${KINDS[(i * 7) % 5]},${(i * 37) % 2000},${(i * 13) % 5000},${((i * 7919) % 1000000) / 100},${(i % 100) / 10},${2000 + (i % 24)}-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')},记录${i % 1000}号\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  out.end(buf);
  await new Promise<void>((r) => out.on('finish', () => r()));
  return fs.statSync(file).size;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function timed(fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 2; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

/** Peak and current resident memory of a process, from /proc (kB → MB). */
function memory(pid: number): { peak: number; now: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { peak: kb('VmHWM') / 1024, now: kb('VmRSS') / 1024 };
}

export default async function bench(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-ingest-bench-'));
  fs.chmodSync(dir, 0o755);
  const csv = path.join(dir, 'institutions.csv');
  let cluster: { url: string; stop(): void } | null = null;
  let server: ChildProcess | null = null;
  try {
    const bytes = await generate(csv, ROWS);
    fs.chmodSync(csv, 0o644);
    console.log(
      `file: ${ROWS.toLocaleString('en')} rows × 10 columns, ${(bytes / 1024 ** 2).toFixed(0)} MB, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)} at start`,
    );
    cluster = (await startCluster({
      shared_buffers: '256MB',
      max_wal_size: '8GB',
      maintenance_work_mem: '256MB',
      work_mem: '64MB',
    })) as { url: string; stop(): void };
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query('CREATE DATABASE kaifang_bench');
    await admin.query('CREATE DATABASE ckan_datastore');
    await admin.end();
    const kaifangUrl = cluster.url.replace(/\/postgres$/, '/kaifang_bench');
    const ckanUrl = cluster.url.replace(/\/postgres$/, '/ckan_datastore');

    // ---- PostgreSQL COPY (CKAN) ---------------------------------------------------------------
    const db = new pg.Client({ connectionString: ckanUrl });
    await db.connect();
    const cols = HEADER.map((h) => `"${h}" text`).join(', ');
    // No autovacuum: it would wake up on these new tables while Kaifang is timed.
    await db.query(`CREATE TABLE plain (${cols}) WITH (autovacuum_enabled = false)`);
    let t = performance.now();
    await db.query(`COPY plain FROM '${csv}' WITH (FORMAT csv, HEADER true)`);
    const copyPlain = (performance.now() - t) / 1000;
    await db.query('CHECKPOINT');
    // The DataStore's table: what CKAN's loaders create and fill, then index for datastore_search.
    await db.query(
      `CREATE TABLE datastore (_id serial PRIMARY KEY, _full_text tsvector, ${cols}) WITH (autovacuum_enabled = false)`,
    );
    t = performance.now();
    await db.query(
      `COPY datastore (${HEADER.map((h) => `"${h}"`).join(', ')}) FROM '${csv}' WITH (FORMAT csv, HEADER true)`,
    );
    const copyDatastore = (performance.now() - t) / 1000;
    // Written pages are flushed now, not while the others are measured.
    await db.query('CHECKPOINT');

    // ---- DuckDB by itself: the floor for any CSV → Parquet on this machine ---------------------
    // Its own type detection from a sample, no checks of every value, no profile, no catalogue.
    const duck = await DuckDBInstance.create(':memory:', { preserve_insertion_order: 'true' });
    const dc = await duck.connect();
    t = performance.now();
    await dc.run(
      `COPY (SELECT * FROM read_csv('${csv}')) TO '${path.join(dir, 'floor.parquet')}' (FORMAT parquet, COMPRESSION snappy)`,
    );
    const duckOnly = (performance.now() - t) / 1000;
    dc.closeSync();
    duck.closeSync();
    fs.rmSync(path.join(dir, 'floor.parquet'), { force: true });

    // ---- Kaifang ------------------------------------------------------------------------------
    const env = {
      ...process.env,
      DATABASE_URL: kaifangUrl,
      KAIFANG_DATA_DIR: path.join(dir, 'kaifang'),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
    };
    const cli = (args: string[]) => {
      const r = spawnSync(process.execPath, [path.join(root, 'bin/kaifang.js'), ...args], {
        env,
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`kaifang ${args.join(' ')}: ${r.stderr}`);
      return r.stdout.trim();
    };
    cli(['migrate']);
    cli(['user', 'add', '--email', 'bench@kaifang.test', '--role', 'sysadmin']);
    const token = cli(['token', 'create', '--email', 'bench@kaifang.test']);
    const port = await freePort();
    server = spawn(process.execPath, [path.join(root, 'bin/kaifang.js'), 'serve'], {
      env: { ...env, PORT: String(port) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const base = `http://127.0.0.1:${port}/api/v1`;
    for (let i = 0; ; i++) {
      if (
        await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 600) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const api = async (method: string, url: string, body?: unknown) => {
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const r = await fetch(base + url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = await r.json();
      if (r.status >= 300) throw new Error(`${method} ${url}: ${r.status} ${JSON.stringify(json)}`);
      return json;
    };
    const org = await api('POST', '/organisations', {
      name: '明州市卫生健康委员会',
      orgCode: '11339900MB0000001X',
      regionCode: '339900',
      adminLevel: 'prefecture',
    });
    const dataset = await api('POST', '/datasets', {
      title: '医疗机构名录',
      description: '明州市医疗机构的名称、区县、类别、床位与人员。',
      orgId: org.id,
      themes: ['health'],
      openTier: 'unconditional',
      shareTier: 'unconditional',
      updateFrequency: '每月',
    });
    const dist = await api('POST', `/datasets/${dataset.id}/distributions`, {
      title: '医疗机构名录 CSV',
      format: 'CSV',
    });
    await api('POST', `/datasets/${dataset.id}/publish`);
    const before = memory(server.pid!);
    const form = new FormData();
    form.append('file', await fs.openAsBlob(csv), 'institutions.csv');
    t = performance.now();
    const accepted = await fetch(`${base}/distributions/${dist.id}/upload`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${token}` },
    }).then((r) => r.json());
    const uploaded = (performance.now() - t) / 1000;
    let job;
    let sampledPeak = 0;
    for (;;) {
      sampledPeak = Math.max(sampledPeak, memory(server.pid!).now);
      job = await api('GET', `/jobs/${accepted.job.id}`);
      if (job.state === 'succeeded' || job.state === 'failed') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const total = (performance.now() - t) / 1000;
    if (job.state !== 'succeeded') throw new Error(`ingest failed: ${JSON.stringify(job.error)}`);
    const ingest = (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000;
    const peak = memory(server.pid!).peak;

    // ---- CKAN's DataStore made searchable (after the ingests, so its heavy writes and their
    // checkpoint do not run while the others are timed) ---------------------------------------
    const t2 = performance.now();
    await db.query(
      `UPDATE datastore SET _full_text = to_tsvector('simple', concat_ws(' ', ${HEADER.map((h) => `"${h}"`).join(', ')}))`,
    );
    await db.query('CREATE INDEX datastore_full_text ON datastore USING gin (_full_text)');
    await db.query('VACUUM ANALYZE datastore');
    const fullText = (performance.now() - t2) / 1000;
    await db.query('CHECKPOINT');

    // ---- Queries ------------------------------------------------------------------------------
    const filters = encodeURIComponent(JSON.stringify({ 区县: '江北区', 类别: '诊所' }));
    const page = `/distributions/${dist.id}/rows?filters=${filters}&limit=100`;
    const pageCheck = await api('GET', page);
    const oursPage = await timed(() => api('GET', page));
    const pgPage = await timed(async () => {
      // datastore_search with filters: the page, and the total it reports.
      await db.query(`SELECT * FROM datastore WHERE "区县" = $1 AND "类别" = $2 ORDER BY _id LIMIT 100`, [
        '江北区',
        '诊所',
      ]);
      await db.query(`SELECT count(*) FROM datastore WHERE "区县" = $1 AND "类别" = $2`, ['江北区', '诊所']);
    });
    const deep = `/distributions/${dist.id}/rows?filters=${filters}&limit=100&cursor=${pageCheck.nextCursor}`;
    const oursDeep = await timed(() => api('GET', deep));
    const group = `/distributions/${dist.id}/aggregate?groupBy=${encodeURIComponent('区县,类别')}&metrics=${encodeURIComponent('count,sum:床位数,avg:年收入')}`;
    const oursGroup = await timed(() => api('GET', group));
    // The DataStore keeps text; CKAN's SQL endpoint casts to aggregate.
    const pgGroup = await timed(() =>
      db.query(
        `SELECT "区县", "类别", count(*), sum("床位数"::bigint), avg("年收入"::float8) FROM datastore GROUP BY 1, 2`,
      ),
    );
    const q = `/distributions/${dist.id}/rows?q=${encodeURIComponent('记录123号')}&limit=100`;
    const oursText = await timed(() => api('GET', q));
    const pgText = await timed(async () => {
      await db.query(
        `SELECT * FROM datastore WHERE _full_text @@ plainto_tsquery('simple', $1) ORDER BY _id LIMIT 100`,
        ['记录123号'],
      );
      await db.query(`SELECT count(*) FROM datastore WHERE _full_text @@ plainto_tsquery('simple', $1)`, [
        '记录123号',
      ]);
    });
    await db.end();

    const rate = (seconds: number) => Math.round(ROWS / seconds).toLocaleString('en');
    const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
    console.log('\ningest (rows/s, higher is better)');
    console.log(
      `  Kaifang ingest job (CSV → typed Parquet + profile)   ${ingest.toFixed(1)} s   ${rate(ingest)} rows/s`,
    );
    console.log(
      `  Kaifang upload + ingest, end to end                  ${total.toFixed(1)} s   ${rate(total)} rows/s   (upload ${uploaded.toFixed(1)} s)`,
    );
    console.log(
      `  (${job.report?.report?.onePass ? 'read in one pass' : 'read the careful way'}; DuckDB's bare CSV → Parquet, no checks or profile: ${duckOnly.toFixed(1)} s, ${rate(duckOnly)} rows/s)`,
    );
    console.log(
      `  PostgreSQL COPY into a plain text table              ${copyPlain.toFixed(1)} s   ${rate(copyPlain)} rows/s   → Kaifang ${ratio(copyPlain, ingest)}`,
    );
    console.log(
      `  PostgreSQL COPY into the DataStore table (_id PK)    ${copyDatastore.toFixed(1)} s   ${rate(copyDatastore)} rows/s   → Kaifang ${ratio(copyDatastore, ingest)}`,
    );
    console.log(
      `  … plus _full_text and its GIN index (queryable)      ${(copyDatastore + fullText).toFixed(1)} s   ${rate(copyDatastore + fullText)} rows/s   → Kaifang ${ratio(copyDatastore + fullText, ingest)}`,
    );
    console.log(
      `\nserver memory: ${before.now.toFixed(0)} MB before upload, peak ${peak.toFixed(0)} MB (VmHWM; sampled ${sampledPeak.toFixed(0)} MB)`,
    );
    console.log(`\nqueries (median of ${ROUNDS}; Kaifang through HTTP, PostgreSQL through its driver)`);
    console.log(
      `  filtered page + total (2 eq filters, 100 rows)   Kaifang ${oursPage.toFixed(1)} ms   PostgreSQL ${pgPage.toFixed(1)} ms   → ${ratio(pgPage, oursPage)}`,
    );
    console.log(`  next page by cursor                              Kaifang ${oursDeep.toFixed(1)} ms`);
    console.log(
      `  group by 2 fields, count/sum/avg                 Kaifang ${oursGroup.toFixed(1)} ms   PostgreSQL ${pgGroup.toFixed(1)} ms   → ${ratio(pgGroup, oursGroup)}`,
    );
    console.log(
      `  text search (contains vs GIN tsquery)            Kaifang ${oursText.toFixed(1)} ms   PostgreSQL ${pgText.toFixed(1)} ms   → ${ratio(pgText, oursText)}`,
    );
    console.log(
      `  (check: filtered total ${pageCheck.total.toLocaleString('en')} rows; load average ${os.loadavg()[0].toFixed(1)} at the end)`,
    );
  } finally {
    if (server?.pid) {
      server.kill('SIGTERM');
      await new Promise((r) => server!.once('exit', r));
    }
    cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
