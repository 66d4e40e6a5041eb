/**
 * Chinese text cut into words the same way wherever Kaifang reads text — catalogue search,
 * policy analysis, personal-data detection: NFKC folding, jieba with the government dictionary,
 * Han bigrams, pinyin, synonyms. Pure functions over strings; it imports no other room, so every
 * room may import it. The dictionaries are data files in `dictionaries/`.
 */
export {
  normalise,
  isHan,
  bigramChain,
  hanRuns,
  queryWords,
  searchTokens,
  searchWords,
  pinyinOf,
} from './segment.ts';
export { governmentTerms, synonymGroups, queryStopChars, synonymsOf, userDictionary } from './dictionary.ts';
