import { pinyin } from 'pinyin-pro';

const MAX_SLUG = 80;

/**
 * pinyin-pro returns one syllable per Chinese character and keeps runs of other characters
 * together ("2024", "Air Quality"), which is exactly the word split a slug wants. `v: true`
 * writes ü as v (绿 → lv), the usual ASCII spelling.
 */
function syllables(text: string): string[] {
  return pinyin(text.normalize('NFKC'), { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true });
}

/** Folds accented Latin letters to ASCII so "été" survives as "ete" instead of vanishing. */
function ascii(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** URL slug from a Chinese or English title using pinyin-pro: lower-case ascii, words joined by '-', max 80 chars, never empty ('dataset' fallback). */
export function slugify(title: string): string {
  let slug = ascii(syllables(title).join(' '))
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length > MAX_SLUG) {
    // Cut at a word boundary so the slug does not end in half a syllable.
    const cut = slug.slice(0, MAX_SLUG + 1);
    const lastDash = cut.lastIndexOf('-');
    slug = (lastDash > 0 ? cut.slice(0, lastDash) : slug.slice(0, MAX_SLUG)).replace(/-+$/, '');
  }
  return slug === '' ? 'dataset' : slug;
}

/** Pinyin initials for search, e.g. '住房公积金' → 'zfgjj'. Latin letters and digits are kept whole. */
export function pinyinInitials(text: string): string {
  return pinyin(text.normalize('NFKC'), {
    pattern: 'first',
    toneType: 'none',
    type: 'array',
    nonZh: 'consecutive',
    v: true,
  })
    .map((part) => ascii(part).replace(/[^a-z0-9]/g, ''))
    .join('');
}
