import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createUser,
  setTwoFactor,
  signIn,
  startTwoFactor,
  twoFactorState,
} from '../../src/identity/index.ts';
import { base32, fromBase32, matchTotp, totpCode, totpStep } from '../../src/identity/totp.ts';
import { DomainError, type Actor } from '../../src/core/index.ts';
import { webOptions } from '../../src/web/index.ts';
import { onEachDatabase } from '../helpers/db.ts';
import { orgBody, startServer, type TestServer } from '../helpers/app.ts';
import { Client, csrfOf, textOf } from './client.ts';

const PASSWORD = 'correct horse battery';

test('TOTP matches the test vectors of RFC 6238 (SHA-1) and base32 of RFC 4648', () => {
  const secret = base32(Buffer.from('12345678901234567890'));
  assert.equal(secret, 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  assert.equal(fromBase32(secret).toString(), '12345678901234567890');
  for (const [seconds, code] of [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ] as const)
    assert.equal(totpCode(secret, totpStep(new Date(seconds * 1000)), 8), code, String(seconds));
  const at = new Date(1234567890 * 1000);
  const now = totpCode(secret, totpStep(at));
  assert.equal(matchTotp(secret, now, at, null), totpStep(at));
  assert.equal(
    matchTotp(secret, now, new Date(at.getTime() + 30_000), null),
    totpStep(at),
    'one step of drift',
  );
  assert.equal(matchTotp(secret, now, new Date(at.getTime() + 90_000), null), null, 'not three');
  assert.equal(matchTotp(secret, now, at, totpStep(at)), null, 'a code works once');
  assert.equal(matchTotp(secret, '12345', at, null), null);
});

onEachDatabase('two-step verification for staff', (kind) => {
  let s: TestServer;
  let orgId: string;
  let n = 0;
  const staff = async () => {
    const email = `tf${++n}-${kind}@test.kaifang`;
    const u = await createUser(s.ctx, null, { email, role: 'department', orgId, password: PASSWORD });
    const actor: Actor = { userId: u.id, email, role: 'department', orgId };
    return { email, actor };
  };
  const codeNow = (secret: string) => totpCode(secret, totpStep(s.clock.now()));
  const attempt = async (email: string, code: string | null) => {
    try {
      return await signIn(s.ctx, email, PASSWORD, '192.0.2.1', code);
    } catch (err) {
      if (err instanceof DomainError) return err.code;
      throw err;
    }
  };

  before(async () => {
    s = await startServer(kind, webOptions());
    const admin = await s.userWithToken('sysadmin');
    orgId = (await s.call('POST', '/api/v1/organisations', { token: admin.token, body: orgBody(5) })).body.id;
  });
  after(() => s.close());

  test('enrol with a first code; then sign-in needs a fresh code, each code works once; turning off needs a code', async () => {
    const { email, actor } = await staff();
    const citizen = await createUser(s.ctx, null, { email: `c${++n}@test.kaifang`, role: 'public' });
    await assert.rejects(
      startTwoFactor(s.ctx, { userId: citizen.id, email: citizen.email, role: 'public', orgId: null }),
      /staff/,
    );
    const pending = await startTwoFactor(s.ctx, actor);
    assert.equal(pending.state, 'pending');
    if (pending.state !== 'pending') return;
    assert.match(pending.uri, /^otpauth:\/\/totp\/Kaifang:.*secret=[A-Z2-7]{32}&/);
    assert.ok(
      typeof (await attempt(email, null)) === 'object',
      'not yet on: the password alone still signs in',
    );
    await assert.rejects(setTwoFactor(s.ctx, actor, 'on', '000000'), /Invalid input: code/);
    const first = codeNow(pending.secret);
    await setTwoFactor(s.ctx, actor, 'on', first);
    assert.equal((await twoFactorState(s.ctx, actor)).state, 'on');

    assert.equal(await attempt(email, null), 'second_factor_required');
    assert.equal(await attempt(email, '123456'), null);
    assert.equal(await attempt(email, first), null, 'the enrolment code is spent');
    s.clock.advance(30_000);
    const second = codeNow(pending.secret);
    const session = await attempt(email, second);
    assert.ok(session && typeof session === 'object', 'password and a fresh code sign in');
    assert.equal(await attempt(email, second), null, 'a code signs in once');
    const failed = await s.ctx.db
      .selectFrom('audit_event')
      .select('after')
      .where('action', '=', 'session.sign_in_failed')
      .where('entity_id', '=', actor.userId)
      .execute();
    assert.equal(failed.filter((e) => (e.after as { failed: string }).failed === 'second_factor').length, 4);

    s.clock.advance(30_000);
    await assert.rejects(setTwoFactor(s.ctx, actor, 'off', '000000'), /code/);
    await setTwoFactor(s.ctx, actor, 'off', codeNow(pending.secret));
    assert.equal((await twoFactorState(s.ctx, actor)).state, 'off');
    s.clock.advance(60_000);
    assert.ok(typeof (await attempt(email, null)) === 'object');
  });

  test('through the console: set up on the password page, then the sign-in form asks for the code', async () => {
    const { email } = await staff();
    const c = new Client(s.url);
    const csrf = await c.signIn(email, PASSWORD);
    const page = await c.get('/console/password');
    assert.match(textOf(page.text), /两步验证未开启/);
    const started = await c.post('/console/two-factor', { _csrf: csrf, action: 'start' });
    assert.equal(started.status, 303);
    const shown = await c.get('/console/password');
    const secret = /secret=([A-Z2-7]{32})/.exec(shown.text)![1]!;
    const wrong = await c.post('/console/two-factor', { _csrf: csrf, action: 'on', code: '000000' });
    assert.equal(wrong.status, 400);
    assert.match(textOf(wrong.text), /验证码不正确/);
    const on = await c.post('/console/two-factor', { _csrf: csrf, action: 'on', code: codeNow(secret) });
    assert.equal(on.status, 303);
    assert.equal(on.location, '/console/password?done=2fa-on');

    s.clock.advance(30_000);
    const b = new Client(s.url);
    const form = await b.get('/console/sign-in');
    assert.doesNotMatch(form.text, /name="code"/, 'no code field until it is needed');
    const asked = await b.post('/console/sign-in', { _csrf: csrfOf(form.text), email, password: PASSWORD });
    assert.equal(asked.status, 401);
    assert.match(asked.text, /name="code"/);
    assert.match(textOf(asked.text), /6 位验证码/);
    const signed = await b.post('/console/sign-in', {
      _csrf: csrfOf(asked.text),
      email,
      password: PASSWORD,
      code: codeNow(secret),
    });
    assert.equal(signed.status, 303);
    assert.ok(signed.headers.getSetCookie().some((l) => l.startsWith('kaifang_session=')));
  });
});
