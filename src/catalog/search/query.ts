import { bigramChain, isHan, normalise, queryStopChars, queryWords, synonymsOf } from '../../text/index.ts';

/** What a search box string means, ready for SQL. Every tsquery is text for `to_tsquery('simple', …)`. */
export interface SearchQuery {
  /** All words, over `dataset_search.document`; null when the text has no searchable word. */
  document: string | null;
  /** Each word as typed, then its synonyms: what ranking looks for in titles and tags. */
  groups: string[][];
  /** `field:` terms and the `fields=` parameter, over `dataset_search.field_terms`. */
  fields: string | null;
  /** Each word with its synonyms, for matching publishers' names; null when a latin word is present. */
  publisher: string[][] | null;
  /** Words and synonyms to mark in titles and descriptions. */
  marks: string[];
  /** Latin words (pinyin is found as words of titles), to mark the title words whose pinyin or initials they begin. */
  latinWords: string[];
}

const MAX_WORDS = 16;
const FIELD_PREFIX = /^(?:field|fields|字段|数据项):(.*)$/i;
const HAN_ONLY = /^\p{Script=Han}+$/u;
const LATIN_WORD = /^(?=.*[a-z])[a-z0-9]+$/;

/** Lexemes are letters and digits only (see segment.ts), but quoting stays correct for anything. */
const lexeme = (w: string) => `'${w.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * One word as a tsquery: the jieba word, or (for three characters and more) all of its bigrams,
 * which finds the word inside longer ones (公积金 in 住房公积金) however jieba cut the text. The
 * bigrams are ANDed rather than chained with `<->`: GIN answers AND exactly, while a phrase would
 * make PostgreSQL re-read every candidate's tsvector, and bigrams of one word scattered over a
 * text without the word itself are rare. A single character is a prefix over the bigrams; latin
 * words of three letters and more are prefixes.
 */
function wordQuery(w: string): string {
  const chars = [...w];
  if (HAN_ONLY.test(w)) {
    if (chars.length === 1) return `${lexeme(w)}:*`;
    if (chars.length === 2) return lexeme(w);
    return `(${lexeme(w)} | ${[...new Set(bigramChain(w).slice(0, -1))].map(lexeme).join(' & ')})`;
  }
  return chars.length >= 3 ? `${lexeme(w)}:*` : lexeme(w);
}

/** A word or any of its synonyms. */
function expanded(w: string): string {
  const alternatives = synonymsOf(w).map(wordQuery);
  return alternatives.length > 1 ? `(${alternatives.join(' | ')})` : alternatives[0];
}

const all = (words: string[]): string | null => (words.length ? words.map(expanded).join(' & ') : null);

const meaningful = (words: string[]) => words.filter((w) => !queryStopChars.has(w));

/**
 * Parses a search box: whitespace separates terms, `field:身份证号` (also 字段:/数据项:) asks for
 * datasets having that 数据项, everything else is segmented by jieba into words that must all
 * match. `fields` adds more field terms (the `fields=` parameter).
 */
export function parseQuery(q: string | undefined, fields: string[] = []): SearchQuery {
  const words: string[] = [];
  const fieldWords: string[] = [];
  for (const chunk of normalise(q ?? '')
    .split(/\s+/)
    .filter(Boolean)) {
    const field = FIELD_PREFIX.exec(chunk);
    if (field) fieldWords.push(...meaningful(queryWords(field[1])));
    else words.push(...meaningful(queryWords(chunk)));
  }
  for (const f of fields) fieldWords.push(...meaningful(queryWords(f)));
  const unique = [...new Set(words)].slice(0, MAX_WORDS);
  const latinWords = unique.filter((w) => LATIN_WORD.test(w) && w.length >= 3);
  // Publishers' names are Chinese: a query with a latin word is not looking for one.
  const nonLatin = unique.filter((w) => !LATIN_WORD.test(w));
  return {
    document: all(unique),
    groups: unique.map((w) => (isHan(w) ? synonymsOf(w) : [w])),
    fields: all([...new Set(fieldWords)].slice(0, MAX_WORDS)),
    publisher: nonLatin.length && nonLatin.length === unique.length ? nonLatin.map(synonymsOf) : null,
    marks: [...new Set(unique.flatMap((w) => (isHan(w) ? synonymsOf(w) : [w])))],
    latinWords,
  };
}
