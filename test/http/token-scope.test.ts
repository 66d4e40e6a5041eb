import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Worker } from '../../src/platform/index.ts';
import { onEachDatabase } from '../helpers/db.ts';
import { buildWorld, requestBody, type World } from '../access/world.ts';
import { dataWorker, ingest } from '../data/helpers.ts';

const NIL = '00000000-0000-4000-8000-000000000000';

/** The routes a grant token may call, as `METHOD /openapi/path`: reads of its own grant's data and record. */
const GRANT_READS = new Set([
  'GET /api/v1/distributions/{id}/versions',
  'GET /api/v1/distributions/{id}/versions/{number}',
  'GET /api/v1/distributions/{id}/rows',
  'GET /api/v1/distributions/{id}/aggregate',
  'GET /api/v1/distributions/{id}/preview',
  'GET /api/v1/distributions/{id}/download',
  'POST /api/v1/query',
  'GET /api/v1/grants/{id}',
]);

const CSV =
  'district,company,licence,amount\n海曙区,甲公司,L-001,12.5\n鄞州区,乙公司,L-002,30\n江北区,丙公司,L-003,8\n';

onEachDatabase('token scope', (kind) => {
  let w: World;
  let worker: Worker;
  let distributionId: string;
  let openDistributionId: string;
  let grantId: string;
  let grantToken: string;

  before(async () => {
    w = await buildWorld(kind);
    worker = dataWorker(w.s);
    const dist = await w.s.call('POST', `/api/v1/datasets/${w.condA.id}/distributions`, {
      token: w.staffA.token,
      body: { title: '许可清单', format: 'CSV' },
    });
    assert.equal(dist.status, 201, JSON.stringify(dist.body));
    distributionId = dist.body.id;
    assert.equal((await ingest(w.s, w.staffA.token, distributionId, 'licences.csv', CSV)).state, 'succeeded');
    const open = await w.s.call('POST', `/api/v1/datasets/${w.openA.id}/distributions`, {
      token: w.staffA.token,
      body: { title: '名录', format: 'CSV' },
    });
    openDistributionId = open.body.id;
    assert.equal((await ingest(w.s, w.staffA.token, openDistributionId, 'list.csv', CSV)).state, 'succeeded');

    const applied = await w.s.call('POST', '/api/v1/applications', {
      token: w.citizen.token,
      body: requestBody([w.condA.id]),
    });
    assert.equal(applied.status, 201, JSON.stringify(applied.body));
    const approved = await w.s.call('POST', `/api/v1/applications/${applied.body.items[0].id}/approve`, {
      token: w.staffA.token,
      body: {
        datasets: [{ id: w.condA.id, fields: ['district', 'amount'] }],
        expiresOn: '2026-06-30',
        reason: '用途明确',
      },
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    grantId = approved.body.grantId;
    const t = await w.s.call('POST', `/api/v1/grants/${grantId}/tokens`, {
      token: w.citizen.token,
      body: { name: '分析脚本' },
    });
    assert.equal(t.status, 201, JSON.stringify(t.body));
    grantToken = t.body.token;
  });
  after(async () => {
    await worker.stop();
    await w.s.close();
  });

  test('the finding: a grant token can no longer mint a full token, nor list or revoke its holder’s tokens', async () => {
    const minted = await w.s.call('POST', '/api/v1/tokens', { token: grantToken, body: { name: 'full' } });
    assert.equal(minted.status, 403, 'was 201: a token acting as its holder, outliving the grant');
    assert.equal(minted.body.error.code, 'token_scope');
    assert.equal((await w.s.call('GET', '/api/v1/tokens', { token: grantToken })).status, 403);
    const own = await w.s.call('GET', '/api/v1/tokens', { token: w.citizen.token });
    const full = own.body.items.find((t: { scope: string }) => t.scope === 'user');
    const scoped = own.body.items.find((t: { scope: string }) => t.scope === 'grant');
    assert.equal(scoped.grantId, grantId, 'the holder sees which token is bound to which grant');
    const revoked = await w.s.call('DELETE', `/api/v1/tokens/${full.id}`, { token: grantToken });
    assert.equal(revoked.status, 403);
    assert.equal((await w.s.call('GET', '/api/v1/me', { token: w.citizen.token })).status, 200);
  });

  test('walking every route of the OpenAPI document with a grant token: 403 except the grant’s own reads', async () => {
    const doc = (await w.s.call('GET', '/api/v1/openapi.json')).body;
    const table = `dist_${distributionId.replaceAll('-', '')}`;
    let walked = 0;
    for (const [template, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) {
        const m = method.toUpperCase();
        const path = template
          .replace(
            '{id}',
            template.startsWith('/api/v1/distributions/')
              ? distributionId
              : template.startsWith('/api/v1/grants/')
                ? grantId
                : NIL,
          )
          .replace('{ref}', w.condA.id)
          .replace('{number}', '1')
          .replace('{name}', 'open-tiers');
        const body =
          template === '/api/v1/query'
            ? { sql: `select count(*) as n from ${table}` }
            : m === 'GET' || m === 'DELETE'
              ? undefined
              : {};
        const r = await w.s.call(m, path, { token: grantToken, body });
        const key = `${m} ${template}`;
        if (GRANT_READS.has(key))
          assert.equal(r.status, 200, `${key}: ${JSON.stringify(r.body).slice(0, 300)}`);
        else {
          assert.equal(r.status, 403, `${key} answered ${r.status}`);
          assert.equal(r.body.error.code, 'token_scope', key);
        }
        walked++;
      }
    }
    assert.ok(walked > 50, `walked ${walked} routes`);
    for (const key of GRANT_READS) assert.ok(doc.paths[key.split(' ')[1]!], `${key} is in the document`);
  });

  test('the reads a grant token may make are confined to its grant: its fields, not other data, not open data', async () => {
    const rows = await w.s.call('GET', `/api/v1/distributions/${distributionId}/rows`, { token: grantToken });
    assert.equal(rows.status, 200);
    assert.deepEqual(
      rows.body.fields.map((f: { name: string }) => f.name),
      ['district', 'amount'],
    );
    for (const path of [
      `/api/v1/distributions/${openDistributionId}/rows`,
      `/api/v1/distributions/${openDistributionId}/download`,
    ]) {
      const r = await w.s.call('GET', path, { token: grantToken });
      assert.equal(r.status, 403, path);
      assert.equal(r.body.error.details.reason, 'outside_grant');
    }
    const sql = `select count(*) as n from dist_${openDistributionId.replaceAll('-', '')}`;
    assert.notEqual(
      (await w.s.call('POST', '/api/v1/query', { token: grantToken, body: { sql } })).status,
      200,
    );
    assert.equal((await w.s.call('GET', `/api/v1/grants/${NIL}`, { token: grantToken })).status, 404);
    // Pages refuse the token as well: no password change through the console with it.
    const page = await w.s.call('POST', '/console/password', { token: grantToken, body: {} });
    assert.ok(page.status === 403 || page.status === 404, `console answered ${page.status}`);
  });

  test('revoking the grant revokes the tokens derived from it, for good', async () => {
    const revoked = await w.s.call('POST', `/api/v1/grants/${grantId}/revoke`, {
      token: w.staffA.token,
      body: { reason: '违反使用约定' },
    });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    const row = await w.s.ctx.db
      .selectFrom('api_token')
      .select('revoked_at')
      .where('grant_id', '=', grantId)
      .executeTakeFirstOrThrow();
    assert.ok(row.revoked_at, 'the token row is revoked, not merely refused');
    const r = await w.s.call('GET', `/api/v1/distributions/${distributionId}/rows`, { token: grantToken });
    assert.equal(r.status, 401);
    assert.equal(
      (await w.s.call('GET', '/api/v1/me', { token: w.citizen.token })).status,
      200,
      'the holder’s own token lives on',
    );
  });
});
