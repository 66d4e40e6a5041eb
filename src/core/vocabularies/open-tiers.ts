import type { OpenTier } from '../types.ts';
import type { Vocabulary, VocabularyTerm } from './vocabulary.ts';

const ACCESS_RIGHT = 'http://publications.europa.eu/resource/authority/access-right/';

interface OpenTierTerm extends VocabularyTerm {
  code: OpenTier;
}

/**
 * 开放属性. Fujian's regulation uses 普遍开放 / 依申请开放 for the same two open tiers, so those
 * names are aliases rather than extra codes: a dataset from either scheme lands on one tier.
 */
const terms: OpenTierTerm[] = [
  {
    code: 'unconditional',
    label: { zh: '无条件开放', en: 'Open without conditions' },
    uri: `${ACCESS_RIGHT}PUBLIC`,
    aliases: ['普遍开放', '无条件', '完全开放', 'public', 'open'],
  },
  {
    code: 'conditional',
    label: { zh: '有条件开放', en: 'Open on conditions' },
    uri: `${ACCESS_RIGHT}RESTRICTED`,
    aliases: ['依申请开放', '有条件', '受限开放', 'restricted'],
  },
  {
    code: 'not_open',
    label: { zh: '不予开放', en: 'Not open' },
    uri: `${ACCESS_RIGHT}NON_PUBLIC`,
    aliases: ['不开放', '非开放', '暂不开放', 'non-public', 'non_public', 'closed'],
  },
];

export const openTiers: Vocabulary = {
  name: 'open-tiers',
  label: { zh: '开放属性', en: 'Open tier' },
  terms,
};
