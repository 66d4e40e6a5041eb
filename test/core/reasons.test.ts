import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reasonErrors, reasonUnits } from '../../src/core/index.ts';

test('a reason needs substance: letters and digits, not spaces or punctuation (issue 14)', () => {
  const ok = (s: string) => reasonErrors('reason', s).length === 0;
  for (const bad of ['x', 'ok', 'n/a', 'xxxx', '长', '。。。', '!!!!!!', '— …', 'a. b.', '1'])
    assert.equal(ok(bad), false, `"${bad}" refused`);
  for (const good of [
    '核查',
    '不符合条件',
    '涉及个人隐私',
    'none',
    'Contains personal data',
    '依据《条例》第十条',
  ])
    assert.equal(ok(good), true, `"${good}" accepted`);
  assert.equal(reasonUnits('涉及 隐私！'), 8);
  assert.equal(reasonErrors('reason', 'x')[0]!.code, 'too_short');
  // Blank is the shape check's business (required), not this one's.
  assert.deepEqual(reasonErrors('reason', '   '), []);
});
