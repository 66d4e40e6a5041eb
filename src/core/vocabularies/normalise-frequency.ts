import type { UpdateFrequency } from '../types.ts';
import { findTerm } from './vocabulary.ts';
import { updateFrequencies } from './update-frequencies.ts';

/**
 * Departments fill 更新周期 in their own words ("每年年底", "按需更新", "每个工作日"). We map
 * those onto the vocabulary so search, facets and DCAT export agree, and return null rather
 * than guess when the wording does not say (the caller keeps the original text either way).
 */

/**
 * Whole-phrase cues, checked in order before any period word. Irregular comes first because
 * "不定期更新" also contains "更新"/"期"; never comes before realtime because "无" must be the
 * entire answer (otherwise "无规律" would be read as never).
 */
const CUES: ReadonlyArray<readonly [RegExp, UpdateFrequency]> = [
  [
    /不定[期时]|不固定|无固定|无规律|根据需要|根据实际|按需|视情况|随时|适时|irregular|asneeded|ondemand|adhoc/,
    'irregular',
  ],
  [/^(无|none)$|不更新|不再更新|停止更新|停更|无需更新|无更新|一次性|历史数据|noupdate|notupdated/, 'never'],
  // Hourly and finer has no term of its own; realtime is the nearest and the EU CONT term fits.
  [/实时|即时|动态|秒级|分钟|小时|real-?time|continuous|hourly|minutely/, 'realtime'],
  // "一年两次" names the year first but means twice a year.
  [/年(两|二|2)次/, 'semiannual'],
  [/年(四|4)次/, 'quarterly'],
];

type Unit = 'half-year' | 'half-month' | 'year' | 'quarter' | 'month' | 'week' | 'day';

const PERIOD_WORDS: ReadonlyArray<readonly [string, Unit]> = [
  ['semi-annual', 'half-year'],
  ['semiannual', 'half-year'],
  ['biannual', 'half-year'],
  ['half-year', 'half-year'],
  ['halfyear', 'half-year'],
  ['半年', 'half-year'],
  ['半月', 'half-month'],
  ['工作日', 'day'],
  ['星期', 'week'],
  ['礼拜', 'week'],
  ['年', 'year'],
  ['季', 'quarter'],
  ['月', 'month'],
  ['周', 'week'],
  ['日', 'day'],
  ['天', 'day'],
  ['annual', 'year'],
  ['year', 'year'],
  ['quarter', 'quarter'],
  ['month', 'month'],
  ['week', 'week'],
  ['daily', 'day'],
  ['day', 'day'],
];

// Longer words first so "半年" is taken before "年" at the same position.
const PERIOD_RE = new RegExp(
  [...PERIOD_WORDS]
    .map(([word]) => word)
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/-/g, '\\-'))
    .join('|'),
  'g',
);
const UNIT_OF = new Map<string, Unit>(PERIOD_WORDS);

/** What a period of n units is in the vocabulary; null where the vocabulary has no such term. */
function periodTerm(unit: Unit, n: number): UpdateFrequency | null {
  const table: Record<Unit, Record<number, UpdateFrequency>> = {
    'half-year': { 1: 'semiannual' },
    'half-month': {},
    year: { 1: 'annual' },
    quarter: { 1: 'quarterly', 2: 'semiannual', 4: 'annual' },
    month: { 1: 'monthly', 3: 'quarterly', 6: 'semiannual', 12: 'annual' },
    week: { 1: 'weekly' },
    day: { 1: 'daily', 7: 'weekly' },
  };
  return table[unit][n] ?? null;
}

const CN_DIGITS: Record<string, number> = {
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** Counts up to 99 in digits or Chinese numerals ("3", "三", "十二"); NaN when not a count. */
function parseCount(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const ten = text.indexOf('十');
  if (ten < 0) return text.length === 1 ? (CN_DIGITS[text] ?? NaN) : NaN;
  const tens = text.slice(0, ten);
  const ones = text.slice(ten + 1);
  const t = tens === '' ? 1 : (CN_DIGITS[tens] ?? NaN);
  const o = ones === '' ? 0 : (CN_DIGITS[ones] ?? NaN);
  return tens.length > 1 || ones.length > 1 ? NaN : t * 10 + o;
}

const COUNT_BEFORE = /(每隔|每|隔|every|按)?(\d+|[一二两三四五六七八九十]+)(个)?$/;

/**
 * Reads the first period word that is a period rather than a date: "2019年", "3月", "15日" and
 * "周一" name a moment, not a cycle, unless introduced by 每/隔/个 ("每3个月", "每周一").
 */
function fromPeriodWords(s: string): UpdateFrequency | null {
  for (const m of s.matchAll(PERIOD_RE)) {
    const word = m[0];
    const unit = UNIT_OF.get(word)!;
    const at = m.index ?? 0;
    const before = s.slice(0, at);
    const after = s.slice(at + word.length);
    const count = COUNT_BEFORE.exec(before);
    const introduced = count ? Boolean(count[1] || count[3]) : /(每|按|every)$/.test(before);
    const n = count ? parseCount(count[2]!) : 1;

    if (count && !introduced && /^\d+$/.test(count[2]!)) {
      const isDate = (word === '年' && n >= 1000) || (word === '月' && n <= 12) || (word === '日' && n <= 31);
      if (isDate) continue;
    }
    if (unit === 'week' && !introduced && /^[一二三四五六日天末]/.test(after)) continue;

    return Number.isNaN(n) ? null : periodTerm(unit, n);
  }
  return null;
}

/** Free-text normalisation for update frequency (design §5): returns the code or null when it cannot tell. */
export function normaliseUpdateFrequency(text: string): UpdateFrequency | null {
  const exact = findTerm(updateFrequencies, text);
  if (exact) return exact.code as UpdateFrequency;

  // "周期" and "日期" contain period characters but only label the field ("更新周期：每月").
  const s = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, '')
    .replace(/更新周期|周期|日期/g, '');
  if (s === '') return null;

  for (const [cue, code] of CUES) if (cue.test(s)) return code;
  return fromPeriodWords(s);
}
