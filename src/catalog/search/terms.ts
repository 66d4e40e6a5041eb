import {
  bigramChain,
  hanRuns,
  isHan,
  normalise,
  pinyinOf,
  queryWords,
  searchTokens,
  searchWords,
} from '../../text/index.ts';

/**
 * Index terms of a text, space-separated for `to_tsvector('simple', …)`: jieba's search-mode
 * words (住房公积金 住房 公积金 …) and then, run by run, the bigram chains, so that chain members
 * sit at adjacent positions and `<->` phrases match.
 */
export function indexTerms(text: string): string {
  const t = normalise(text);
  const words = searchTokens(t);
  const grams = hanRuns(t).flatMap(bigramChain);
  return [...words, ...grams].join(' ');
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
