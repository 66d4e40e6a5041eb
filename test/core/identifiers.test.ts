import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, isUuid } from '../../src/core/index.ts';

test('one HTML escaper for pages and search highlights: all six special characters', () => {
  assert.equal(
    escapeHtml(`<a href="x" title='y'>&\`</a>`),
    '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;',
  );
  assert.equal(escapeHtml('公积金 plain text'), '公积金 plain text');
});

test('a UUID is 8-4-4-4-12 hex digits, nothing looser', () => {
  assert.ok(isUuid('0b5e6d1c-3f0a-4c8e-9a57-2f1d2c3b4a5e'));
  assert.ok(isUuid('0B5E6D1C-3F0A-4C8E-9A57-2F1D2C3B4A5E'));
  for (const bad of [
    '-'.repeat(36),
    'a'.repeat(36),
    '0b5e6d1c3f0a4c8e9a572f1d2c3b4a5e',
    '0b5e6d1c-3f0a-4c8e-9a57-2f1d2c3b4a5',
    '',
  ])
    assert.equal(isUuid(bad), false, bad);
});
