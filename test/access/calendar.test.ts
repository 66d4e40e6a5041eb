import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { parseNoticeText } from '../../src/access/index.ts';
import { mayOpenNegotiation } from '../../src/core/index.ts';
import { handlers } from '../../src/cli/commands.ts';
import { onEachDatabase } from '../helpers/db.ts';
import { auditActions, buildWorld, requestBody, type World } from './world.ts';

const fixture = JSON.parse(fs.readFileSync('test/fixtures/holidays-2027.json', 'utf8'));
const csv = fs.readFileSync('test/fixtures/holidays-2027.csv', 'utf8');

onEachDatabase('the holiday calendar kept by the data authority (issue 14)', (kind) => {
  let w: World;
  before(async () => {
    w = await buildWorld(kind);
  });
  after(() => w.s.close());

  const at = (iso: string) => w.s.clock.set(iso);
  const call = (...args: Parameters<World['s']['call']>) => w.s.call(...args);
  const inbox = async (u: { token: string }) =>
    (await call('GET', '/api/v1/notifications', { token: u.token })).body.items as {
      kind: string;
      entityId: string;
    }[];
  let application: string;
  let sharing: string;

  test('seeded from the package: 2026 is known, and from 1 November the missing 2027 is a warning', async () => {
    at('2026-10-31T12:00:00+08:00');
    const s = (await call('GET', '/api/v1/calendar')).body;
    assert.equal(s.years[0].year, 2026);
    assert.equal(s.years[0].source, 'package');
    assert.equal(s.lastKnownDay, '2026-12-31');
    assert.equal(s.warning, null, 'not yet in October');
    at('2026-11-01T00:30:00+08:00');
    assert.deepEqual((await call('GET', '/api/v1/calendar')).body.warning, { missingYear: 2027 });
    const y2026 = (await call('GET', '/api/v1/calendar/2026')).body;
    assert.equal(y2026.notice.holidays.find((h: { name: string }) => h.name === '春节').from, '2026-02-15');
    assert.equal((await call('GET', '/api/v1/calendar/2027')).status, 404);
  });

  test('before the 2027 notice the 2027 cases are computed Monday–Friday and marked provisional', async () => {
    at('2026-12-28T10:00:00+08:00');
    const prefill = await call('GET', `/api/v1/applications/prefill?datasets=${w.condA.id}`, {
      token: w.citizen.token,
    });
    assert.deepEqual([prefill.body.dueDate, prefill.body.dueProvisional], ['2027-01-04', true]);
    const a = await call('POST', '/api/v1/applications', {
      token: w.citizen.token,
      body: requestBody([w.condA.id], { period: { end: '2027-12-31' } }),
    });
    assert.equal(a.status, 201, JSON.stringify(a.body));
    application = a.body.items[0].id;
    assert.deepEqual(
      [a.body.items[0].deadline.dueDate, a.body.items[0].deadline.provisional, a.body.items[0].deadline.unit],
      ['2027-01-04', true, 'working'],
    );

    at('2027-02-04T10:00:00+08:00');
    const s = await call('POST', '/api/v1/sharing-requests', {
      token: w.staffB.token,
      body: requestBody([w.condA.id], { period: { end: '2027-12-31' } }),
    });
    assert.equal(s.status, 201, JSON.stringify(s.body));
    sharing = s.body.items[0].id;
    assert.deepEqual(
      [s.body.items[0].deadline.dueDate, s.body.items[0].deadline.provisional],
      ['2027-02-09', true],
    );
    // In the middle of 春节 the request looks overdue a week early.
    at('2027-02-10T10:00:00+08:00');
    const early = await call('GET', `/api/v1/sharing-requests/${sharing}`, { token: w.staffB.token });
    assert.equal(early.body.deadline.overdue, true);
    // Overdue, the requester may open 协商 at once (the step before escalation, ADR 0032).
    assert.ok(mayOpenNegotiation('sharing', early.body.status, { overdue: early.body.deadline.overdue }));
  });

  test('only the data authority imports, and a wrong notice changes nothing', async () => {
    for (const who of [w.staffA, w.citizen])
      assert.equal(
        (await call('PUT', '/api/v1/calendar/2027', { token: who.token, body: fixture })).status,
        403,
      );
    assert.equal((await call('PUT', '/api/v1/calendar/2027', { body: fixture })).status, 401);
    const bad = await call('PUT', '/api/v1/calendar/2027', {
      token: w.authority.token,
      body: {
        ...fixture,
        holidays: [{ name: '春节', from: '2027-02-05', to: '2027-02-13', workdays: ['2027-02-17'] }],
      },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'validation_failed');
    assert.equal(bad.body.error.details.fields[0].code, 'not_weekend');
    const mismatch = await call('PUT', '/api/v1/calendar/2028', { token: w.authority.token, body: fixture });
    assert.equal(mismatch.status, 400);
    assert.equal((await call('GET', '/api/v1/calendar/2027')).status, 404, 'nothing was stored');
  });

  test('importing 2027 recomputes the open deadlines, tells those affected and is audited', async () => {
    const r = await call('PUT', '/api/v1/calendar/2027', { token: w.authority.token, body: fixture });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.replaced, false);
    assert.deepEqual(
      r.body.moved.map((m: { id: string; from: string; to: string }) => [m.id, m.from, m.to]).sort(),
      [
        [application, '2027-01-04', '2027-01-05'],
        [sharing, '2027-02-09', '2027-02-16'],
      ].sort(),
    );
    const s = (await call('GET', `/api/v1/sharing-requests/${sharing}`, { token: w.staffB.token })).body;
    assert.deepEqual(
      [s.deadline.dueDate, s.deadline.provisional, s.deadline.overdue],
      ['2027-02-16', false, false],
    );
    const esc = await call('POST', `/api/v1/sharing-requests/${sharing}/escalate`, {
      token: w.staffB.token,
      body: { reason: '提供部门逾期未答复' },
    });
    assert.equal(esc.status, 409, 'no longer overdue: escalation waits');
    const a = (await call('GET', `/api/v1/applications/${application}`, { token: w.citizen.token })).body;
    assert.deepEqual([a.deadline.dueDate, a.deadline.provisional], ['2027-01-05', false]);

    for (const [who, id] of [
      [w.citizen, application],
      [w.staffA, application],
      [w.staffA, sharing],
      [w.staffB, sharing],
    ] as const)
      assert.ok(
        (await inbox(who)).some((n) => n.kind === 'request.deadline_moved' && n.entityId === id),
        `${who.email} told about ${id}`,
      );
    assert.ok((await auditActions(w.s, sharing)).some((e) => e.action === 'sharing.deadline_recomputed'));
    const imported = await auditActions(w.s, '2027');
    assert.equal(imported.at(-1)!.action, 'calendar.import');
    assert.equal(imported.at(-1)!.actorId, w.authority.id);

    at('2026-11-02T10:00:00+08:00');
    assert.equal((await call('GET', '/api/v1/calendar')).body.warning, null, 'the warning is gone');
    assert.equal((await call('GET', '/api/v1/calendar')).body.lastKnownDay, '2027-12-31');
  });

  test('a deadline submitted after the import is exact; one past 2027 is provisional again', async () => {
    at('2026-12-28T10:00:00+08:00');
    const a = await call('POST', '/api/v1/applications', {
      token: w.citizen2.token,
      body: requestBody([w.condA.id], { period: { end: '2027-12-31' } }),
    });
    assert.deepEqual(
      [a.body.items[0].deadline.dueDate, a.body.items[0].deadline.provisional],
      ['2027-01-05', false],
    );
    at('2027-12-30T10:00:00+08:00');
    const late = await call('GET', `/api/v1/applications/prefill?datasets=${w.condB.id}`, {
      token: w.citizen.token,
    });
    assert.deepEqual([late.body.dueDate, late.body.dueProvisional], ['2028-01-06', true]);
  });

  test('the command line takes the same notice as CSV; replacing a year keeps what did not change', async () => {
    assert.deepEqual(parseNoticeText(csv, { title: fixture.title, reference: fixture.reference }), fixture);
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      out: (l: string) => out.push(l),
      err: (l: string) => err.push(l),
      progress: () => ({ update() {}, stop() {} }),
    };
    assert.equal(await handlers['calendar-import']!(w.s.ctx, { text: csv }, io), 0, err.join('\n'));
    const r = JSON.parse(out[0]!);
    assert.deepEqual([r.year, r.replaced, r.moved.length], [2027, true, 0]);
    const years = (await call('GET', '/api/v1/calendar')).body.years;
    assert.equal(years[0].source, 'import');
    assert.equal(years[0].holidays, 29);
    assert.equal((await auditActions(w.s, '2027')).at(-1)!.action, 'calendar.replace');
    assert.equal(
      await handlers['calendar-import']!(w.s.ctx, { text: 'name,from,to\n春节,2027-02-05,2027-02-01' }, io),
      1,
    );
    assert.match(err.at(-1)!, /holidays\[0\]\.to/);
  });
});
