import type { UpdateFrequency } from '../types.ts';
import type { Vocabulary, VocabularyTerm } from './vocabulary.ts';

const FREQUENCY = 'http://publications.europa.eu/resource/authority/frequency/';

interface UpdateFrequencyTerm extends VocabularyTerm {
  code: UpdateFrequency;
}

/**
 * 更新周期, ordered from most to least frequent. Free-text wording is handled by
 * normaliseUpdateFrequency; the aliases here are only exact synonyms.
 */
const terms: UpdateFrequencyTerm[] = [
  {
    code: 'realtime',
    label: { zh: '实时', en: 'Real-time' },
    uri: `${FREQUENCY}CONT`,
    aliases: ['实时更新', 'real time', 'continuous', 'continuously'],
  },
  { code: 'daily', label: { zh: '每日', en: 'Daily' }, uri: `${FREQUENCY}DAILY`, aliases: ['每天'] },
  { code: 'weekly', label: { zh: '每周', en: 'Weekly' }, uri: `${FREQUENCY}WEEKLY` },
  { code: 'monthly', label: { zh: '每月', en: 'Monthly' }, uri: `${FREQUENCY}MONTHLY` },
  { code: 'quarterly', label: { zh: '每季度', en: 'Quarterly' }, uri: `${FREQUENCY}QUARTERLY` },
  {
    code: 'semiannual',
    label: { zh: '每半年', en: 'Semi-annual' },
    uri: `${FREQUENCY}ANNUAL_2`,
    aliases: ['semi-annually', 'semiannually', 'half-yearly'],
  },
  {
    code: 'annual',
    label: { zh: '每年', en: 'Annual' },
    uri: `${FREQUENCY}ANNUAL`,
    aliases: ['annually', 'yearly'],
  },
  { code: 'irregular', label: { zh: '不定期', en: 'Irregular' }, uri: `${FREQUENCY}IRREG` },
  { code: 'never', label: { zh: '不更新', en: 'Never' }, uri: `${FREQUENCY}NEVER` },
];

export const updateFrequencies: Vocabulary = {
  name: 'update-frequencies',
  label: { zh: '更新周期', en: 'Update frequency' },
  terms,
};
