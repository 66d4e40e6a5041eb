import { sql, type Kdb } from '../../platform/index.ts';
import { searchSession } from './conditions.ts';
import { isHan, normalise, pinyinOf, queryWords } from '../../text/index.ts';

/** How a chunk of a query sounds: 公鸡金 → gongjijin; latin words stay as typed. */
function spell(text: string): string {
  return queryWords(text)
    .map((w) => (isHan(w) ? pinyinOf(w).full : w))
    .join('');
}

/** Edits (insert, delete, substitute, swap two neighbours) from one spelling to the other. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

/** A slip of one letter in a short word, two in a long one; more is another word (gongjiao ≠ gongji). */
const closeEnough = (typed: string, known: string) =>
  editDistance(typed, known) <= (typed.length <= 8 ? 1 : 2);

/**
 * A corrected query: each chunk replaced by the title word that sounds nearest — candidates by
 * trigram similarity of their pinyin, kept if at most a slip away (公鸡金 → 公积金, gongjjin →
 * 公积金) — or kept as typed. Null when nothing changed. The vocabulary holds words of every
 * title, so the caller must offer a correction only if it finds datasets the asker may see.
 */
export async function correctQuery(db: Kdb, q: string): Promise<string | null> {
  const chunks = normalise(q).split(/\s+/).filter(Boolean);
  let changed = false;
  const corrected = await searchSession(db, true, async (trx) => {
    const out: string[] = [];
    for (const chunk of chunks) {
      const sound = chunk.includes(':') ? '' : spell(chunk);
      const near =
        sound.length >= 3
          ? await sql<{ word: string; pinyin: string }>`
              SELECT word, pinyin FROM search_term WHERE pinyin % ${sound}
               ORDER BY similarity(pinyin, ${sound}) DESC, char_length(word), word LIMIT 10`.execute(trx)
          : { rows: [] };
      const word = near.rows.find((r) => closeEnough(sound, r.pinyin))?.word;
      if (word && word !== chunk) {
        changed = true;
        out.push(word);
      } else out.push(chunk);
    }
    return out.join(' ');
  });
  return changed ? corrected : null;
}
