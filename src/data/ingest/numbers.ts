import type { DuckDBConnection } from '@duckdb/node-api';
import { problem, type Problem } from '../report.ts';
import { ident, literal, rows } from './duck.ts';

/**
 * Numbers written for people (1,234 · １２３ · 12.5% · ¥1,000 · 1.2万) keep a column text: the
 * values are stored exactly as written, never converted behind the department's back. What a
 * conversion would do is proposed per column instead, with the count of cells in each form, so
 * the department can decide (and the original stays in the original download). A column of
 * numbers with a few words in it (未填报) is named the same way.
 */

const FORMS: { key: string; zh: string; en: string; pattern: string }[] = [
  {
    key: 'thousands',
    zh: '千分位',
    en: 'thousands separators',
    pattern: '-?[0-9]{1,3}(,[0-9]{3})+(\\.[0-9]+)?',
  },
  { key: 'fullwidth', zh: '全角数字', en: 'full-width digits', pattern: '[－-]?[０-９]+([．.][０-９]+)?' },
  { key: 'percent', zh: '百分数', en: 'percentages', pattern: '-?[0-9]+(\\.[0-9]+)?[%％]' },
  {
    key: 'currency',
    zh: '货币符号或“元”',
    en: 'currency signs or 元',
    pattern: '([¥￥$]\\s*-?[0-9][0-9,]*(\\.[0-9]+)?|-?[0-9][0-9,]*(\\.[0-9]+)?\\s*元)',
  },
  { key: 'units', zh: '万、亿', en: '万 or 亿', pattern: '-?[0-9]+(\\.[0-9]+)?[万亿]元?' },
];
const PLAIN = '-?((0|[1-9][0-9]*)(\\.[0-9]+)?|\\.[0-9]+)([eE][-+]?[0-9]+)?';
/** Rows looked at: a proposal, not a change, needs no more. */
const SAMPLE = 10_000;

export async function numberProposals(
  c: DuckDBConnection,
  table: string,
  columns: { name: string; type: string }[],
): Promise<Problem[]> {
  const text = columns.filter((col) => col.type === 'string');
  const out: Problem[] = [];
  for (let start = 0; start < text.length; start += 50) {
    const slice = text.slice(start, start + 50);
    const [r] = await rows<Record<string, bigint>>(
      c,
      `SELECT count(*) AS total, ${slice
        .flatMap((col, k) => {
          const v = `trim(${ident(col.name)})`;
          return [
            `count(${ident(col.name)}) AS n${k}`,
            `count(*) FILTER (WHERE regexp_full_match(${v}, ${literal(PLAIN)})) AS p${k}`,
            ...FORMS.map(
              (f, j) =>
                `count(*) FILTER (WHERE regexp_full_match(${v}, ${literal(f.pattern)})) AS f${j}_${k}`,
            ),
          ];
        })
        .join(', ')} FROM (SELECT * FROM ${table} LIMIT ${SAMPLE})`,
    );
    for (const [k, col] of slice.entries()) {
      const n = Number(r[`n${k}`]);
      const plain = Number(r[`p${k}`]);
      const forms = FORMS.map((f, j) => ({ ...f, count: Number(r[`f${j}_${k}`]) })).filter((f) => f.count);
      const written = forms.reduce((s, f) => s + f.count, 0);
      const other = n - plain - written;
      const sampled = Number(r.total) >= SAMPLE ? `（前 ${SAMPLE} 行）` : '';
      const sampledEn = Number(r.total) >= SAMPLE ? ` (first ${SAMPLE} rows)` : '';
      if (written && other === 0)
        out.push(
          problem(
            'number_formats',
            'info',
            `列“${col.name}”的值都是数值，但写作${forms.map((f) => `${f.zh} ${f.count} 个`).join('、')}${sampled}，按原样保存为文本；可转换为数值列`,
            `Column "${col.name}" holds numbers written with ${forms.map((f) => `${f.en} (${f.count})`).join(', ')}${sampledEn}; they are kept as written, as text, and could be converted to a number column`,
            { columns: [col.name], count: written },
          ),
        );
      else if (!written && plain > 0 && other > 0 && other <= Math.max(3, n * 0.01)) {
        const words = await rows<{ v: string }>(
          c,
          `SELECT DISTINCT ${ident(col.name)} AS v FROM (SELECT * FROM ${table} LIMIT ${SAMPLE})
           WHERE ${ident(col.name)} IS NOT NULL AND NOT regexp_full_match(trim(${ident(col.name)}), ${literal(PLAIN)}) LIMIT 5`,
        );
        const list = words.map((w) => w.v.slice(0, 20));
        out.push(
          problem(
            'mostly_numbers',
            'warning',
            `列“${col.name}”有 ${plain} 个数值和 ${other} 个非数值（如“${list.join('”“')}”）${sampled}，整列按原样保存为文本；若这些表示空值，请改为空白后重新上传，即可成为数值列`,
            `Column "${col.name}" holds ${plain} numbers and ${other} other values (such as "${list.join('", "')}")${sampledEn}, so the whole column is kept as written, as text; if those mean "no value", leave them empty and upload again to make it a number column`,
            {
              columns: [col.name],
              count: other,
              changes: list.map((v) => ({ column: col.name, before: v, after: v })),
            },
          ),
        );
      }
    }
  }
  return out;
}
