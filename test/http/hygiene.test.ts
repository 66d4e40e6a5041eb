import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { Worker } from '../../src/platform/index.ts';
import { onEachDatabase } from '../helpers/db.ts';
import { buildApp } from '../../src/http/index.ts';
import { webOptions } from '../../src/web/index.ts';
import { startServer, type TestServer } from '../helpers/app.ts';
import { dataWorker, ingest, publishedDistribution } from '../data/helpers.ts';

/** The API's error shape, with the offending field named when there is one. */
function assertRefused(r: { status: number; body: any }, status: number, field?: string, code?: string) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(typeof r.body?.error?.code, 'string', JSON.stringify(r.body));
  assert.equal(typeof r.body.error.message, 'string');
  if (field) {
    const fields = r.body.error.details?.fields ?? [];
    const hit = fields.find((f: { field: string }) => f.field === field);
    assert.ok(hit, `expected ${field} among ${JSON.stringify(fields)}`);
    if (code) assert.equal(hit.code, code);
  }
}

const enc = encodeURIComponent;

onEachDatabase('input hygiene at the edge', (kind) => {
  let s: TestServer;
  let worker: Worker;
  let admin: { token: string };
  let main: Awaited<ReturnType<typeof publishedDistribution>>;

  before(async () => {
    s = await startServer(kind);
    worker = dataWorker(s);
    admin = await s.userWithToken('sysadmin');
    main = await publishedDistribution(s, admin);
    const job = await ingest(
      s,
      main.staff.token,
      main.distributionId,
      'a.csv',
      'name,n,day\nx,1,2024-01-01\ny,2,2024-01-02\nz,3,2024-01-03\n',
    );
    assert.equal(job.state, 'succeeded', JSON.stringify(job));
  });
  after(async () => {
    await worker.stop();
    await s.close();
  });

  test('NUL, lone surrogates, control and bidi-override characters in any text field are refused by name, and nothing changes', async () => {
    const t = main.staff.token;
    const before = await s.call('GET', `/api/v1/datasets/${main.datasetId}`);
    const cases: [string, string, string, string, string][] = [
      // method, path, raw JSON body, field, code
      ['PATCH', `/api/v1/datasets/${main.datasetId}`, '{"title":"a\\u0000b"}', 'title', 'nul'],
      ['PATCH', `/api/v1/datasets/${main.datasetId}`, '{"title":"a\\ud800b"}', 'title', 'lone_surrogate'],
      ['PATCH', `/api/v1/datasets/${main.datasetId}`, '{"title":"a\\u202eb"}', 'title', 'bidi_control'],
      ['PATCH', `/api/v1/datasets/${main.datasetId}`, '{"title":"a\\u0007b"}', 'title', 'control'],
      [
        'PATCH',
        `/api/v1/datasets/${main.datasetId}`,
        '{"description":"x\\u2066y"}',
        'description',
        'bidi_control',
      ],
      [
        'PATCH',
        `/api/v1/datasets/${main.datasetId}`,
        '{"fields":[{"name":"a\\udc00"}]}',
        'fields[0].name',
        'lone_surrogate',
      ],
      ['PATCH', `/api/v1/datasets/${main.datasetId}`, '{"tags":["ok","b\\u0000"]}', 'tags[1]', 'nul'],
      ['PATCH', `/api/v1/distributions/${main.distributionId}`, '{"title":"\\u0000"}', 'title', 'nul'],
      ['PATCH', `/api/v1/organisations/${main.orgId}`, '{"name":"\\u0000局"}', 'name', 'nul'],
      ['POST', '/api/v1/tokens', '{"name":"\\ud83d"}', 'name', 'lone_surrogate'],
      ['POST', '/api/v1/organisations', '{"na\\u0000me":"x"}', 'na\\u0000me', 'nul'],
    ];
    for (const [method, path, raw, field, code] of cases) {
      const token = path.includes('organisations') ? admin.token : t;
      assertRefused(await s.call(method, path, { token, raw }), 400, field, code);
    }
    // Users are created by the sysadmin; their names take the same rules.
    assertRefused(
      await s.call('POST', '/api/v1/users', {
        token: admin.token,
        raw: '{"email":"x@y.cn","name":"\\u0000","role":"public"}',
      }),
      400,
      'name',
      'nul',
    );
    const after = await s.call('GET', `/api/v1/datasets/${main.datasetId}`);
    assert.deepEqual(after.body.title, before.body.title);
    assert.deepEqual(after.body.modified, before.body.modified);
    // Line breaks and tabs are text in a body: a description keeps its paragraphs.
    const ok = await s.call('PATCH', `/api/v1/datasets/${main.datasetId}`, {
      token: t,
      body: { description: '第一段。\r\n\t第二段。' },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.description, '第一段。\r\n\t第二段。');
  });

  test('a body that is not UTF-8 is refused, not repaired; a leading byte-order mark is ignored (RFC 8259)', async () => {
    const res = await fetch(`${s.url}/api/v1/datasets/${main.datasetId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${main.staff.token}`, 'content-type': 'application/json' },
      body: Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xe4, 0xb8]), Buffer.from('"}')]),
    });
    assertRefused({ status: res.status, body: await res.json() }, 400, 'body', 'invalid_utf8');
    const bom = await fetch(`${s.url}/api/v1/datasets/${main.datasetId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${main.staff.token}`, 'content-type': 'application/json' },
      body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"version":"2.0"}')]),
    });
    assert.equal(bom.status, 200, await bom.clone().text());
    assert.equal((await bom.json()).version, '2.0');
  });

  test('paths and query strings: NUL, bad escapes and non-UTF-8 answer 400 in the error shape, never 500', async () => {
    assertRefused(await s.call('GET', '/api/v1/datasets/a%00b'), 400, 'ref', 'nul');
    assertRefused(await s.call('GET', '/api/v1/datasets/a%0Ab'), 400, 'ref', 'control');
    const badEscape = await s.call('GET', '/api/v1/datasets/a%zzb');
    assertRefused(badEscape, 400);
    assert.equal(badEscape.body.error.code, 'invalid_url');
    assert.equal(badEscape.body.error.statusCode, undefined, 'not Fastify’s own error body');
    assertRefused(await s.call('GET', '/api/v1/datasets/a%ffb'), 400);
    assertRefused(await s.call('GET', '/api/v1/datasets?q=%ff'), 400, 'q', 'invalid_utf8');
    assertRefused(await s.call('GET', '/api/v1/datasets?q=a%00'), 400, 'q', 'nul');
    assertRefused(await s.call('GET', `/api/v1/datasets?q=${enc('a\u202e')}`), 400, 'q', 'bidi_control');
    const fine = await s.call('GET', `/api/v1/datasets?q=${enc('住房 公积金')}`);
    assert.equal(fine.status, 200);
  });

  test('numbers beyond the exact range are refused (byteSize 1e300), not stored or failed on', async () => {
    const r = await s.call('PATCH', `/api/v1/distributions/${main.distributionId}`, {
      token: main.staff.token,
      raw: '{"byteSize":1e300}',
    });
    assertRefused(r, 400, 'byteSize', 'out_of_range');
    assertRefused(
      await s.call('PATCH', `/api/v1/distributions/${main.distributionId}`, {
        token: main.staff.token,
        raw: '{"byteSize":9007199254740993}',
      }),
      400,
      'byteSize',
    );
    const ok = await s.call('PATCH', `/api/v1/distributions/${main.distributionId}`, {
      token: main.staff.token,
      body: { byteSize: 9007199254740991 },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.byteSize, 9007199254740991);
  });

  test('deeply nested bodies are refused before any code walks them', async () => {
    const raw = `{"title":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    assertRefused(
      await s.call('PATCH', `/api/v1/datasets/${main.datasetId}`, { token: main.staff.token, raw }),
      400,
    );
  });

  test('filter operators are checked as own names: constructor and toString are unknown operators', async () => {
    const rows = (filters: unknown) =>
      s.call(
        'GET',
        `/api/v1/distributions/${main.distributionId}/rows?filters=${enc(JSON.stringify(filters))}`,
      );
    for (const op of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])
      assertRefused(await rows({ n: JSON.parse(`{"${op}":1}`) }), 400, 'filters.n');
    assertRefused(await rows({ constructor: 1 }), 400, 'filters.constructor', 'unknown_field');
    // Impossible dates are a 400, not an engine failure.
    assertRefused(await rows({ day: '2024-02-30' }), 400, 'filters.day');
    const ok = await rows({ n: { gte: 2 }, day: '2024-01-03' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(
      ok.body.records.map((r: { name: string }) => r.name),
      ['z'],
    );
  });

  test('a malformed rows cursor is a 400 naming the cursor; a real one pages on', async () => {
    const base = `/api/v1/distributions/${main.distributionId}/rows`;
    const cursor = (c: unknown) => Buffer.from(JSON.stringify(c)).toString('base64url');
    const cases: [string, string][] = [
      ['not-a-cursor', ''],
      [cursor({ v: 1, s: '', k: [{}] }), ''],
      [cursor({ v: 1, s: '', k: [[1, 2]] }), ''],
      [cursor({ v: 1, s: '', k: ['abc'] }), ''],
      [cursor({ v: 1, s: '', k: ['99999999999999999999999999999'] }), ''],
      [cursor({ v: 1, s: '', k: null }), ''],
      [cursor(null), ''],
      [cursor({ v: 1, s: 'day', k: ['2024-13-01', 1] }), '&sort=day'],
      [cursor({ v: 1, s: 'day', k: [true, 1] }), '&sort=day'],
    ];
    for (const [bad, sort] of cases)
      assertRefused(await s.call('GET', `${base}?cursor=${enc(bad)}${sort}`), 400, 'cursor');
    const first = await s.call('GET', `${base}?limit=1&sort=-day`);
    assert.equal(first.status, 200);
    const next = await s.call('GET', `${base}?limit=1&sort=-day&cursor=${enc(first.body.nextCursor)}`);
    assert.equal(next.status, 200, JSON.stringify(next.body));
    assert.equal(next.body.records[0].name, 'y');
  });

  test('an uploaded file’s name and form fields take the same text rules; nothing is stored', async () => {
    const versions = async () =>
      (
        await s.call('GET', `/api/v1/distributions/${main.distributionId}/versions`, {
          token: main.staff.token,
        })
      ).body.items.length;
    const before = await versions();
    for (const [filename, sheet, field, code] of [
      ['a\u0000b.csv', undefined, 'filename', 'nul'],
      ['invoice\u202egpj.exe.csv', undefined, 'filename', 'bidi_control'],
      ['ok.csv', 'a\u0000', 'sheet', 'nul'],
    ] as const) {
      const form = new FormData();
      if (sheet) form.append('sheet', sheet);
      form.append('file', new Blob([Buffer.from('a,b\n1,2\n')]), filename);
      const res = await fetch(`${s.url}/api/v1/distributions/${main.distributionId}/upload`, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${main.staff.token}` },
      });
      assertRefused({ status: res.status, body: await res.json() }, 400, field, code);
    }
    assert.equal(await versions(), before);
  });

  test('a request Fastify cannot parse still answers in the API error shape', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const sock = net.connect(Number(new URL(s.url).port), '127.0.0.1', () =>
        sock.write('GET /api/v1/datasets HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'),
      );
      let out = '';
      sock.on('data', (d) => (out += d));
      sock.on('end', () => resolve(out));
      sock.on('error', reject);
    });
    assert.match(raw, /^HTTP\/1\.1 400/);
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
    assert.equal(body.error.code, 'invalid_request');
  });
});

onEachDatabase('input hygiene on pages', (kind) => {
  let s: TestServer;
  before(async () => {
    s = await startServer(kind, webOptions());
  });
  after(() => s.close());

  test('a page asked with hostile text answers a 400 page, never Fastify’s raw error or a 500', async () => {
    for (const path of ['/console/sign-in?next=/%0Aevil', '/datasets/a%00b', `/search?q=${enc('a\u202e')}`]) {
      const r = await s.call('GET', path);
      assert.equal(r.status, 400, path);
      assert.match(r.headers.get('content-type')!, /text\/html/);
      assert.equal(r.headers.get('location'), null);
    }
  });
});

onEachDatabase('failed authentication and the rate limit', (kind) => {
  let s: TestServer;
  before(async () => {
    s = await startServer(kind, {}, { KAIFANG_RATE_LIMIT: '10' });
  });
  after(() => s.close());

  test('requests with a wrong bearer token count against the limit: 401s, then 429 in the error shape', async () => {
    const statuses: number[] = [];
    let last: any;
    for (let i = 0; i < 14; i++) {
      last = await s.call('GET', '/api/v1/datasets', { token: `wrong-${i}` });
      statuses.push(last.status);
    }
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
    assert.deepEqual(statuses.slice(10), Array(4).fill(429));
    assert.equal(last.body.error.code, 'rate_limited');
    assert.ok(Number(last.headers.get('retry-after')) > 0);
    // The address is limited, whatever it sends next.
    assert.equal((await s.call('GET', '/api/v1/datasets')).status, 429);
  });
});

onEachDatabase('security headers and CORS', (kind) => {
  let s: TestServer;
  before(async () => {
    s = await startServer(kind);
  });
  after(() => s.close());

  test('HSTS and upgrade-insecure-requests only when the site is served over https', async () => {
    const plain = await s.call('GET', '/api/v1/datasets');
    assert.equal(plain.headers.get('strict-transport-security'), null);
    assert.doesNotMatch(plain.headers.get('content-security-policy')!, /upgrade-insecure-requests/);
    assert.match(plain.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
    const https = await buildApp({
      ...s.ctx,
      config: { ...s.ctx.config, baseUrl: 'https://data.example.gov.cn' },
    });
    try {
      const r = await https.inject({ method: 'GET', url: '/api/v1/datasets' });
      assert.match(String(r.headers['strict-transport-security']), /max-age=\d+/);
      assert.match(String(r.headers['content-security-policy']), /upgrade-insecure-requests/);
    } finally {
      await https.close();
    }
  });

  test('anonymous public GETs may be read cross-origin; signed-in requests and preflights never', async () => {
    const origin = { origin: 'https://app.example.org' };
    const anon = await s.call('GET', '/api/v1/datasets', { headers: origin });
    assert.equal(anon.status, 200);
    assert.equal(anon.headers.get('access-control-allow-origin'), '*');
    assert.equal(anon.headers.get('access-control-allow-credentials'), null);
    const missing = await s.call('GET', '/api/v1/datasets/nothing-here', { headers: origin });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('access-control-allow-origin'), '*', 'errors are readable too');
    const user = await s.userWithToken('public');
    const signed = await s.call('GET', '/api/v1/datasets', { headers: origin, token: user.token });
    assert.equal(signed.status, 200);
    assert.equal(signed.headers.get('access-control-allow-origin'), null);
    const post = await s.call('POST', '/api/v1/organisations', { headers: origin, body: {} });
    assert.equal(post.headers.get('access-control-allow-origin'), null);
    const preflight = await s.call('OPTIONS', '/api/v1/datasets', {
      headers: {
        ...origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    assert.equal(preflight.headers.get('access-control-allow-headers'), null);

    const listed = await buildApp({
      ...s.ctx,
      config: { ...s.ctx.config, corsOrigins: ['https://app.example.org'] },
    });
    try {
      const ok = await listed.inject({ method: 'GET', url: '/api/v1/datasets', headers: origin });
      assert.equal(ok.headers['access-control-allow-origin'], 'https://app.example.org');
      assert.match(String(ok.headers.vary), /Origin/);
      const other = await listed.inject({
        method: 'GET',
        url: '/api/v1/datasets',
        headers: { origin: 'https://evil.example' },
      });
      assert.equal(other.headers['access-control-allow-origin'], undefined);
    } finally {
      await listed.close();
    }
  });
});

onEachDatabase('what errors, logs and metadata tell', (kind) => {
  let s: TestServer;
  let worker: Worker;
  let admin: { token: string };
  before(async () => {
    s = await startServer(kind);
    worker = dataWorker(s);
    admin = await s.userWithToken('sysadmin');
  });
  after(async () => {
    await worker.stop();
    await s.close();
  });

  test('a failed ingest names no filesystem path in the job error or the version report', async () => {
    const d = await publishedDistribution(s, admin);
    const job = await ingest(s, d.staff.token, d.distributionId, 'broken.json', '{"a":');
    assert.equal(job.state, 'failed');
    assert.equal(job.error.code, 'invalid_json');
    const version = await s.call('GET', `/api/v1/distributions/${d.distributionId}/versions/1`, {
      token: d.staff.token,
    });
    for (const text of [JSON.stringify(job), JSON.stringify(version.body)]) {
      assert.ok(!text.includes(s.ctx.config.dataDir), text);
      assert.ok(!text.includes(process.cwd()), text);
      assert.doesNotMatch(text, /"\/[^"\s]*\/[^"\s]*"/, text);
    }
    assert.match(job.error.message.en, /\[path\]/);
  });

  test('checksum, size and row count of a conditional file only for those who may read its data', async () => {
    const d = await publishedDistribution(s, admin, {
      openTier: 'conditional',
      openConditions: '须签署数据使用协议',
    });
    const job = await ingest(s, d.staff.token, d.distributionId, 'a.csv', 'a,b\n1,2\n3,4\n');
    assert.equal(job.state, 'succeeded', JSON.stringify(job));
    const owner = await s.call('GET', `/api/v1/distributions/${d.distributionId}`, { token: d.staff.token });
    assert.equal(owner.body.rowCount, 2);
    assert.match(owner.body.checksum, /^[0-9a-f]{64}$/);
    assert.ok(owner.body.byteSize > 0);
    const citizen = await s.userWithToken('public');
    for (const token of [undefined, citizen.token]) {
      const one = await s.call('GET', `/api/v1/distributions/${d.distributionId}`, { token });
      assert.equal(one.status, 200);
      const listed = await s.call('GET', `/api/v1/datasets/${d.datasetId}`, { token });
      const inList = listed.body.distributions[0];
      for (const dist of [one.body, inList]) {
        assert.equal(dist.rowCount, null);
        assert.equal(dist.checksum, null);
        assert.equal(dist.byteSize, null);
        assert.equal(dist.title, '数据文件');
      }
    }
    // Open data keeps them for everyone.
    const open = await publishedDistribution(s, admin);
    await ingest(s, open.staff.token, open.distributionId, 'a.csv', 'a,b\n1,2\n');
    const anon = await s.call('GET', `/api/v1/distributions/${open.distributionId}`);
    assert.equal(anon.body.rowCount, 1);
    assert.match(anon.body.checksum, /^[0-9a-f]{64}$/);
  });
});

test('an error log carries no SQL parameters (token hashes) from the database error', async () => {
  const { createLogger, openDatabase, sql } = await import('../../src/platform/index.ts');
  const { PassThrough } = await import('node:stream');
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += d));
  const logger = createLogger('error', out);
  const database = await openDatabase({ databaseUrl: null, inMemory: true });
  try {
    const secret = 'f00dfacecafe0123456789abcdef0123456789abcdef0123456789abcdef0001';
    const err = await sql`SELECT ${secret}::text AS hash, 1 / 0 AS boom`.execute(database.db).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err, 'the query fails');
    // The embedded database puts the parameters on its errors: this is what must not reach a log.
    assert.ok(JSON.stringify((err as { params?: unknown }).params ?? null).includes(secret));
    logger.error({ err }, 'unhandled error');
    await new Promise((r) => setImmediate(r));
    assert.match(text, /unhandled error/);
    assert.match(text, /division by zero/);
    assert.ok(!text.includes(secret), text);
  } finally {
    await database.close();
  }
});
