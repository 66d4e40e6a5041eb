import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canApplyFor,
  dataAccess,
  datasetStatuses,
  grantOpens,
  listingRule,
  mayList,
  maySee,
  requestRefusal,
  stillGrantable,
  visibleColumns,
  type GrantCandidate,
  type OpenTier,
  type ShareTier,
  type TierActor,
  type TierSubject,
} from '../../src/core/index.ts';

/**
 * The tier policy stated as a table a reviewer can check against the regulations, then every
 * combination of actor × open tier × share tier × status compared with it. The API-level
 * agreement test (test/access/tier-agreement.test.ts) checks the server follows these functions.
 */

const OWN = 'org-own';
const OTHER = 'org-other';
const NOW = new Date('2026-03-02T01:00:00Z');
const LATER = new Date('2026-06-01T00:00:00Z');

export const ACTORS: Record<string, TierActor | null> = {
  anonymous: null,
  public: { role: 'public', orgId: null },
  owner: { role: 'department', orgId: OWN },
  otherDept: { role: 'department', orgId: OTHER },
  reviewer: { role: 'reviewer', orgId: null },
  authority: { role: 'authority', orgId: null },
  sysadmin: { role: 'sysadmin', orgId: null },
  grantToken: { role: 'department', orgId: OTHER, grantId: 'g1' },
};
const OPEN: OpenTier[] = ['unconditional', 'conditional', 'not_open'];
const SHARE: ShareTier[] = ['unconditional', 'conditional', 'not_shared'];

function* every(): Generator<[string, TierActor | null, TierSubject]> {
  for (const [name, actor] of Object.entries(ACTORS))
    for (const openTier of OPEN)
      for (const shareTier of SHARE)
        for (const status of datasetStatuses)
          yield [name, actor, { status, openTier, shareTier, orgId: OWN }];
}

const grant = (kind: 'open' | 'share', extra: Partial<GrantCandidate> = {}): GrantCandidate => ({
  grantId: 'g1',
  kind,
  status: 'active',
  expiresAt: LATER,
  fields: ['a'],
  rows: null,
  ...extra,
});

const supervisor = (name: string) => ['reviewer', 'authority', 'sysadmin'].includes(name);

test('metadata: published datasets are seen by everyone; the rest only by their department and supervisors', () => {
  for (const [name, actor, d] of every())
    assert.equal(
      maySee(actor, d),
      d.status === 'published' || name === 'owner' || supervisor(name),
      `${name} ${JSON.stringify(d)}`,
    );
});

test('lists hide unopened datasets from the public unless the installation lists them; staff see them', () => {
  for (const listUnopened of [false, true])
    for (const [name, actor, d] of every()) {
      const staff = ['owner', 'otherDept', 'grantToken'].includes(name);
      const expected =
        supervisor(name) ||
        name === 'owner' ||
        (d.status === 'published' && (staff || listUnopened || d.openTier !== 'not_open'));
      assert.equal(
        mayList(actor, d, { listUnopened }),
        expected,
        `${name} ${listUnopened} ${JSON.stringify(d)}`,
      );
      // A dataset listed is a dataset whose page may be shown.
      if (expected) assert.ok(maySee(actor, d));
    }
  assert.deepEqual(listingRule(null, { listUnopened: false }), {
    everything: false,
    statuses: ['published'],
    hiddenOpenTiers: ['not_open'],
    ownOrgs: [],
  });
});

test('data: owner reads all; open data is open once published; other departments read unconditionally shared data; nothing else without a grant', () => {
  for (const [name, actor, d] of every()) {
    const got = dataAccess(actor, d, [], NOW);
    let expected: string;
    if (name === 'grantToken')
      // A grant token reads its own grant's data only, open data included (ADR 0028).
      expected = d.status !== 'published' ? 'denied:not_published' : 'denied:outside_grant';
    else if (name === 'owner' || name === 'sysadmin') expected = 'full:owner';
    else if (d.status !== 'published') expected = 'denied:not_published';
    else if (d.openTier === 'unconditional') expected = 'full:open';
    else if (name === 'otherDept' && d.shareTier === 'unconditional') expected = 'full:share';
    else expected = `denied:${d.openTier === 'conditional' ? 'conditional' : 'not_open'}`;
    assert.equal(
      `${got.kind}:${'reason' in got ? got.reason : ''}`,
      expected,
      `${name} ${JSON.stringify(d)}`,
    );
  }
});

test('a grant opens data only while active, unexpired, for a signed-in reader, and while the tier it was given under still allows it', () => {
  for (const [name, actor, d] of every())
    for (const kind of ['open', 'share'] as const) {
      const without = dataAccess(actor, d, [], NOW);
      const withGrant = dataAccess(actor, d, [grant(kind)], NOW);
      const tierAllows = kind === 'open' ? d.openTier !== 'not_open' : d.shareTier !== 'not_shared';
      if (without.kind !== 'denied' || without.reason === 'not_published' || !actor || !tierAllows)
        assert.deepEqual(withGrant, without, `${name} ${kind} ${JSON.stringify(d)}`);
      else
        assert.deepEqual(withGrant, {
          kind: 'grant',
          grantId: 'g1',
          fields: ['a'],
          rows: null,
          expiresAt: LATER.toISOString(),
        });
    }
  const d: TierSubject = {
    status: 'published',
    openTier: 'conditional',
    shareTier: 'conditional',
    orgId: OWN,
  };
  for (const status of ['suspended', 'revoked', 'expired'])
    assert.equal(grantOpens(grant('open', { status }), d, NOW), false);
  assert.equal(grantOpens(grant('open', { expiresAt: NOW }), d, NOW), false);
  assert.equal(grantOpens(grant('open'), d, NOW), true);
  // The newest usable grant wins; an unusable newer one is passed over.
  const pair = [grant('share', { grantId: 'closed' }), grant('open', { grantId: 'usable' })];
  const access = dataAccess(ACTORS.public, { ...d, shareTier: 'not_shared' }, pair, NOW);
  assert.equal(access.kind === 'grant' && access.grantId, 'usable');
});

test('a grant narrows the columns to its fields, in the table order', () => {
  const cols = [{ name: 'c' }, { name: 'a' }, { name: 'b' }];
  const d: TierSubject = {
    status: 'published',
    openTier: 'conditional',
    shareTier: 'conditional',
    orgId: OWN,
  };
  assert.deepEqual(
    visibleColumns(dataAccess(ACTORS.public, d, [grant('open', { fields: ['b', 'c'] })], NOW), cols),
    [{ name: 'c' }, { name: 'b' }],
  );
  assert.deepEqual(
    visibleColumns(dataAccess(ACTORS.public, d, [grant('open', { fields: null })], NOW), cols),
    cols,
  );
  assert.deepEqual(visibleColumns(dataAccess(ACTORS.owner, d, [], NOW), cols), cols);
});

test('开放申请 is taken for published conditional data; 共享申请 for another department’s published conditionally shared data', () => {
  for (const [name, actor, d] of every()) {
    const app = requestRefusal('application', d, actor)?.code ?? null;
    assert.equal(
      app,
      d.status !== 'published'
        ? 'not_found'
        : d.openTier === 'unconditional'
          ? 'no_application_needed'
          : d.openTier === 'not_open'
            ? 'not_open'
            : null,
    );
    assert.equal(canApplyFor(d), app === null);
    const share = requestRefusal('sharing', d, actor)?.code ?? null;
    assert.equal(
      share,
      d.status !== 'published'
        ? 'not_found'
        : actor?.orgId === OWN
          ? 'own_department'
          : d.shareTier === 'unconditional'
            ? 'no_request_needed'
            : d.shareTier === 'not_shared'
              ? 'not_shared'
              : null,
      name,
    );
    // What may be asked for may be granted; approval stops only once the dataset is closed.
    if (app === null) assert.ok(stillGrantable('application', d));
    if (share === null) assert.ok(stillGrantable('sharing', d));
    assert.equal(stillGrantable('application', d), d.status === 'published' && d.openTier !== 'not_open');
    assert.equal(stillGrantable('sharing', d), d.status === 'published' && d.shareTier !== 'not_shared');
  }
});
