import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  authenticateSession,
  authenticateToken,
  changePassword,
  createToken,
  createUser,
  listNotifications,
  signIn,
} from '../../src/identity/index.ts';
import { DomainError } from '../../src/core/index.ts';
import { DEMO_PASSWORD } from '../../src/demo/index.ts';
import { webOptions } from '../../src/web/index.ts';
import { safeNext } from '../../src/web/view.ts';
import { onEachDatabase } from '../helpers/db.ts';
import { orgBody, startServer, type TestServer } from '../helpers/app.ts';
import { Client, csrfOf } from './client.ts';

const PASSWORD = 'correct horse battery';

/** The 429 a refused attempt throws, or null when the attempt was let through. */
async function attempt(s: TestServer, email: string, password: string, address = '203.0.113.7') {
  try {
    return { session: await signIn(s.ctx, email, password, address), refused: null };
  } catch (err) {
    if (err instanceof DomainError && err.kind === 'too_many') return { session: null, refused: err };
    throw err;
  }
}

test('redirect targets after sign-in: same-origin paths only, parsed as a browser parses them', () => {
  for (const [next, expected] of [
    ['/console/datasets?status=draft', '/console/datasets?status=draft'],
    ['/my/grants#top', '/my/grants#top'],
    ['/\t/evil.example', '/console'], // the finding: browsers drop the tab and go to //evil.example
    ['/\n/evil.example', '/console'],
    ['/\\evil.example', '/console'],
    ['//evil.example', '/console'],
    ['/%09/evil.example', '/%09/evil.example'], // still encoded: a path on this site
    ['https://evil.example/', '/console'],
    ['javascript:alert(1)', '/console'],
    ['/a\nb', '/ab'],
    ['/控制台 x', '/%E6%8E%A7%E5%88%B6%E5%8F%B0%20x'],
    [42, '/console'],
  ] as const)
    assert.equal(safeNext(next), expected, JSON.stringify(next));
});

onEachDatabase('sign-in protection and password policy', (kind) => {
  let s: TestServer;
  let orgId: string;
  let admin: { id: string; token: string };
  let n = 0;
  const newUser = async (password = PASSWORD) => {
    const email = `person${++n}-${kind}@test.kaifang`;
    const u = await createUser(s.ctx, null, { email, role: 'department', orgId, password });
    return { ...u, email };
  };

  before(async () => {
    s = await startServer(kind, webOptions());
    admin = await s.userWithToken('sysadmin');
    orgId = (await s.call('POST', '/api/v1/organisations', { token: admin.token, body: orgBody(8) })).body.id;
  });
  after(() => s.close());

  test('the sign-in form sends no one to another host, and malformed targets get a page, not a raw error', async () => {
    const u = await newUser();
    const c = new Client(s.url);
    // Control characters in a query string are refused at the edge (ADR 0029) with a page that
    // names the parameter: no redirect, and not Fastify's raw error.
    for (const target of ['/%09/evil.example', '/%0a/evil.example']) {
      const refused = await c.get(`/console/sign-in?next=${target}`);
      assert.equal(refused.status, 400, target);
      assert.match(refused.text, /<html/i);
      assert.match(refused.text, /next/);
      assert.equal(refused.location, null);
    }
    const form = await c.get('/console/sign-in');
    assert.equal(form.status, 200);
    const res = await c.post('/console/sign-in', {
      _csrf: csrfOf(form.text),
      email: u.email,
      password: PASSWORD,
      next: '/\t/evil.example',
    });
    assert.equal(res.status, 303);
    assert.equal(res.location, '/console', 'was Location: /\\t/evil.example');
    const signedIn = await c.get('/console/sign-in?next=/%0a/evil.example');
    assert.equal(signedIn.status, 400, 'never a redirect: `//evil.example` would be another host');
    const elsewhere = await c.get('/console/sign-in?next=//evil.example');
    assert.equal(elsewhere.status, 303);
    assert.equal(elsewhere.location, '/console');
  });

  test('per account: a growing delay, then a lockout that even the right password cannot pass; audited and announced', async () => {
    const u = await newUser();
    const { delayAfter, lockAfter, lockMinutes } = s.ctx.config.signIn;
    let failures = 0;
    let delayed = 0;
    // 300 guesses (the finding): each refused or wrong; the clock moves a second per guess.
    for (let i = 0; i < 300; i++) {
      const r = await attempt(s, u.email, `wrong guess ${i}`);
      assert.equal(r.session, null);
      if (!r.refused) failures++;
      else if (r.refused.code === 'sign_in_delayed') delayed++;
      s.clock.advance(1000);
    }
    assert.equal(failures, lockAfter, 'only lockAfter guesses were checked at all');
    assert.ok(delayed > 0, 'attempts in quick succession after delayAfter failures were delayed');
    assert.ok(delayAfter < lockAfter);
    const locked = await attempt(s, u.email, PASSWORD);
    assert.equal(locked.session, null, 'was signed in after 300 wrong passwords');
    assert.equal(locked.refused?.code, 'sign_in_locked');
    assert.ok((locked.refused?.details as { retryAfterSeconds: number }).retryAfterSeconds > 0);
    // The same through the form: 429 with Retry-After and the reason on the page.
    const c = new Client(s.url);
    const form = await c.get('/console/sign-in');
    const page = await c.post('/console/sign-in', {
      _csrf: csrfOf(form.text),
      email: u.email,
      password: PASSWORD,
    });
    assert.equal(page.status, 429);
    assert.ok(Number(page.headers.get('retry-after')) > 0);
    assert.match(page.text, /登录失败次数过多/);

    const audit = await s.ctx.db
      .selectFrom('audit_event')
      .select(['action', 'after'])
      .where('entity_id', '=', u.id)
      .where('action', 'like', 'session.sign_in_%')
      .execute();
    assert.equal(audit.filter((e) => e.action === 'session.sign_in_failed').length, lockAfter);
    assert.equal(audit.filter((e) => e.action === 'session.sign_in_locked').length, 1);
    assert.ok(!JSON.stringify(audit).includes('wrong guess'), 'no guessed password in the log');
    const inbox = await listNotifications(s.ctx, { userId: u.id, email: u.email, role: 'department', orgId });
    assert.equal(inbox.items[0]?.kind, 'account.locked');

    s.clock.advance(lockMinutes * 60_000);
    const after = await attempt(s, u.email, PASSWORD);
    assert.ok(after.session, 'the lock ends; the right password works again');
    // Success clears the account's count: one typo later is no delay.
    assert.equal((await attempt(s, u.email, 'typo')).refused, null);
    assert.equal((await attempt(s, u.email, 'typo')).refused, null);
  });

  test('the delay grows with each failure and lets one attempt through once it has passed', async () => {
    const u = await newUser();
    const { delayAfter } = s.ctx.config.signIn;
    for (let i = 0; i < delayAfter; i++) assert.equal((await attempt(s, u.email, 'nope')).refused, null);
    const r = await attempt(s, u.email, PASSWORD);
    assert.equal(r.refused?.code, 'sign_in_delayed');
    assert.equal((r.refused?.details as { retryAfterSeconds: number }).retryAfterSeconds, 1);
    s.clock.advance(1000);
    assert.ok((await attempt(s, u.email, PASSWORD)).session);
  });

  test('per address: guessing across many accounts from one address is stopped too', async () => {
    const saved = s.ctx.config.signIn;
    s.ctx.config.signIn = { ...saved, addressDelayAfter: 3, addressLockAfter: 6 };
    try {
      const address = '198.51.100.9';
      let checked = 0;
      for (let i = 0; i < 40; i++) {
        const r = await attempt(s, `sprayed${i}@test.kaifang`, 'Spring2026!!', address);
        if (!r.refused) checked++;
        s.clock.advance(1000);
      }
      assert.equal(checked, 6);
      const u = await newUser();
      assert.equal((await attempt(s, u.email, PASSWORD, address)).refused?.code, 'sign_in_locked');
      assert.ok((await attempt(s, u.email, PASSWORD, '198.51.100.10')).session, 'other addresses unaffected');
      const lock = await s.ctx.db
        .selectFrom('audit_event')
        .select(['entity_type', 'entity_id'])
        .where('action', '=', 'session.sign_in_locked')
        .where('entity_id', '=', address)
        .execute();
      assert.deepEqual(lock, [{ entity_type: 'address', entity_id: address }]);
    } finally {
      s.ctx.config.signIn = saved;
    }
  });

  test('password policy: at least 12 characters, not a common password, at most 200, alike on creation, change and sign-in', async () => {
    const refused = async (password: string, code: string) => {
      const r = await s.call('POST', '/api/v1/users', {
        token: admin.token,
        body: { email: `weak${++n}@test.kaifang`, role: 'public', password },
      });
      assert.equal(r.status, 400, password);
      assert.ok(
        JSON.stringify(r.body.error.details).includes(code) ||
          r.body.error.details.fields[0].field === 'password',
        `${password}: ${JSON.stringify(r.body.error)}`,
      );
      await assert.rejects(
        createUser(s.ctx, null, { email: `weak${++n}@test.kaifang`, role: 'public', password }),
        (e: DomainError) => (e.details as { fields: { code: string }[] }).fields[0]!.code === code,
      );
    };
    await refused('aaaaaaaaaa', 'too_short'); // the finding: ten a's were accepted
    await refused('aaaaaaaaaaaa', 'too_common');
    await refused('password1234', 'too_common');
    await refused('qwertyqwerty', 'too_common');
    await refused('1qaz2wsx3edc', 'too_common');
    await refused('x'.repeat(150) + 'abcdefghijklmnopqrstuvwxyz'.repeat(3), 'too_long');
    const ok = await s.call('POST', '/api/v1/users', {
      token: admin.token,
      body: { email: `fine${++n}@test.kaifang`, role: 'public', password: DEMO_PASSWORD },
    });
    assert.equal(ok.status, 201, 'the demo password meets the policy');

    const u = await newUser();
    const actor = { userId: u.id, email: u.email, role: 'department' as const, orgId };
    const long = 'a long passphrase that goes on '.repeat(7); // 217 characters
    await assert.rejects(changePassword(s.ctx, actor, PASSWORD, long), /Invalid input: newPassword/);
    assert.ok(
      (await attempt(s, u.email, PASSWORD)).session,
      'was locked out: accepted on change, refused at sign-in',
    );
    await assert.rejects(changePassword(s.ctx, actor, PASSWORD, 'password1234'), /newPassword/);
  });

  test('a password change revokes every API token of the user, grant tokens included; the CLI-style API session too', async () => {
    const u = await newUser();
    const t1 = await createToken(s.ctx, null, u.id, 'script');
    const t2 = await createToken(s.ctx, null, u.id, 'other');
    const session = (await attempt(s, u.email, PASSWORD)).session!;
    assert.ok(await authenticateToken(s.ctx, t1.token));
    const actor = { userId: u.id, email: u.email, role: 'department' as const, orgId };
    await changePassword(s.ctx, actor, PASSWORD, 'a brand new passphrase');
    assert.equal(await authenticateToken(s.ctx, t1.token), null, 'was kept after a password change');
    assert.equal(await authenticateToken(s.ctx, t2.token), null);
    assert.ok(
      await authenticateSession(s.ctx, session.token),
      'sessions are ended by the console route, keeping its own',
    );
    const audit = await s.ctx.db
      .selectFrom('audit_event')
      .select('after')
      .where('action', '=', 'token.revoke_all')
      .where('entity_id', '=', u.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual((audit.after as { tokens: string[] }).tokens.sort(), [t1.id, t2.id].sort());
  });

  test('suspending a user revokes their tokens and sessions for good', async () => {
    const u = await newUser();
    const t = await createToken(s.ctx, null, u.id, 'script');
    const session = (await attempt(s, u.email, PASSWORD)).session!;
    const citizen = await s.userWithToken('public');
    assert.equal(
      (await s.call('POST', `/api/v1/users/${u.id}/disable`, { token: citizen.token })).status,
      403,
    );
    const r = await s.call('POST', `/api/v1/users/${u.id}/disable`, { token: admin.token });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(await authenticateToken(s.ctx, t.token), null);
    assert.equal(await authenticateSession(s.ctx, session.token), null);
    const rows = await s.ctx.db
      .selectFrom('api_token')
      .select('revoked_at')
      .where('user_id', '=', u.id)
      .execute();
    assert.ok(rows.every((x) => x.revoked_at));
    // Lifting a suspension by hand in the database does not bring the old credentials back.
    await s.ctx.db.updateTable('app_user').set({ disabled_at: null }).where('id', '=', u.id).execute();
    assert.equal(await authenticateToken(s.ctx, t.token), null);
    assert.equal(
      (
        await s.call('POST', `/api/v1/users/00000000-0000-4000-8000-000000000000/disable`, {
          token: admin.token,
        })
      ).status,
      404,
    );
  });
});
