import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../helpers/app.ts';

// Lookups by id check the id with core's one UUID pattern first: 36 characters of hex digits and
// dashes in the wrong places are "not found", never a database error.
let s: TestServer;
before(async () => {
  s = await startServer('pglite');
});
after(() => s.close());

test('an organisation reference shaped almost like a UUID is not found, not a server error', async () => {
  for (const ref of ['-'.repeat(36), 'abcdef0123456789abcdef0123456789abcd']) {
    const r = await s.call('GET', `/api/v1/organisations/${ref}`);
    assert.equal(r.status, 404, `${ref}: ${JSON.stringify(r.body)}`);
  }
});
