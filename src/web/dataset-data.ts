import * as data from '../data/index.ts';
import { dataReader } from '../access/index.ts';
import { DomainError, type Actor, type Distribution, type Label } from '../core/index.ts';
import type { Context } from '../platform/index.ts';

/**
 * What the dataset page's data section shows, read through the data module's own functions:
 * `openData` inside them is the one gate, so this file decides nothing about who may read what.
 * A refusal from the gate is what turns the section into the "what an application gives" box.
 * The chart is of the rows the filter keeps. The state (page, filter, sort, chart choices) lives in the query string, so every view is a
 * plain link that works without JavaScript and can be shared.
 */

export const PAGE_SIZE = 20;
/** Columns whose most common values are looked up: each is one grouped query. */
const TOP_COLUMNS = 6;
const TOP_VALUES = 3;
/** Categories on a chart; more are cut with a notice. */
export const CHART_CATEGORIES = 50;
/** Series (groups) on a chart. */
const CHART_SERIES = 12;
export const CHART_FUNCTIONS = ['count', 'sum', 'avg', 'min', 'max'] as const;
export type ChartFunction = (typeof CHART_FUNCTIONS)[number];

export interface DataState {
  dist: string | null;
  page: number;
  sort: string | null;
  filterColumn: string | null;
  filterValue: string | null;
  text: string | null;
  chart: { x: string | null; y: string | null; fn: ChartFunction; group: string | null };
}

const str = (v: unknown, max = 200): string | null =>
  typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, max) : null;

/** The section's query parameters, prefixed so they never clash with the page's own (lang, a11y). */
export function dataState(q: Record<string, unknown>): DataState {
  const page = Number(q.dpage);
  const fn = str(q.cf) as ChartFunction | null;
  return {
    dist: str(q.dist, 64),
    page: Number.isSafeInteger(page) && page > 1 ? page : 1,
    sort: str(q.dsort),
    filterColumn: str(q.dfc),
    // A field chosen with no value is no filter (the form's first state), not "equals empty".
    filterValue: typeof q.dfv === 'string' && q.dfv !== '' && q.dfc ? q.dfv.slice(0, 200) : null,
    text: str(q.dq),
    chart: {
      x: str(q.cx),
      y: str(q.cy),
      fn: fn && (CHART_FUNCTIONS as readonly string[]).includes(fn) ? fn : 'count',
      group: str(q.cg),
    },
  };
}

export interface TopValue {
  value: data.Cell;
  count: number;
}

export interface ChartData {
  x: string;
  y: string | null;
  fn: ChartFunction;
  group: string | null;
  labels: string[];
  series: { name: string; values: (number | null)[] }[];
  truncated: boolean;
}

export interface OpenData {
  kind: 'open';
  /** Distributions with data, for the picker. */
  choices: Distribution[];
  distribution: Distribution;
  preview: data.Preview;
  /** The filtered, sorted page shown; the preview's first rows when nothing is asked. */
  rows: { records: Record<string, data.Cell>[]; total: number; offset: number };
  filtered: boolean;
  /** A filter or sort the data API refused, shown in place of rows. */
  error: Label | null;
  top: Map<string, TopValue[]>;
  chart: ChartData | null;
  chartError: Label | null;
  state: DataState;
}

export type DataSection = { kind: 'none' } | { kind: 'locked'; distributions: Distribution[] } | OpenData;

const refusedFor = (err: unknown, reason: string) =>
  err instanceof DomainError &&
  err.code === 'access_denied' &&
  (err.details as { reason?: string } | undefined)?.reason === reason;

const isNoData = (err: unknown) => err instanceof DomainError && err.kind === 'not_found';

/** A 4xx from the data API as a message for the page; anything else is a real failure. */
function userError(err: unknown): Label {
  if (err instanceof DomainError) return err.label;
  throw err;
}

async function firstReadable(
  ctx: Context,
  actor: Actor | null,
  candidates: Distribution[],
): Promise<{ distribution: Distribution; preview: data.Preview } | 'locked' | null> {
  for (const distribution of candidates) {
    try {
      return {
        distribution,
        preview: await data.previewDistribution(ctx, dataReader(actor), distribution.id, {
          limit: PAGE_SIZE,
        }),
      };
    } catch (err) {
      if (refusedFor(err, 'conditional')) return 'locked';
      if (refusedFor(err, 'not_open')) return null;
      if (isNoData(err)) continue;
      throw err;
    }
  }
  return null;
}

async function topValues(
  ctx: Context,
  actor: Actor | null,
  distributionId: string,
  preview: data.Preview,
): Promise<Map<string, TopValue[]>> {
  const rows = preview.version.rowCount;
  // Only columns whose values repeat: for a column of unique values the top values say nothing.
  const columns = preview.columns
    .filter((c) => c.type !== 'number' && c.distinct > 0 && c.distinct < rows && c.distinct <= 10000)
    .slice(0, TOP_COLUMNS);
  const found = await Promise.all(
    columns.map((c) =>
      data
        .aggregate(ctx, dataReader(actor), distributionId, {
          groupBy: JSON.stringify([c.name]),
          metrics: 'count',
          sort: '-count',
          limit: TOP_VALUES,
        })
        .then((r) => r.rows.map((x) => ({ value: x[c.name]!, count: Number(x.count) })))
        // Top values are a garnish: a refused lookup (a busy pool) leaves the cell empty, not the page.
        .catch((err: unknown) => {
          if (err instanceof DomainError) return [];
          throw err;
        })
        .then((top) => [c.name, top] as const),
    ),
  );
  return new Map(found);
}

/** When nothing is chosen: counts by the first text column with few values, so there is a chart to see. */
function defaultChart(preview: data.Preview): DataState['chart'] | null {
  const x = preview.columns.find((c) => c.type === 'string' && c.distinct > 1 && c.distinct <= 30);
  return x ? { x: x.name, y: null, fn: 'count', group: null } : null;
}

async function chartData(
  ctx: Context,
  actor: Actor | null,
  distributionId: string,
  choice: DataState['chart'],
  where: { filters?: string; q?: string },
): Promise<ChartData> {
  const { x, group } = choice;
  const fn = choice.y || choice.fn === 'count' ? choice.fn : 'count';
  const y = fn === 'count' ? null : choice.y;
  const metric = y ? `${fn}:${y}` : 'count';
  const groupBy = group && group !== x ? [x!, group] : [x!];
  const r = await data.aggregate(ctx, dataReader(actor), distributionId, {
    groupBy: JSON.stringify(groupBy),
    metrics: JSON.stringify([metric]),
    ...where,
    limit: 5000,
  });
  const label = (v: data.Cell) => (v === null ? '—' : String(v));
  const labels: string[] = [];
  const names: string[] = [];
  const values = new Map<string, number | null>();
  for (const row of r.rows) {
    const l = label(row[x!]!);
    const g = groupBy.length > 1 ? label(row[groupBy[1]!]!) : '';
    if (!labels.includes(l)) labels.push(l);
    if (!names.includes(g)) names.push(g);
    const v = row[metric];
    values.set(`${l}\u0000${g}`, v === null || v === undefined ? null : Number(v));
  }
  const shownLabels = labels.slice(0, CHART_CATEGORIES);
  const shownNames = names.slice(0, CHART_SERIES);
  return {
    x: x!,
    y,
    fn,
    group: groupBy.length > 1 ? groupBy[1]! : null,
    labels: shownLabels,
    series: shownNames.map((name) => ({
      name,
      values: shownLabels.map((l) => values.get(`${l}\u0000${name}`) ?? null),
    })),
    truncated: r.truncated || labels.length > shownLabels.length || names.length > shownNames.length,
  };
}

export async function loadDataSection(
  ctx: Context,
  actor: Actor | null,
  distributions: Distribution[],
  state: DataState,
): Promise<DataSection> {
  const withData = distributions.filter((d) => d.ingestStatus !== 'none' || d.rowCount !== null);
  const chosen = withData.find((d) => d.id === state.dist);
  const ordered = chosen ? [chosen, ...withData.filter((d) => d !== chosen)] : withData;
  const found = await firstReadable(ctx, actor, ordered);
  if (found === 'locked') return { kind: 'locked', distributions };
  if (!found) return { kind: 'none' };
  const { distribution, preview } = found;
  const filters =
    state.filterColumn && state.filterValue !== null
      ? JSON.stringify({ [state.filterColumn]: state.filterValue })
      : undefined;
  const filtered = Boolean(filters || state.text || state.sort);
  let rows: OpenData['rows'] = { records: preview.rows, total: preview.version.rowCount, offset: 0 };
  let error: Label | null = null;
  if (filtered || state.page > 1) {
    try {
      const offset = Math.min((state.page - 1) * PAGE_SIZE, data.MAX_OFFSET);
      const page = await data.queryRows(ctx, dataReader(actor), distribution.id, {
        filters,
        q: state.text ?? undefined,
        sort: state.sort ? JSON.stringify([state.sort]) : undefined,
        limit: PAGE_SIZE,
        offset,
      });
      rows = { records: page.records, total: page.total, offset: page.offset };
    } catch (err) {
      error = userError(err);
      rows = { records: [], total: 0, offset: 0 };
    }
  }
  const choice = state.chart.x ? state.chart : defaultChart(preview);
  let chart: ChartData | null = null;
  let chartError: Label | null = null;
  const [top] = await Promise.all([
    topValues(ctx, actor, distribution.id, preview),
    choice
      ? chartData(ctx, actor, distribution.id, choice, { filters, q: state.text ?? undefined }).then(
          (c) => (chart = c),
          (err) => (chartError = userError(err)),
        )
      : null,
  ]);
  return {
    kind: 'open',
    choices: withData,
    distribution,
    preview,
    rows,
    filtered,
    error,
    top,
    chart,
    chartError,
    state,
  };
}
