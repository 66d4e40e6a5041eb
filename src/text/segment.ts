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

/** Words of a query in jieba's precise mode: 住房公积金缴存 → 住房公积金, 缴存. */
export function queryWords(text: string): string[] {
  return lexemes(segmenter().cut(normalise(text), false));
}

/**
 * Search-mode words of a text in order, repeats kept (住房公积金 → 住房 公积 积金 公积金 住房公积金),
 * normalised, no punctuation: what a positional index wants.
 */
export function searchTokens(text: string): string[] {
  return lexemes(segmenter().cutForSearch(normalise(text), true));
}

/** Search-mode words of a text, each once. */
export function searchWords(text: string): string[] {
  return [...new Set(searchTokens(text))];
}

/** The runs of Han characters in a text, in order: 2024年公积金 → 年公积金. */
export function hanRuns(text: string): string[] {
  return text.match(HAN_RUN) ?? [];
}

const syllablesOf = (word: string): string[] =>
  pinyin(word, { toneType: 'none', type: 'array', nonZh: 'removed', v: true });

/** 公积金 → { full: 'gongjijin', initials: 'gjj' }; empty strings for a word without Han characters. */
export function pinyinOf(word: string): { full: string; initials: string } {
  const syllables = isHan(word) ? syllablesOf(word).filter((s) => /^[a-z]+$/.test(s)) : [];
  return { full: syllables.join(''), initials: syllables.map((s) => s[0]).join('') };
}
