import type { Vocabulary } from './vocabulary.ts';
import { openTiers } from './open-tiers.ts';
import { shareTiers } from './share-tiers.ts';
import { updateFrequencies } from './update-frequencies.ts';
import { themes } from './themes.ts';
import { formats } from './formats.ts';
import { licences } from './licences.ts';

/** Keyed by vocabulary name, so the API can serve /vocabularies/:name without a switch. */
export const vocabularies: Record<string, Vocabulary> = Object.fromEntries(
  [openTiers, shareTiers, updateFrequencies, themes, formats, licences].map((v) => [v.name, v]),
);

export function getVocabulary(name: string): Vocabulary | undefined {
  // Own-property check so names like "constructor" or "__proto__" are not found on the prototype.
  return Object.hasOwn(vocabularies, name) ? vocabularies[name] : undefined;
}
