/** The only door into the controlled vocabularies; files behind it may move freely. */
export type { Vocabulary, VocabularyTerm } from './vocabulary.ts';
export { findTerm } from './vocabulary.ts';
export { openTiers } from './open-tiers.ts';
export { shareTiers } from './share-tiers.ts';
export { updateFrequencies } from './update-frequencies.ts';
export { normaliseUpdateFrequency } from './normalise-frequency.ts';
export type { ThemeCode, ThemeTerm } from './themes.ts';
export { themes, themeIndex } from './themes.ts';
export { themeCrosswalks } from './theme-crosswalks.ts';
export type { FormatTerm } from './formats.ts';
export { formats } from './formats.ts';
export type { LicenceTerm } from './licences.ts';
export { licences, DEFAULT_LICENCE } from './licences.ts';
export { vocabularies, getVocabulary } from './registry.ts';
export type { ResourceCodeParts } from './resource-code.ts';
export { resourceCode, parseResourceCode } from './resource-code.ts';
export { slugify, pinyinInitials } from './slug.ts';
