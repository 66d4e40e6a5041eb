import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { pinyin } from 'pinyin-pro';
import { userDictionary } from './dictionary.ts';

let jieba: Jieba | undefined;

/** Loading the dictionaries takes ~0.2 s, so it happens on first use, once per process. */
function segmenter(): Jieba {
  if (!jieba) {
    jieba = Jieba.withDict(dict);
    jieba.loadDict(userDictionary());
  }
  return jieba;
}

const HAN_RUN = /\p{Script=Han}+/gu;
const HAN = /\p{Script=Han}/u;
const LEXEME = /[\p{L}\p{N}]+/gu;

/** Full-width forms folded (ＡＢＣ１２３ → abc123), lower case, control characters gone: what both the index and queries see. */
export function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\p{Cc}/gu, ' ');
}

export const isHan = (word: string): boolean => HAN.test(word);

/** jieba also returns punctuation and mixed tokens ("pm2.5"); only letter/digit runs are lexemes. */
const lexemes = (tokens: string[]): string[] => tokens.flatMap((t) => t.match(LEXEME) ?? []);

/**
 * Overlapping character pairs of a run of Han characters, then its last character: 公积金 →
 * 公积 积金 金. Any substring of two or more characters is then a phrase of adjacent pairs and
 * any single character a prefix, whatever jieba made of the text — the pg_bigm idea in a tsvector.
 */
export function bigramChain(run: string): string[] {
  const chars = [...run];
  if (chars.length < 2) return chars;
  const out: string[] = [];
  for (let i = 0; i < chars.length - 1; i++) out.push(chars[i] + chars[i + 1]);
  out.push(chars[chars.length - 1]);
  return out;
}

/**
 * Index terms of a text, space-separated for `to_tsvector('simple', …)`: jieba's search-mode
 * words (住房公积金 住房 公积金 …) and then, run by run, the bigram chains, so that chain members
 * sit at adjacent positions and `<->` phrases match.
 */
export function indexTerms(text: string): string {
  const t = normalise(text);
  const words = lexemes(segmenter().cutForSearch(t, true));
  const grams = (t.match(HAN_RUN) ?? []).flatMap(bigramChain);
  return [...words, ...grams].join(' ');
}

/** Words of a query in jieba's precise mode: 住房公积金缴存 → 住房公积金, 缴存. */
export function queryWords(text: string): string[] {
  return lexemes(segmenter().cut(normalise(text), false));
}

/** Search-mode words of a text (住房公积金 → 住房 公积 积金 公积金 住房公积金), lower-cased, no punctuation. */
export function searchWords(text: string): string[] {
  return [...new Set(lexemes(segmenter().cutForSearch(normalise(text), true)))];
}

const syllablesOf = (word: string): string[] =>
  pinyin(word, { toneType: 'none', type: 'array', nonZh: 'removed', v: true });

/** 公积金 → { full: 'gongjijin', initials: 'gjj' }; empty strings for a word without Han characters. */
export function pinyinOf(word: string): { full: string; initials: string } {
  const syllables = isHan(word) ? syllablesOf(word).filter((s) => /^[a-z]+$/.test(s)) : [];
  return { full: syllables.join(''), initials: syllables.map((s) => s[0]).join('') };
}

/**
 * Pinyin words of a title: the full pinyin and the initials of every search-mode word
 * (住房公积金 → zhufanggongjijin zfgjj, 公积金 → gongjijin gjj, …) and the initials of the whole
 * title, so that `gjj`, `gongjijin` and `zfgjj` are words of the document (prefixes work too).
 */
export function pinyinTerms(title: string): string {
  const parts: string[] = [];
  for (const w of searchWords(title)) {
    if (!isHan(w)) continue;
    const p = pinyinOf(w);
    if (p.full) parts.push(p.full, p.initials);
  }
  const whole = titleInitials(title);
  if (whole) parts.push(whole);
  return [...new Set(parts.filter((p) => p.length > 1))].join(' ');
}

function titleInitials(title: string): string {
  return queryWords(title)
    .map((w) => (isHan(w) ? pinyinOf(w).initials : w[0]))
    .join('');
}

/**
 * The words of a title that a mistyped query may have meant, each with how it sounds: Han words
 * of two characters and more as pinyin (公积金 → gongjijin), latin words as written.
 */
export function vocabulary(title: string): { word: string; pinyin: string }[] {
  return searchWords(title).flatMap((word) => {
    if (!isHan(word)) return /^[a-z]{3,}$/.test(word) ? [{ word, pinyin: word }] : [];
    const p = pinyinOf(word).full;
    return [...word].length >= 2 && p ? [{ word, pinyin: p }] : [];
  });
}
