import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  authenticateSession,
  countAudit,
  createUser,
  revokeOtherSessions,
  revokeSession,
  signIn,
  verifyAudit,
} from '../../src/identity/index.ts';
import { webOptions } from '../../src/web/index.ts';
import { onEachDatabase } from '../helpers/db.ts';
import { orgBody, startServer, type TestServer } from '../helpers/app.ts';
import { Client, csrfOf } from './client.ts';

const PASSWORD = 'correct horse battery';

/** Console sessions in the database: hashed, expiring, revocable, and the CSRF rule they bring. */
onEachDatabase('web sessions', (kind) => {
  let s: TestServer;
  let orgId: string;
  let email: string;

  before(async () => {
    s = await startServer(kind, webOptions());
    const admin = await s.userWithToken('sysadmin');
    const org = await s.call('POST', '/api/v1/organisations', { token: admin.token, body: orgBody(7) });
    orgId = org.body.id;
    email = `staff-${kind}@test.kaifang`;
    await createUser(s.ctx, null, { email, role: 'department', orgId, password: PASSWORD });
  });
  after(() => s.close());

  test('signing in stores only a hash, audits it, and the token authenticates until it expires', async () => {
    assert.equal(await signIn(s.ctx, email, 'wrong password!'), null);
    assert.equal(await signIn(s.ctx, 'nobody@test.kaifang', PASSWORD), null);
    const before = await countAudit(s.ctx.db);
    const issued = await signIn(s.ctx, email.toUpperCase(), PASSWORD);
    assert.ok(issued);
    assert.match(issued!.token, /^ks_[A-Za-z0-9_-]{43}$/);
    assert.equal(await countAudit(s.ctx.db), before + 1);
    const rows = await s.ctx.db.selectFrom('web_session').selectAll().execute();
    assert.ok(
      rows.every((r) => r.token_hash !== issued!.token && !JSON.stringify(r).includes(issued!.token)),
    );
    const session = await authenticateSession(s.ctx, issued!.token);
    assert.equal(session?.actor.email, email);
    assert.equal(session?.actor.orgId, orgId);
    assert.equal(session?.csrfToken, issued!.session.csrfToken);
    // Change the last character for certain: a fixed replacement equals it one time in 64.
    const altered = issued!.token.slice(0, -1) + (issued!.token.endsWith('A') ? 'B' : 'A');
    assert.equal(await authenticateSession(s.ctx, altered), null);
    assert.equal(await authenticateSession(s.ctx, "ks_' OR 1=1 --"), null);
    s.clock.advance(13 * 3600_000);
    assert.equal(await authenticateSession(s.ctx, issued!.token), null, 'expired after 12 hours');
    assert.equal((await verifyAudit(s.ctx.db)).ok, true);
  });

  test('sign-out revokes at once; a password change ends every other session', async () => {
    const a = await signIn(s.ctx, email, PASSWORD);
    const b = await signIn(s.ctx, email, PASSWORD);
    await revokeSession(s.ctx, a!.session.id);
    assert.equal(await authenticateSession(s.ctx, a!.token), null);
    assert.ok(await authenticateSession(s.ctx, b!.token));
    const c = await signIn(s.ctx, email, PASSWORD);
    assert.equal(await revokeOtherSessions(s.ctx, c!.session.actor.userId, c!.session.id), 1);
    assert.equal(await authenticateSession(s.ctx, b!.token), null);
    assert.ok(await authenticateSession(s.ctx, c!.token));
    await s.ctx.db
      .updateTable('app_user')
      .set({ disabled_at: s.clock.now() })
      .where('email', '=', email)
      .execute();
    assert.equal(await authenticateSession(s.ctx, c!.token), null, 'a disabled user’s session stops working');
    await s.ctx.db.updateTable('app_user').set({ disabled_at: null }).where('email', '=', email).execute();
  });

  test('the session cookie is HttpOnly, SameSite=Lax, not Secure over http', async () => {
    const c = new Client(s.url);
    const form = await c.get('/console/sign-in');
    const res = await c.post('/console/sign-in', {
      _csrf: csrfOf(form.text),
      email,
      password: PASSWORD,
      next: '/console',
    });
    assert.equal(res.status, 303);
    assert.equal(res.location, '/console');
    const cookie = res.headers.getSetCookie().find((l) => l.startsWith('kaifang_session='))!;
    assert.ok(cookie);
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    assert.match(cookie, /Path=\//);
    assert.match(cookie, /Max-Age=43200/);
    assert.doesNotMatch(cookie, /Secure/i);
    // Served over https, the same cookie is Secure.
    const base = s.ctx.config.baseUrl;
    s.ctx.config.baseUrl = 'https://data.example.gov.cn';
    try {
      const h = new Client(s.url);
      const f = await h.get('/console/sign-in');
      const signed = await h.post('/console/sign-in', { _csrf: csrfOf(f.text), email, password: PASSWORD });
      assert.match(
        signed.headers.getSetCookie().find((l) => l.startsWith('kaifang_session='))!,
        /;\s*Secure/i,
      );
    } finally {
      s.ctx.config.baseUrl = base;
    }
  });

  test('the API refuses cookie-authenticated writes without the CSRF token; bearer tokens are unaffected', async () => {
    const c = new Client(s.url);
    const csrf = await c.signIn(email, PASSWORD);
    const body = JSON.stringify({
      title: 'CSRF 测试',
      description: '测试',
      orgId,
      themes: ['health'],
      openTier: 'unconditional',
      shareTier: 'unconditional',
      updateFrequency: '每月',
    });
    const json = { 'content-type': 'application/json' };
    const refused = await c.request('POST', '/api/v1/datasets', { body, headers: json });
    assert.equal(refused.status, 403);
    assert.equal(JSON.parse(refused.text).error.code, 'csrf_failed');
    const wrong = await c.request('POST', '/api/v1/datasets', {
      body,
      headers: { ...json, 'x-csrf-token': csrf.slice(0, -2) + (csrf.endsWith('xx') ? 'yy' : 'xx') },
    });
    assert.equal(wrong.status, 403);
    assert.equal(
      (await s.ctx.db.selectFrom('dataset').select('id').where('title', '=', 'CSRF 测试').execute()).length,
      0,
      'nothing saved',
    );
    const ok = await c.request('POST', '/api/v1/datasets', {
      body,
      headers: { ...json, 'x-csrf-token': csrf },
    });
    assert.equal(ok.status, 201, ok.text);
    const del = await c.request('DELETE', `/api/v1/datasets/${JSON.parse(ok.text).id}`);
    assert.equal(del.status, 403, 'DELETE with the cookie needs the token too');
    const me = await c.get('/api/v1/me');
    assert.equal(me.status, 200, 'reads need no token');
    assert.equal(JSON.parse(me.text).email, email);
    const bearer = await s.userWithToken('department', orgId);
    const viaToken = await s.call('POST', '/api/v1/datasets', {
      token: bearer.token,
      body: JSON.parse(body),
    });
    assert.equal(viaToken.status, 201);
  });
});
