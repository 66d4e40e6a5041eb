import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bigramChain,
  governmentTerms,
  normalise,
  pinyinOf,
  queryStopChars,
  queryWords,
  searchTokens,
  searchWords,
  synonymGroups,
  synonymsOf,
} from '../../src/text/index.ts';

test('the dictionary files are read: entries without comments, groups split into words', () => {
  assert.ok(governmentTerms.includes('统一社会信用代码'));
  assert.ok(governmentTerms.length >= 50);
  for (const word of [...governmentTerms, ...synonymGroups.flat(), ...queryStopChars])
    assert.match(word, /^[^#\s]+$/u, `entry ${JSON.stringify(word)}`);
  assert.ok(synonymGroups.every((g) => g.length >= 2));
  assert.deepEqual(synonymsOf('医院'), ['医院', '医疗机构']);
  assert.deepEqual(synonymsOf('公积金'), ['公积金']);
  assert.ok(queryStopChars.has('的'));
});

test('government terms stay whole in precise mode, and their parts appear in search mode', () => {
  assert.deepEqual(queryWords('统一社会信用代码查询'), ['统一社会信用代码', '查询']);
  const words = searchWords('住房公积金缴存');
  for (const w of ['住房公积金', '公积金', '缴存']) assert.ok(words.includes(w), w);
  // Search mode keeps repeats in order for a positional index; searchWords gives each once.
  const tokens = searchTokens('公积金和公积金');
  assert.equal(tokens.filter((t) => t === '公积金').length, 2);
});

test('folding, bigrams and pinyin', () => {
  assert.equal(normalise('ＡＢＣ１２３'), 'abc123');
  assert.deepEqual(bigramChain('公积金'), ['公积', '积金', '金']);
  assert.deepEqual(pinyinOf('公积金'), { full: 'gongjijin', initials: 'gjj' });
  assert.deepEqual(pinyinOf('abc'), { full: '', initials: '' });
});
