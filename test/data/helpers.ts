import assert from 'node:assert/strict';
import { startWorker, type Worker } from '../../src/platform/index.ts';
import { dataJobHandlers } from '../../src/data/index.ts';
import { datasetBody, orgBody, type TestServer } from '../helpers/app.ts';

/** The data plane's worker on a test server: uploads are ingested as `kaifang serve` would. */
export function dataWorker(s: TestServer): Worker {
  return startWorker(s.ctx, dataJobHandlers, { pollMs: 100 });
}

let orgSeq = 0;

/** An organisation, its staff member, and a published dataset with one CSV distribution. */
export async function publishedDistribution(
  s: TestServer,
  admin: { token: string },
  extra: Record<string, unknown> = {},
  org?: { id: string; staff: { token: string; id: string } },
): Promise<{
  orgId: string;
  staff: { token: string; id: string };
  datasetId: string;
  distributionId: string;
}> {
  let o = org;
  if (!o) {
    const created = await s.call('POST', '/api/v1/organisations', {
      token: admin.token,
      body: orgBody(`${process.pid % 1000}${++orgSeq}`.slice(-6)),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    o = { id: created.body.id, staff: await s.userWithToken('department', created.body.id) };
  }
  const d = await s.call('POST', '/api/v1/datasets', {
    token: o.staff.token,
    body: datasetBody(o.id, { fields: [], ...extra }),
  });
  assert.equal(d.status, 201, JSON.stringify(d.body));
  const dist = await s.call('POST', `/api/v1/datasets/${d.body.id}/distributions`, {
    token: o.staff.token,
    body: { title: '数据文件', format: 'CSV' },
  });
  assert.equal(dist.status, 201, JSON.stringify(dist.body));
  const pub = await s.call('POST', `/api/v1/datasets/${d.body.id}/publish`, { token: o.staff.token });
  assert.equal(pub.status, 200, JSON.stringify(pub.body));
  return { orgId: o.id, staff: o.staff, datasetId: d.body.id, distributionId: dist.body.id };
}

/** Multipart upload of `content` as `filename`, as a browser form would send it. */
export async function upload(
  s: TestServer,
  token: string | undefined,
  distributionId: string,
  filename: string,
  content: Buffer | string,
  query = '',
) {
  const form = new FormData();
  form.append('file', new Blob([typeof content === 'string' ? Buffer.from(content) : content]), filename);
  const res = await fetch(`${s.url}/api/v1/distributions/${distributionId}/upload${query}`, {
    method: 'POST',
    body: form,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, body, headers: res.headers };
}

/** Polls a job until it ends (the worker runs it); the guard is generous, never a timing assertion. */
export async function waitForJob(
  s: TestServer,
  token: string,
  jobId: string,
  guardMs = 120000,
): Promise<any> {
  const started = Date.now();
  for (;;) {
    const r = await s.call('GET', `/api/v1/jobs/${jobId}`, { token });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    if (r.body.state === 'succeeded' || r.body.state === 'failed') return r.body;
    if (Date.now() - started > guardMs)
      throw new Error(`job ${jobId} still ${r.body.state} after ${guardMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Upload and wait: the finished job. */
export async function ingest(
  s: TestServer,
  token: string,
  distributionId: string,
  filename: string,
  content: Buffer | string,
  query = '',
): Promise<any> {
  const r = await upload(s, token, distributionId, filename, content, query);
  assert.equal(r.status, 202, JSON.stringify(r.body));
  return waitForJob(s, token, r.body.job.id);
}
