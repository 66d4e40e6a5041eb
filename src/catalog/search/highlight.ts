import type { SearchQuery } from './query.ts';
import { pinyinOf, searchWords } from '../../text/index.ts';
import { escapeHtml } from '../../core/index.ts';

/**
 * The text folded the way the index folds it (NFKC, lower case) one UTF-16 unit for one, so
 * that offsets found in the folded text are offsets in the original. A character whose folding
 * changes length is left as it is.
 */
function folded(text: string): string {
  let out = '';
  for (const c of text) {
    const f = c.normalize('NFKC').toLowerCase();
    out += f.length === c.length ? f : c;
  }
  return out;
}

/** Every occurrence of every mark, merged where they touch or overlap. */
function ranges(text: string, marks: string[]): [number, number][] {
  const hay = folded(text);
  const found: [number, number][] = [];
  for (const m of marks) {
    if (!m) continue;
    for (let i = hay.indexOf(m); i !== -1; i = hay.indexOf(m, i + 1)) found.push([i, i + m.length]);
  }
  found.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const r of found) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([...r]);
  }
  return merged;
}

/** HTML-escaped text with each range wrapped in <mark>; only our own tags are ever unescaped. */
function render(text: string, rs: [number, number][], from = 0, to = text.length): string {
  let out = '';
  let at = from;
  for (const [s, e] of rs) {
    if (e <= from || s >= to) continue;
    const a = Math.max(s, from);
    const b = Math.min(e, to);
    out += escapeHtml(text.slice(at, a)) + '<mark>' + escapeHtml(text.slice(a, b)) + '</mark>';
    at = b;
  }
  return out + escapeHtml(text.slice(at, to));
}

/** Title words whose pinyin or initials a latin query word begins: `gjj` marks 公积金. */
function pinyinMarks(title: string, latinWords: string[]): string[] {
  if (!latinWords.length) return [];
  return searchWords(title).filter((w) => {
    const p = pinyinOf(w);
    return p.full !== '' && latinWords.some((l) => p.initials.startsWith(l) || p.full.startsWith(l));
  });
}

const SNIPPET = 160;
const LEAD = 40;

export interface Highlight {
  title: string;
  description: string;
}

/**
 * The title and description as safe HTML with matched words in <mark>. A long description is
 * cut to a snippet around its first match, with ellipses where text was left out.
 */
export function highlight(sq: SearchQuery, title: string, description: string): Highlight {
  const marks = [...sq.marks, ...pinyinMarks(title, sq.latinWords)];
  const t = ranges(title, marks);
  const d = ranges(description, marks);
  if (description.length <= SNIPPET) return { title: render(title, t), description: render(description, d) };
  const from = d.length ? Math.max(0, Math.min(d[0][0] - LEAD, description.length - SNIPPET)) : 0;
  const to = Math.min(description.length, from + SNIPPET);
  const snippet =
    (from > 0 ? '…' : '') + render(description, d, from, to) + (to < description.length ? '…' : '');
  return { title: render(title, t), description: snippet };
}
