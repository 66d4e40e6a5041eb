import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { countAudit } from '../../src/identity/index.ts';
import { onEachDatabase } from '../helpers/db.ts';
import { buildWorld, count, requestBody, type World } from './world.ts';

const NIL = '00000000-0000-4000-8000-000000000000';

/** Every workflow endpoint, with a body where it takes one. */
const endpoints: { method: string; path: string; body?: unknown; anonymous?: boolean }[] = [
  { method: 'GET', path: '/api/v1/applications/commitment', anonymous: true },
  { method: 'GET', path: '/api/v1/notices/revocations', anonymous: true },
  { method: 'GET', path: '/api/v1/applications/prefill?datasets=a' },
  { method: 'POST', path: '/api/v1/applications', body: {} },
  { method: 'GET', path: '/api/v1/applications' },
  { method: 'GET', path: `/api/v1/applications/${NIL}` },
  ...['approve', 'reject', 'return_for_info', 'resubmit', 'withdraw', 'revoke'].map((a) => ({
    method: 'POST',
    path: `/api/v1/applications/${NIL}/${a}`,
    body: {},
  })),
  { method: 'GET', path: '/api/v1/sharing-requests/prefill?datasets=a' },
  { method: 'POST', path: '/api/v1/sharing-requests', body: {} },
  { method: 'GET', path: '/api/v1/sharing-requests' },
  { method: 'GET', path: `/api/v1/sharing-requests/${NIL}` },
  ...['approve', 'reject', 'return_for_info', 'resubmit', 'withdraw', 'escalate', 'revoke'].map((a) => ({
    method: 'POST',
    path: `/api/v1/sharing-requests/${NIL}/${a}`,
    body: {},
  })),
  { method: 'GET', path: `/api/v1/sharing-requests/${NIL}/negotiation` },
  { method: 'POST', path: `/api/v1/sharing-requests/${NIL}/negotiation/messages`, body: { body: 'x' } },
  { method: 'POST', path: `/api/v1/sharing-requests/${NIL}/negotiation/give_up`, body: { reason: 'x' } },
  { method: 'GET', path: '/api/v1/grants' },
  { method: 'GET', path: `/api/v1/grants/${NIL}` },
  ...['suspend', 'reinstate', 'revoke'].map((a) => ({
    method: 'POST',
    path: `/api/v1/grants/${NIL}/${a}`,
    body: { reason: 'x' },
  })),
  { method: 'POST', path: `/api/v1/grants/${NIL}/tokens`, body: { name: 'x' } },
  { method: 'GET', path: `/api/v1/grants/${NIL}/reports` },
  { method: 'POST', path: `/api/v1/grants/${NIL}/reports`, body: {} },
  { method: 'GET', path: `/api/v1/grants/${NIL}/uses` },
  { method: 'POST', path: `/api/v1/grants/${NIL}/ruling-requests`, body: { action: 'revoke', reason: 'x' } },
  { method: 'GET', path: `/api/v1/grants/${NIL}/ruling-requests` },
  { method: 'GET', path: '/api/v1/grant-ruling-requests' },
  ...['accept', 'refuse'].map((a) => ({
    method: 'POST',
    path: `/api/v1/grant-ruling-requests/${NIL}/${a}`,
    body: { reason: 'x' },
  })),
  { method: 'GET', path: '/api/v1/oversight/overdue' },
  { method: 'GET', path: '/api/v1/notifications' },
  { method: 'POST', path: `/api/v1/notifications/${NIL}/read` },
  { method: 'POST', path: '/api/v1/notifications/read-all' },
];

onEachDatabase('workflow endpoints', (kind) => {
  let w: World;
  before(async () => {
    w = await buildWorld(kind);
  });
  after(() => w.s.close());

  test('anonymous and forged callers are refused on every signed-in endpoint; public ones answer', async () => {
    for (const e of endpoints) {
      const anon = await w.s.call(e.method, e.path, { body: e.body });
      if (e.anonymous) assert.equal(anon.status, 200, `${e.method} ${e.path}`);
      else {
        assert.equal(anon.status, 401, `${e.method} ${e.path}: ${JSON.stringify(anon.body)}`);
        assert.equal(anon.body.error.code, 'unauthenticated');
      }
      const forged = await w.s.call(e.method, e.path, {
        body: e.body,
        token: 'kf_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      });
      assert.equal(forged.status, 401, `forged token on ${e.method} ${e.path}`);
    }
  });

  test('malformed ids, malformed JSON and oversized bodies are 4xx on every endpoint, never 500, and write nothing', async () => {
    const before = {
      audit: await countAudit(w.s.ctx.db),
      requests: await count(w.s, 'access_request'),
      grants: await count(w.s, 'access_grant'),
    };
    const huge = JSON.stringify({ reason: 'x'.repeat(2 * 1024 * 1024) });
    for (const e of endpoints) {
      if (e.path.includes(NIL)) {
        const bad = await w.s.call(e.method, e.path.replace(NIL, "1' OR '1'='1"), {
          token: w.staffA.token,
          body: e.body,
        });
        assert.equal(bad.status, 400, `bad id on ${e.method} ${e.path}: ${JSON.stringify(bad.body)}`);
        const missing = await w.s.call(e.method, e.path, { token: w.staffA.token, body: e.body });
        assert.ok(
          [400, 404].includes(missing.status),
          `unknown id on ${e.method} ${e.path}: ${missing.status} ${JSON.stringify(missing.body)}`,
        );
      }
      if (e.method === 'POST') {
        const junk = await w.s.call('POST', e.path, { token: w.staffA.token, raw: '{"reason": ' });
        assert.ok(junk.status === 400 || junk.status === 404, `junk JSON on ${e.path}: ${junk.status}`);
        const big = await w.s.call('POST', e.path, { token: w.staffA.token, raw: huge });
        assert.equal(big.status, 413, `oversized body on ${e.path}`);
      }
    }
    assert.equal(
      (await w.s.call('GET', '/api/v1/applications/prefill', { token: w.citizen.token })).status,
      400,
      'datasets is required',
    );
    assert.equal(
      (
        await w.s.call('GET', `/api/v1/applications/prefill?datasets=${'a,'.repeat(3000)}`, {
          token: w.citizen.token,
        })
      ).status,
      400,
      'too long',
    );
    assert.equal(
      (await w.s.call('GET', '/api/v1/grants?box=everything', { token: w.citizen.token })).status,
      400,
    );
    assert.equal(
      (await w.s.call('GET', '/api/v1/notifications?page=0', { token: w.citizen.token })).status,
      400,
    );
    assert.deepEqual(
      {
        audit: await countAudit(w.s.ctx.db),
        requests: await count(w.s, 'access_request'),
        grants: await count(w.s, 'access_grant'),
      },
      before,
    );
  });

  test('hostile text is stored and returned as data, not markup or SQL; the commitment text is served as published', async () => {
    const hostile = `<img src=x onerror=alert(1)>'); DELETE FROM dataset; --`;
    const r = await w.s.call('POST', '/api/v1/applications', {
      token: w.citizen.token,
      body: requestBody([w.condA.id], { purpose: hostile, applicant: { organisation: hostile } }),
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.items[0].purpose, hostile);
    assert.match(r.headers.get('content-type') ?? '', /application\/json/);
    assert.equal(
      (await w.s.call('GET', `/api/v1/datasets/${w.condA.id}`)).status,
      200,
      'the catalogue is intact',
    );
    const c = await w.s.call('GET', '/api/v1/applications/commitment', {
      headers: { 'accept-language': 'en' },
    });
    assert.ok(c.body.version && c.body.text.zh.includes('安全') && c.body.text.en.includes('undertake'));
  });

  test('the API description lists the workflow endpoints', async () => {
    const spec = await w.s.call('GET', '/api/v1/openapi.json');
    for (const p of [
      '/api/v1/applications',
      '/api/v1/applications/{id}/approve',
      '/api/v1/sharing-requests/{id}/escalate',
      '/api/v1/sharing-requests/{id}/negotiation/messages',
      '/api/v1/grants/{id}/ruling-requests',
      '/api/v1/grant-ruling-requests/{id}/accept',
      '/api/v1/grants/{id}/tokens',
      '/api/v1/notices/revocations',
      '/api/v1/oversight/overdue',
    ])
      assert.ok(spec.body.paths[p], p);
  });
});

test('`kaifang reminders` runs the periodic job from the command line and prints what it did', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaifang-reminders-'));
  try {
    const env = { ...process.env, KAIFANG_DATA_DIR: dir, LOG_LEVEL: 'silent' };
    delete env.DATABASE_URL;
    const r = spawnSync(process.execPath, ['bin/kaifang.js', 'reminders'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').at(-1)!), {
      expired: 0,
      reminders: 0,
      overdue: 0,
      reportReminders: 0,
      notices: 0,
    });
    const bad = spawnSync(process.execPath, ['bin/kaifang.js', 'reminders'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { ...env, KAIFANG_APPLICATION_DEADLINE_DAYS: '0' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /KAIFANG_APPLICATION_DEADLINE_DAYS/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
