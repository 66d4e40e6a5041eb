/**
 * The shape every controlled vocabulary shares, and the one lookup they all use, so that
 * "a code, a label or an alias" means the same thing for tiers, themes, formats and licences.
 */

export interface VocabularyTerm {
  code: string;
  label: { zh: string; en: string };
  /** Outward URI (EU authority tables, licence pages) used by the DCAT/RDF faces. */
  uri?: string;
  /** Other names departments and other portals use for the same term. */
  aliases?: string[];
  [extra: string]: unknown;
}

export interface Vocabulary {
  name: string;
  label: { zh: string; en: string };
  terms: VocabularyTerm[];
}

/**
 * NFKC folds full-width letters and punctuation (common when text is typed with a Chinese IME)
 * onto their ASCII forms; whitespace inside Chinese phrases is never meaningful.
 */
function key(text: string): string {
  return text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Codes win over labels and labels over aliases, so an alias can never shadow another term's
 * code or label even if an installation adds a careless one.
 */
export function findTerm(vocab: Vocabulary, codeOrLabelOrAlias: string): VocabularyTerm | undefined {
  const wanted = key(codeOrLabelOrAlias);
  if (wanted === '') return undefined;
  return (
    vocab.terms.find((t) => key(t.code) === wanted) ??
    vocab.terms.find((t) => key(t.label.zh) === wanted || key(t.label.en) === wanted) ??
    vocab.terms.find((t) => (t.aliases ?? []).some((a) => key(a) === wanted))
  );
}
