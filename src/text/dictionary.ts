import { readFileSync } from 'node:fs';

/**
 * The dictionaries are data, in `dictionaries/*.txt`: one entry a line, `#` starts a comment line.
 * They are small and read once, when this module loads, so every caller sees the same words.
 */
function entries(file: string): string[] {
  const text = readFileSync(new URL(`./dictionaries/${file}`, import.meta.url), 'utf8');
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

/**
 * Government vocabulary jieba's general dictionary does not know as single words. Kept whole,
 * a query for 统一社会信用代码 matches that term rather than 统一 & 社会 & 信用 & 代码 scattered
 * over a description; cutForSearch still emits the shorter words inside, so 信用代码 finds it too.
 */
export const governmentTerms: readonly string[] = entries('government-terms.txt');

/**
 * Words people type and the words catalogues write for the same thing. A query word expands to
 * its whole group, so 医院 also finds 医疗机构名录.
 */
export const synonymGroups: readonly (readonly string[])[] = entries('synonyms.txt').map((line) =>
  line.split(/\s+/),
);

/** Single characters that carry no meaning in a query (的, 和 …) and would only narrow it. */
export const queryStopChars: ReadonlySet<string> = new Set(entries('query-stop-chars.txt'));

const synonymIndex = new Map<string, readonly string[]>();
for (const group of synonymGroups) for (const word of group) synonymIndex.set(word, group);

/** The word itself first, then the other members of its synonym group. */
export function synonymsOf(word: string): string[] {
  const group = synonymIndex.get(word);
  return group ? [word, ...group.filter((w) => w !== word)] : [word];
}

/** jieba's user-dictionary format: `word frequency`, one a line; a high frequency keeps the word whole. */
export function userDictionary(): Uint8Array {
  const words = new Set([...governmentTerms, ...synonymGroups.flat()]);
  return new TextEncoder().encode([...words].map((w) => `${w} 100000 n`).join('\n') + '\n');
}
