import assert from 'node:assert/strict';
import type { World } from './world.ts';

/**
 * Takes a refused (or overdue) sharing request that B asked of A to the data authority by the
 * lawful road: the two departments write in the 协商 thread, B gives up, then B escalates.
 */
export async function escalateAfterNegotiation(w: World, requestId: string): Promise<void> {
  const thread = `/api/v1/sharing-requests/${requestId}/negotiation`;
  const said = await w.s.call('POST', `${thread}/messages`, {
    token: w.staffB.token,
    body: { body: '该数据用于履行市场监管职责，可仅共享区县字段' },
  });
  assert.equal(said.status, 201, JSON.stringify(said.body));
  await w.s.call('POST', `${thread}/messages`, { token: w.staffA.token, body: { body: '仍不同意共享' } });
  const failed = await w.s.call('POST', `${thread}/give_up`, {
    token: w.staffB.token,
    body: { reason: '双方未能达成一致' },
  });
  assert.equal(failed.status, 200, JSON.stringify(failed.body));
  const up = await w.s.call('POST', `/api/v1/sharing-requests/${requestId}/escalate`, {
    token: w.staffB.token,
    body: { reason: '履职需要，申请数据主管部门协调' },
  });
  assert.equal(up.status, 200, JSON.stringify(up.body));
}
