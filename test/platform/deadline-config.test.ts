import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/platform/index.ts';

const base = { KAIFANG_DATA_DIR: '.tmp/test-data' };

test('deadline rules: a province preset, then per-workflow days in working or calendar days (issue 14)', () => {
  const national = loadConfig(base).workflow;
  assert.deepEqual(national.deadlines, {
    application: { days: 5, unit: 'working' },
    sharing: { days: 3, unit: 'working' },
    demand: { days: 10, unit: 'working' },
    correction: { days: 5, unit: 'working' },
  });
  assert.equal(national.sharingDeadlineDays, 3);
  const guangdong = loadConfig({ ...base, KAIFANG_DEADLINE_PRESET: 'guangdong' }).workflow;
  assert.deepEqual(guangdong.deadlines.sharing, { days: 5, unit: 'working' });
  assert.equal(guangdong.sharingDeadlineDays, 5);
  const own = loadConfig({
    ...base,
    KAIFANG_DEADLINE_PRESET: 'beijing',
    KAIFANG_SHARING_DEADLINE_DAYS: '3 calendar',
    KAIFANG_CORRECTION_DEADLINE_DAYS: '7',
  }).workflow;
  assert.deepEqual(own.deadlines.sharing, { days: 3, unit: 'calendar' });
  assert.deepEqual(own.deadlines.correction, { days: 7, unit: 'working' });
  for (const [key, value] of [
    ['KAIFANG_DEADLINE_PRESET', 'atlantis'],
    ['KAIFANG_SHARING_DEADLINE_DAYS', '3 weeks'],
    ['KAIFANG_APPLICATION_DEADLINE_DAYS', '0'],
    ['KAIFANG_DEMAND_DEADLINE_DAYS', '61'],
  ])
    assert.throws(
      () => loadConfig({ ...base, [key!]: value }),
      (err: unknown) => err instanceof ConfigError && err.message.includes(key!),
      `${key}=${value}`,
    );
});
