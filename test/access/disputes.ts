import assert from 'node:assert/strict';
import type { World } from './world.ts';

/** Takes a refused sharing request (B asked A) to the data authority by the shortest lawful road. */
export async function escalateAfterNegotiation(w: World, requestId: string): Promise<void> {
  const up = await w.s.call('POST', `/api/v1/sharing-requests/${requestId}/escalate`, {
    token: w.staffB.token,
    body: { reason: '履职需要，申请数据主管部门协调' },
  });
  assert.equal(up.status, 200, JSON.stringify(up.body));
}
