import { findTerm, type Vocabulary, type VocabularyTerm } from './vocabulary.ts';
import { themeCrosswalks } from './theme-crosswalks.ts';

const DATA_THEME = 'http://publications.europa.eu/resource/authority/data-theme/';

export type ThemeCode =
  | 'culture_sports'
  | 'education_science'
  | 'energy_environment'
  | 'transport'
  | 'livelihood'
  | 'health'
  | 'public_safety'
  | 'agriculture'
  | 'institutions'
  | 'finance_tax'
  | 'social_security_employment'
  | 'economy_trade'
  | 'credit'
  | 'urban_housing'
  | 'geography_meteorology'
  | 'market_supervision';

export interface ThemeTerm extends VocabularyTerm {
  code: ThemeCode;
  /** The EU data theme dcat:theme is exported as. */
  euTheme: string;
  /** Every EU data theme the class spans, euTheme first; a dataset may carry all of them. */
  euThemes: string[];
  aliases: string[];
}

interface ThemeSeed {
  code: ThemeCode;
  zh: string;
  en: string;
  eu: string[];
  /** Names used by platforms outside the four crosswalked regions (seed 004 appendix 2). */
  alsoCalled?: string[];
}

/**
 * The 16 classes found on more than half of the 86 platforms studied (seed 004 §4.2), in the
 * report's order: the order is part of the data, because the 1-based position is the class
 * number inside 信息资源代码 and must never shift. New classes go at the end.
 */
const SEEDS: ThemeSeed[] = [
  {
    code: 'culture_sports',
    zh: '文体休闲',
    en: 'Culture, sports and leisure',
    eu: ['EDUC'],
    alsoCalled: ['文化体育', '文化休闲', '文化旅游'],
  },
  {
    code: 'education_science',
    zh: '教育科技',
    en: 'Education, science and technology',
    eu: ['EDUC', 'TECH'],
    alsoCalled: ['科技教育'],
  },
  {
    code: 'energy_environment',
    zh: '能源环境',
    en: 'Energy and environment',
    eu: ['ENVI', 'ENER'],
    alsoCalled: ['环境'],
  },
  { code: 'transport', zh: '道路交通', en: 'Transport', eu: ['TRAN'] },
  { code: 'livelihood', zh: '民生服务', en: 'Livelihood services', eu: ['SOCI'], alsoCalled: ['民政社区'] },
  { code: 'health', zh: '医疗卫生', en: 'Health', eu: ['HEAL'] },
  { code: 'public_safety', zh: '公共安全', en: 'Public safety', eu: ['JUST'] },
  {
    code: 'agriculture',
    zh: '农业农村',
    en: 'Agriculture and rural affairs',
    eu: ['AGRI'],
    alsoCalled: ['农业水利'],
  },
  { code: 'institutions', zh: '机构团体', en: 'Institutions and organisations', eu: ['GOVE'] },
  { code: 'finance_tax', zh: '财税金融', en: 'Finance and taxation', eu: ['ECON'] },
  {
    code: 'social_security_employment',
    zh: '社保就业',
    en: 'Social security and employment',
    eu: ['SOCI', 'ECON'],
  },
  { code: 'economy_trade', zh: '经贸工商', en: 'Economy, trade and commerce', eu: ['ECON'] },
  { code: 'credit', zh: '信用服务', en: 'Credit services', eu: ['ECON', 'GOVE'] },
  {
    code: 'urban_housing',
    zh: '城建住房',
    en: 'Urban construction and housing',
    eu: ['REGI'],
    alsoCalled: ['城市建设', '城乡建设'],
  },
  { code: 'geography_meteorology', zh: '地理气象', en: 'Geography and meteorology', eu: ['REGI', 'ENVI'] },
  {
    code: 'market_supervision',
    zh: '市场监察',
    en: 'Market supervision',
    eu: ['ECON', 'GOVE'],
    alsoCalled: ['食药安全', '食品药品安全'],
  },
];

/**
 * Aliases are the hand-listed names plus every crosswalk name pointing at the class, so a
 * regional name typed into a form finds the same class the importer would choose.
 */
function aliasesFor(seed: ThemeSeed): string[] {
  const fromCrosswalks = Object.values(themeCrosswalks).flatMap((table) =>
    Object.entries(table)
      .filter(([, code]) => code === seed.code)
      .map(([name]) => name),
  );
  return [...new Set([...(seed.alsoCalled ?? []), ...fromCrosswalks])].filter((n) => n !== seed.zh);
}

const terms: ThemeTerm[] = SEEDS.map((seed) => ({
  code: seed.code,
  label: { zh: seed.zh, en: seed.en },
  euTheme: DATA_THEME + seed.eu[0],
  euThemes: seed.eu.map((t) => DATA_THEME + t),
  aliases: aliasesFor(seed),
}));

export const themes: Vocabulary = {
  name: 'themes',
  label: { zh: '主题分类', en: 'Themes' },
  terms,
};

/**
 * 1-based position in `themes`, 0 if unknown. Labels and aliases resolve too, because stored
 * datasets may carry a theme as the department typed it.
 */
export function themeIndex(themeCode: string): number {
  const term = findTerm(themes, themeCode);
  return term ? themes.terms.indexOf(term) + 1 : 0;
}
