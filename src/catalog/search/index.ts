/**
 * Chinese search over the catalogue: jieba words and Han bigrams in PostgreSQL full-text search,
 * pg_trgm over titles' pinyin, highlighting, "did you mean" and related datasets. The index is a
 * derived row per dataset that the catalogue writes in the dataset's own transaction.
 */
export { parseQuery, type SearchQuery } from './query.ts';
export {
  matchCondition,
  fieldCondition,
  rankExpression,
  searchSession,
  TYPO_MATCH,
  type Condition,
} from './conditions.ts';
export { codeOf, bitOf, type CodedFacet } from './codes.ts';
export { highlight, type Highlight } from './highlight.ts';
export { correctQuery } from './suggest.ts';
export { relatedTo, type Relation, type RelatedTarget } from './related.ts';
export { searchPartitions } from './partitions.ts';
export { compactSearchIndex, indexDataset, reindexAll, type ReindexResult } from './indexer.ts';
