import { parse } from 'csv-parse/sync';
import { validationFailed, type HolidayNotice } from '../../core/index.ts';

const bad = (zh: string, en: string) =>
  validationFailed([{ field: 'file', code: 'unreadable', message: { zh, en } }]);

/**
 * A notice file as the command line and the console take it: JSON in the API's form, or CSV with
 * the header `name,from,to,workdays` (one holiday a line, make-up days separated by spaces or
 * semicolons) and the year and title given beside it. docs/api.md has both forms.
 */
export function parseNoticeText(
  text: string,
  meta: { year?: number; title?: string; reference?: string | null } = {},
): unknown {
  const body = text.replace(/^\uFEFF/, '').trim();
  if (!body) throw bad('文件为空', 'The file is empty');
  if (body.startsWith('{')) {
    try {
      const json = JSON.parse(body) as Record<string, unknown>;
      return { ...json, ...(meta.year && { year: meta.year }), ...(meta.title && { title: meta.title }) };
    } catch {
      throw bad('JSON 格式有误', 'The JSON cannot be read');
    }
  }
  let rows: Record<string, string>[];
  try {
    rows = parse(body, { columns: true, skip_empty_lines: true, trim: true, comment: '#' });
  } catch (err) {
    throw bad('CSV 格式有误', `The CSV cannot be read: ${(err as Error).message}`);
  }
  const holidays: HolidayNotice['holidays'] = rows.map((r) => ({
    name: r.name ?? '',
    from: r.from ?? '',
    to: r.to ?? '',
    ...(r.workdays && { workdays: r.workdays.split(/[\s;；]+/).filter(Boolean) }),
  }));
  // The year of a CSV: as given, or the year most of its breaks begin in.
  const counts = new Map<number, number>();
  for (const h of holidays) {
    const y = Number(h.from.slice(0, 4));
    counts.set(y, (counts.get(y) ?? 0) + 1);
  }
  const year = meta.year ?? [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  return {
    year,
    title: meta.title ?? `国务院办公厅关于${year}年部分节假日安排的通知`,
    ...(meta.reference && { reference: meta.reference }),
    holidays,
  };
}

/** A notice in the CSV form above, for editing a stored year in a text box. */
export function noticeToCsv(n: HolidayNotice): string {
  const lines = n.holidays.map((h) => [h.name, h.from, h.to, (h.workdays ?? []).join(' ')].join(','));
  return ['name,from,to,workdays', ...lines].join('\n');
}
