import type { ShareTier } from '../types.ts';
import type { Vocabulary, VocabularyTerm } from './vocabulary.ts';

interface ShareTierTerm extends VocabularyTerm {
  code: ShareTier;
}

/**
 * 共享属性 governs exchange between government departments, which DCAT has no property for,
 * so these terms carry no outward URI.
 */
const terms: ShareTierTerm[] = [
  {
    code: 'unconditional',
    label: { zh: '无条件共享', en: 'Shared without conditions' },
    aliases: ['无条件', '完全共享'],
  },
  {
    code: 'conditional',
    label: { zh: '有条件共享', en: 'Shared on conditions' },
    aliases: ['有条件', '依申请共享'],
  },
  {
    code: 'not_shared',
    label: { zh: '不予共享', en: 'Not shared' },
    aliases: ['不共享', '非共享', '暂不共享'],
  },
];

export const shareTiers: Vocabulary = {
  name: 'share-tiers',
  label: { zh: '共享属性', en: 'Share tier' },
  terms,
};
