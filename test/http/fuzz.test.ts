import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Worker } from '../../src/platform/index.ts';
import { startServer, type TestServer } from '../helpers/app.ts';
import { dataWorker, ingest, publishedDistribution } from '../data/helpers.ts';
import { caseFor, operations, rng, type Case } from './fuzz-cases.ts';

/**
 * Every operation of the served OpenAPI document, fed hostile input as an anonymous caller and
 * as a signed-in department user: nothing may answer 5xx, and every error is in the API's shape.
 * Bounded (KAIFANG_FUZZ_CASES, default 600) and reproducible: the seed is printed, and
 * KAIFANG_FUZZ_SEED replays a run.
 */
const SEED = Number(process.env.KAIFANG_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CASES = Math.max(500, Number(process.env.KAIFANG_FUZZ_CASES ?? 600));

let s: TestServer;
let worker: Worker;
let staff: { token: string };
const ids: Record<string, string[]> = {};

before(async () => {
  const saved = process.env.KAIFANG_RATE_LIMIT;
  process.env.KAIFANG_RATE_LIMIT = '1000000'; // the limit would turn cases into 429s and test nothing
  try {
    s = await startServer('pglite');
  } finally {
    if (saved === undefined) delete process.env.KAIFANG_RATE_LIMIT;
    else process.env.KAIFANG_RATE_LIMIT = saved;
  }
  worker = dataWorker(s);
  const admin = await s.userWithToken('sysadmin');
  const open = await publishedDistribution(s, admin);
  const job = await ingest(s, open.staff.token, open.distributionId, 'a.csv', 'name,n,day\nx,1,2024-01-01\n');
  assert.equal(job.state, 'succeeded', JSON.stringify(job));
  const conditional = await publishedDistribution(
    s,
    admin,
    { openTier: 'conditional', openConditions: '须签署协议' },
    { id: open.orgId, staff: open.staff },
  );
  staff = open.staff;
  const all = [open.distributionId, conditional.distributionId, job.id];
  ids.id = all;
  ids.ref = [open.datasetId, conditional.datasetId];
  ids.number = ['1'];
  ids.name = ['themes', 'open-tiers'];
  ids.orgId = [open.orgId];
});
after(async () => {
  await worker?.stop();
  await s?.close();
});

async function send(c: Case, token?: string) {
  const headers = { ...c.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const res = await fetch(s.url + c.url, { method: c.method, headers, body: c.body, redirect: 'manual' });
  const text = await res.text();
  let body: any = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {}
  return { status: res.status, body, text, type: res.headers.get('content-type') ?? '' };
}

const show = (c: Case) =>
  `${c.method} ${c.url.slice(0, 300)} ${c.body === undefined ? '' : JSON.stringify(String(c.body).slice(0, 300))}`;

test(`the OpenAPI-driven fuzz finds no 5xx and only well-shaped errors (seed ${SEED})`, async (t) => {
  t.diagnostic(`fuzz seed ${SEED} (replay with KAIFANG_FUZZ_SEED=${SEED})`);
  const doc = (await s.call('GET', '/api/v1/openapi.json')).body;
  const ops = operations(doc);
  assert.ok(ops.length >= 40, `the document lists the API (${ops.length} operations)`);
  const r = rng(SEED);
  const actors = [undefined, staff.token];
  const perOp = Math.ceil(CASES / (ops.length * actors.length));
  const failures: string[] = [];
  let sent = 0;
  const statuses = new Map<number, number>();
  for (const op of ops)
    for (const token of actors)
      for (let i = 0; i < perOp; i++) {
        const c = caseFor(doc, op, r, ids);
        const res = await send(c, token);
        sent++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const who = token ? 'department' : 'anonymous';
        if (res.status >= 500)
          failures.push(`${res.status} as ${who}: ${show(c)} → ${res.text.slice(0, 200)}`);
        else if (res.status >= 400 && res.type.includes('json')) {
          const e = res.body?.error;
          if (!e || typeof e.code !== 'string' || typeof e.message !== 'string' || 'statusCode' in e)
            failures.push(`bad error shape as ${who}: ${show(c)} → ${res.text.slice(0, 200)}`);
        } else if (res.status >= 400)
          failures.push(`non-JSON ${res.status} as ${who}: ${show(c)} → ${res.text.slice(0, 200)}`);
      }
  const histogram = [...statuses].sort(([a], [b]) => a - b).map(([k, n]) => `${k}×${n}`);
  t.diagnostic(`${sent} cases over ${ops.length} operations: ${histogram.join(' ')}`);
  assert.ok(sent >= 500, `${sent} cases`);
  assert.deepEqual(failures, [], `seed ${SEED}: ${failures.length} of ${sent} cases failed`);
  // The server is still healthy afterwards.
  assert.equal((await s.call('GET', '/healthz')).status, 200);
});
