import { validationFailed } from '../core/index.ts';
import type { Context } from '../platform/index.ts';
import { openData, ROW_ID, type DataView, type DataReader } from './access.ts';
import { withReader } from './engine.ts';
import { ident } from './ingest/duck.ts';
import type { FieldType } from './report.ts';
import { countUse } from './usage.ts';
import { cell, type Cell, type Column } from './values.ts';

/**
 * The data API over one distribution: rows with filters, text search, sorting, field choice
 * and cursor paging; and grouped aggregates. Every name the caller sends is checked against
 * the columns the caller may see and quoted; every value is a bound parameter.
 */

const bad = (field: string, zh: string, en: string) =>
  validationFailed([{ field, code: 'invalid', message: { zh, en } }]);

/** `a,b` or a JSON array (for names holding commas). */
export function nameList(raw: string | undefined, field: string, max: number): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  let list: unknown;
  if (raw.trim().startsWith('[')) {
    try {
      list = JSON.parse(raw);
    } catch {
      throw bad(field, `${field} 不是合法的 JSON 数组`, `${field} is not a valid JSON array`);
    }
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string'))
      throw bad(field, `${field} 须为字符串数组`, `${field} must be an array of strings`);
  } else
    list = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const names = list as string[];
  if (names.length > max) throw bad(field, `${field} 最多 ${max} 项`, `${field} takes at most ${max} names`);
  return names;
}

function column(view: DataView, name: string, field: string): Column {
  const c = view.columns.find((col) => col.name === name);
  if (!c)
    throw validationFailed([
      {
        field,
        code: 'unknown_field',
        message: { zh: `没有名为“${name}”的字段`, en: `No field named "${name}"` },
      },
    ]);
  return c;
}

/** A real day and time of day (`2020-02-30` and `25:00` are not): the engine would fail on them. */
function calendarTime(v: string): boolean {
  const [y, mo, d, h = 0, mi = 0, sec = 0] = v.split(/[-T :.]/).map(Number);
  const t = new Date(Date.UTC(y, mo - 1, d));
  return (
    t.getUTCFullYear() === y &&
    t.getUTCMonth() === mo - 1 &&
    t.getUTCDate() === d &&
    h < 24 &&
    mi < 60 &&
    sec < 60
  );
}

/** Digit strings stand for integers beyond 2^53 (see `cell`); they must fit the column. */
function fitsInteger(col: Column, v: string): boolean {
  if (!/^-?\d{1,39}$/.test(v)) return false;
  const n = BigInt(v);
  const bits = /HUGEINT/i.test(col.sqlType) ? 127n : 63n;
  return n >= -(2n ** bits) && n < 2n ** bits;
}

/** A filter value as its column's type, or a 400 naming the filter. */
function typedValue(col: Column, v: unknown, field: string): string | number | boolean {
  const wrong = () =>
    bad(
      field,
      `“${col.name}”的值 ${JSON.stringify(v)} 不是${col.type}类型`,
      `${JSON.stringify(v)} is not a valid ${col.type} for "${col.name}"`,
    );
  switch (col.type) {
    case 'integer': {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw wrong();
      return n;
    }
    case 'number': {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isFinite(n)) throw wrong();
      return n;
    }
    case 'boolean':
      if (v === true || v === 'true') return true;
      if (v === false || v === 'false') return false;
      throw wrong();
    case 'date':
      if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || !calendarTime(v)) throw wrong();
      return v;
    case 'datetime':
      if (
        typeof v !== 'string' ||
        !/^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(v) ||
        !calendarTime(v)
      )
        throw wrong();
      return v.replace('T', ' ');
    case 'string':
      if (typeof v === 'object' && v !== null) throw wrong();
      return String(v);
  }
}

class Params {
  readonly values: unknown[];
  constructor(initial: unknown[]) {
    this.values = [...initial];
  }
  add(v: unknown, col?: { sqlType: string }): string {
    this.values.push(v);
    return col ? `CAST($${this.values.length} AS ${col.sqlType})` : `$${this.values.length}`;
  }
}

const OPS = { eq: '=', ne: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** `{"区县":"海曙区", "类别":["医院","诊所"], "床位数":{"gte":100}, "备注":null}` */
function filterSql(view: DataView, raw: string | undefined, params: Params): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  let spec: unknown;
  try {
    spec = JSON.parse(raw);
  } catch {
    throw bad('filters', 'filters 不是合法的 JSON', 'filters is not valid JSON');
  }
  if (!spec || typeof spec !== 'object' || Array.isArray(spec))
    throw bad('filters', 'filters 须为 JSON 对象', 'filters must be a JSON object');
  const entries = Object.entries(spec as Record<string, unknown>);
  if (entries.length > 20) throw bad('filters', 'filters 最多 20 个字段', 'filters takes at most 20 fields');
  return entries.map(([name, v]) => {
    const field = `filters.${name}`;
    const col = column(view, name, field);
    const x = ident(col.name);
    if (v === null) return `${x} IS NULL`;
    if (Array.isArray(v)) {
      if (!v.length || v.length > 1000)
        throw bad(field, '取值列表须有 1 到 1000 项', 'A list of values must have 1 to 1000 items');
      return `${x} IN (${v.map((item) => params.add(typedValue(col, item, field), col)).join(', ')})`;
    }
    if (typeof v === 'object') {
      const ops = Object.entries(v as Record<string, unknown>);
      if (!ops.length) throw bad(field, '条件为空', 'Empty condition');
      return ops
        .map(([op, value]) => {
          if (op === 'in') return filterSqlIn(col, value, field, params);
          // Own keys only: `constructor` or `toString` are "in" any object literal.
          if (!Object.hasOwn(OPS, op))
            throw bad(
              field,
              `不支持的条件 ${op}（可用 eq ne gt gte lt lte in）`,
              `Unknown operator ${op} (use eq ne gt gte lt lte in)`,
            );
          return `${x} ${OPS[op as keyof typeof OPS]} ${params.add(typedValue(col, value, field), col)}`;
        })
        .join(' AND ');
    }
    return `${x} = ${params.add(typedValue(col, v, field), col)}`;
  });
}

function filterSqlIn(col: Column, value: unknown, field: string, params: Params): string {
  if (!Array.isArray(value) || !value.length || value.length > 1000)
    throw bad(field, 'in 须为 1 到 1000 项的数组', 'in takes an array of 1 to 1000 values');
  return `${ident(col.name)} IN (${value.map((item) => params.add(typedValue(col, item, field), col)).join(', ')})`;
}

/** Full-text "contains" across the text columns the caller may see. */
function textSearch(view: DataView, q: string | undefined, params: Params): string[] {
  if (q === undefined || q.trim() === '') return [];
  const text = q.trim();
  if (text.length > 200) throw bad('q', '检索词最长 200 字', 'q is at most 200 characters');
  const cols = view.columns.filter((c) => c.type === 'string');
  if (!cols.length) return ['false'];
  // Case folding is only needed for Latin letters, and is slow on CJK text.
  const latin = /[A-Za-z]/.test(text);
  const p = params.add(latin ? text.toLowerCase() : text);
  return [
    `(${cols.map((c) => (latin ? `contains(lower(${ident(c.name)}), ${p})` : `contains(${ident(c.name)}, ${p})`)).join(' OR ')})`,
  ];
}

interface SortKey {
  col: Column;
  desc: boolean;
}

function sortKeys(view: DataView, raw: string | undefined): SortKey[] {
  return nameList(raw, 'sort', 5).map((s) => {
    const desc = s.startsWith('-');
    return { col: column(view, desc ? s.slice(1) : s, 'sort'), desc };
  });
}

const rowColumn: Column = { name: ROW_ID, type: 'integer', sqlType: 'BIGINT' };

interface Cursor {
  /** version */
  v: number;
  /** sort as requested */
  s: string;
  /** last row's sort values, then its row number */
  k: Cell[];
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

/** The cursor is the caller's text: every key must be a value of its column's type, as we wrote it. */
function decodeCursor(raw: string, version: number, sort: string, keys: Column[]): Cursor {
  const invalid = () =>
    bad('cursor', '翻页游标无效或与本次查询不符', 'The cursor is invalid or belongs to another query');
  let c: Cursor;
  try {
    c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
  } catch {
    throw invalid();
  }
  if (!c || c.v !== version || c.s !== sort || !Array.isArray(c.k) || c.k.length !== keys.length)
    throw invalid();
  c.k.forEach((v, i) => {
    if (v === null) return;
    // Integers beyond 2^53 travel as digit strings (see `cell`); the rest as the column's type.
    if (keys[i].type === 'integer' && typeof v === 'string' && fitsInteger(keys[i], v)) return;
    try {
      c.k[i] = typedValue(keys[i], v, 'cursor');
    } catch {
      throw invalid();
    }
  });
  return c;
}

/** Rows after the cursor's row in (keys…, row number) order; NULLs sort last. */
function afterCursor(keys: SortKey[], values: Cell[], params: Params): string {
  const all = [...keys, { col: rowColumn, desc: false }];
  const ors = all.map((k, i) => {
    const equal = all
      .slice(0, i)
      .map((e, j) =>
        values[j] === null
          ? `${ident(e.col.name)} IS NULL`
          : `${ident(e.col.name)} = ${params.add(values[j], e.col)}`,
      );
    const v = values[i];
    const after =
      v === null
        ? 'false'
        : `(${ident(k.col.name)} ${k.desc ? '<' : '>'} ${params.add(v, k.col)} OR ${ident(k.col.name)} IS NULL)`;
    return `(${[...equal, after].join(' AND ')})`;
  });
  return `(${ors.join(' OR ')})`;
}

const projection = (cols: Column[]) => cols.map((c) => ident(c.name)).join(', ');

export interface RowsQuery {
  version?: number;
  fields?: string;
  filters?: string;
  q?: string;
  sort?: string;
  limit?: number;
  offset?: number;
  cursor?: string;
}

export interface RowsPage {
  version: number;
  fields: { name: string; type: FieldType }[];
  records: Record<string, Cell>[];
  total: number;
  limit: number;
  offset: number;
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export const MAX_OFFSET = 10000;

export async function queryRows(
  ctx: Context,
  reader: DataReader,
  distributionId: string,
  q: RowsQuery,
): Promise<RowsPage> {
  const view = await openData(ctx, reader, distributionId, { action: 'rows', version: q.version });
  const names = nameList(q.fields, 'fields', 2000);
  const cols = names.length ? names.map((n) => column(view, n, 'fields')) : view.columns;
  const limit = q.limit ?? 100;
  const offset = q.offset ?? 0;
  if (offset > MAX_OFFSET)
    throw bad(
      'offset',
      `offset 最大 ${MAX_OFFSET}，更深的页请用 cursor 翻页`,
      `offset is at most ${MAX_OFFSET}; page deeper with cursor`,
    );
  const keys = sortKeys(view, q.sort);
  const params = new Params(view.params);
  const where = [...filterSql(view, q.filters, params), ...textSearch(view, q.q, params)];
  const countParams = [...params.values];
  const countWhere = [...where];
  if (q.cursor) {
    const c = decodeCursor(q.cursor, view.version.number, q.sort ?? '', [
      ...keys.map((k) => k.col),
      rowColumn,
    ]);
    where.push(afterCursor(keys, c.k, params));
  }
  const order = [
    ...keys.map((k) => `${ident(k.col.name)} ${k.desc ? 'DESC' : 'ASC'} NULLS LAST`),
    `${ident(ROW_ID)} ASC`,
  ].join(', ');
  const keyCols = [...keys.map((k) => k.col), rowColumn];
  const result = await withReader(ctx, async (c) => {
    const page = await c.runAndReadAll(
      `SELECT ${projection(cols)}, ${keyCols.map((k, i) => `${ident(k.name)} AS "__k${i}"`).join(', ')} FROM ${view.from}
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ${limit + 1} OFFSET ${q.cursor ? 0 : offset}`,
      params.values as never,
    );
    const counted = await c.runAndReadAll(
      `SELECT count(*) AS n FROM ${view.from} ${countWhere.length ? `WHERE ${countWhere.join(' AND ')}` : ''}`,
      countParams as never,
    );
    return { rows: page.getRowsJS(), total: Number(counted.getRowsJS()[0][0]) };
  });
  const more = result.rows.length > limit;
  const shown = result.rows.slice(0, limit);
  const records = shown.map((r) =>
    Object.fromEntries(cols.map((col, i) => [col.name, cell(r[i], col.type)])),
  );
  const last = shown[shown.length - 1];
  const nextCursor =
    more && last
      ? encodeCursor({
          v: view.version.number,
          s: q.sort ?? '',
          k: keyCols.map((k, i) => cell(last[cols.length + i], k.type)),
        })
      : null;
  await countUse(ctx, [view.distribution.id], 'api_calls');
  return {
    version: view.version.number,
    fields: cols.map((c) => ({ name: c.name, type: c.type })),
    records,
    total: result.total,
    limit,
    offset: q.cursor ? 0 : offset,
    nextCursor,
  };
}

export interface AggregateQuery {
  version?: number;
  groupBy?: string;
  metrics?: string;
  filters?: string;
  q?: string;
  sort?: string;
  limit?: number;
}

export interface AggregateResult {
  version: number;
  groupBy: string[];
  metrics: string[];
  rows: Record<string, Cell>[];
  /** More groups exist than `limit`. */
  truncated: boolean;
}

const FUNCTIONS = ['count', 'sum', 'avg', 'min', 'max'] as const;

/** Group by up to five fields with count/sum/avg/min/max: what a chart of a column needs. */
export async function aggregate(
  ctx: Context,
  reader: DataReader,
  distributionId: string,
  q: AggregateQuery,
): Promise<AggregateResult> {
  const view = await openData(ctx, reader, distributionId, { action: 'aggregate', version: q.version });
  const groups = nameList(q.groupBy, 'groupBy', 5).map((n) => column(view, n, 'groupBy'));
  const metricNames = nameList(q.metrics ?? 'count', 'metrics', 10);
  if (!metricNames.length) metricNames.push('count');
  const metrics = metricNames.map((m) => {
    const [fn, ...rest] = m.split(':');
    const name = rest.join(':');
    if (!(FUNCTIONS as readonly string[]).includes(fn))
      throw bad(
        'metrics',
        `不支持的统计 ${fn}（可用 count sum avg min max）`,
        `Unknown metric ${fn} (use count sum avg min max)`,
      );
    if (!name) {
      if (fn !== 'count')
        throw bad('metrics', `${fn} 须指定字段，如 ${fn}:字段名`, `${fn} needs a field, as ${fn}:name`);
      return { key: m, sql: 'count(*)', type: 'integer' as FieldType };
    }
    const col = column(view, name, 'metrics');
    if ((fn === 'sum' || fn === 'avg') && col.type !== 'integer' && col.type !== 'number')
      throw bad('metrics', `“${name}”不是数值字段，不能 ${fn}`, `"${name}" is not numeric; cannot ${fn} it`);
    const type: FieldType =
      fn === 'count' ? 'integer' : fn === 'avg' ? 'number' : fn === 'sum' ? col.type : col.type;
    return { key: m, sql: `${fn}(${ident(col.name)})`, type };
  });
  const limit = q.limit ?? 1000;
  const params = new Params(view.params);
  const where = [...filterSql(view, q.filters, params), ...textSearch(view, q.q, params)];
  const outputs = [
    ...groups.map((g) => ({ key: g.name, type: g.type })),
    ...metrics.map((m) => ({ key: m.key, type: m.type })),
  ];
  const sortSpec = nameList(q.sort, 'sort', 5).map((s) => {
    const desc = s.startsWith('-');
    const key = desc ? s.slice(1) : s;
    const i = outputs.findIndex((o) => o.key === key);
    if (i === -1)
      throw bad('sort', `只能按分组字段或统计项排序：${key}`, `Sort by a group field or a metric: ${key}`);
    return `${i + 1} ${desc ? 'DESC' : 'ASC'} NULLS LAST`;
  });
  const order = sortSpec.length
    ? sortSpec
    : groups.length
      ? groups.map((_, i) => `${i + 1} ASC NULLS LAST`)
      : ['1'];
  const rows = await withReader(ctx, async (c) => {
    const r = await c.runAndReadAll(
      `SELECT ${[...groups.map((g) => ident(g.name)), ...metrics.map((m) => m.sql)].join(', ')} FROM ${view.from}
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${groups.length ? `GROUP BY ${groups.map((_, i) => i + 1).join(', ')}` : ''}
       ORDER BY ${order.join(', ')} LIMIT ${limit + 1}`,
      params.values as never,
    );
    return r.getRowsJS();
  });
  await countUse(ctx, [view.distribution.id], 'api_calls');
  return {
    version: view.version.number,
    groupBy: groups.map((g) => g.name),
    metrics: metrics.map((m) => m.key),
    rows: rows
      .slice(0, limit)
      .map((r) => Object.fromEntries(outputs.map((o, i) => [o.key, cell(r[i], o.type)]))),
    truncated: rows.length > limit,
  };
}
