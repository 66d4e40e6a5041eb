import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../helpers/app.ts';

// The server's own settings reach the HTTP layer from the configuration (KAIFANG_RATE_LIMIT,
// KAIFANG_TRUST_PROXY), not from a second reading of the environment.
const statuses = async (
  server: Awaited<ReturnType<typeof startServer>>,
  forwardedFor: string,
  n: number,
): Promise<number[]> => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await server.call('GET', '/api/v1/vocabularies', {
      headers: { 'x-forwarded-for': forwardedFor },
    });
    out.push(r.status);
  }
  return out;
};

test('KAIFANG_RATE_LIMIT caps requests per minute per address', async () => {
  const server = await startServer('pglite', {}, { KAIFANG_RATE_LIMIT: '2' });
  try {
    assert.deepEqual(await statuses(server, '203.0.113.1', 3), [200, 200, 429]);
    // Without KAIFANG_TRUST_PROXY a forwarded address is not believed: still the same client.
    assert.deepEqual(await statuses(server, '203.0.113.2', 1), [429]);
  } finally {
    await server.close();
  }
});

test('KAIFANG_TRUST_PROXY=1 counts each forwarded client address on its own', async () => {
  const server = await startServer('pglite', {}, { KAIFANG_RATE_LIMIT: '2', KAIFANG_TRUST_PROXY: '1' });
  try {
    assert.deepEqual(await statuses(server, '203.0.113.1', 3), [200, 200, 429]);
    assert.deepEqual(await statuses(server, '203.0.113.2', 1), [200]);
  } finally {
    await server.close();
  }
});
