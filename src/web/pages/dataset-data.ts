import { DOWNLOAD_FORMATS, MAX_OFFSET, tableName, type Cell, type ColumnProfile } from '../../data/index.ts';
import type { DataField, Dataset, Distribution } from '../../core/index.ts';
import { html, jsonScript, type Html } from '../html.ts';
import { count, notice } from '../components.ts';
import type { MessageKey } from '../i18n/index.ts';
import { selfUrl, type View } from '../view.ts';
import {
  CHART_CATEGORIES,
  CHART_FUNCTIONS,
  PAGE_SIZE,
  type ChartData,
  type DataSection,
  type DataState,
  type OpenData,
} from '../dataset-data.ts';

/**
 * The dataset page's data section: preview table, field profile, chart builder, downloads and
 * API examples for data the viewer may read; for data open on conditions, only what an approved
 * application gives. Everything is a link or a GET form: it all works without JavaScript.
 */

const ANCHOR = '#data-title';

/** The declared field (数据项) a column comes from, matched by name or by title. */
function declared(d: Dataset, column: string): DataField | undefined {
  return d.fields.find((f) => f.name === column) ?? d.fields.find((f) => f.title === column);
}

function columnLabel(d: Dataset, column: string): Html {
  const f = declared(d, column);
  return f?.title && f.title !== column
    ? html`${f.title}<br /><code class="small">${column}</code>`
    : html`${column}`;
}

const plainLabel = (d: Dataset, column: string): string => {
  const f = declared(d, column);
  return f?.title && f.title !== column ? `${f.title}（${column}）` : column;
};

const cellText = (c: Cell | undefined): string => (c === null || c === undefined ? '' : String(c));

/** Query parameters of the section other than those a form sets, carried as hidden inputs. */
function hidden(state: DataState, skip: string[]): Html[] {
  const all: Record<string, string | null> = {
    dist: state.dist,
    dsort: state.sort,
    dfc: state.filterColumn,
    dfv: state.filterValue,
    dq: state.text,
    cx: state.chart.x,
    cy: state.chart.y,
    cf: state.chart.x ? state.chart.fn : null,
    cg: state.chart.group,
  };
  return Object.entries(all)
    .filter(([k, val]) => !skip.includes(k) && val !== null && val !== '')
    .map(([k, val]) => html`<input type="hidden" name="${k}" value="${val}" />`);
}

function options(
  names: string[],
  selected: string | null,
  label: (n: string) => string,
  none?: string,
): Html[] {
  return [
    ...(none !== undefined ? [html`<option value="">${none}</option>`] : []),
    ...names.map(
      (n) => html`<option value="${n}" ${n === selected ? html`selected` : ''}>${label(n)}</option>`,
    ),
  ];
}

function filterForm(v: View, d: Dataset, o: OpenData): Html {
  const { t } = v;
  const names = o.preview.columns.map((c) => c.name);
  return html`<form class="data-filter" method="get" action="${v.url.pathname}${ANCHOR}" role="search">
    ${hidden({ ...o.state, dist: o.distribution.id }, ['dfc', 'dfv', 'dq'])}
    <div class="field">
      <label for="dfc">${t('data.filterColumn')}</label>
      <select id="dfc" name="dfc">
        ${options(names, o.state.filterColumn, (n) => plainLabel(d, n), t('data.anyColumn'))}
      </select>
    </div>
    <div class="field">
      <label for="dfv">${t('data.filterValue')}</label>
      <input id="dfv" name="dfv" type="text" maxlength="200" value="${o.state.filterValue ?? ''}" />
    </div>
    <div class="field">
      <label for="dq">${t('data.filterText')}</label>
      <input id="dq" name="dq" type="search" maxlength="200" value="${o.state.text ?? ''}" />
    </div>
    <button type="submit" class="button secondary">${t('data.filterApply')}</button>
    ${
      o.filtered
        ? html`<a href="${selfUrl(v, { dfc: null, dfv: null, dq: null, dsort: null, dpage: null })}${ANCHOR}"
            >${t('data.filterClear')}</a
          >`
        : ''
    }
  </form>`;
}

function sortHeader(v: View, d: Dataset, o: OpenData, column: ColumnProfile): Html {
  const current = o.state.sort;
  const asc = current === column.name;
  const desc = current === `-${column.name}`;
  const next = asc ? `-${column.name}` : column.name;
  const name = plainLabel(d, column.name);
  const ariaSort = asc ? 'ascending' : desc ? 'descending' : 'none';
  return html`<th
    scope="col"
    aria-sort="${ariaSort}"
    class="${column.type === 'integer' || column.type === 'number' ? 'num' : ''}"
  >
    <a
      href="${selfUrl(v, { dist: o.distribution.id, dsort: next, dpage: null })}${ANCHOR}"
      title="${t2(v, asc ? 'data.sortDesc' : 'data.sortAsc', name)}"
      >${columnLabel(d, column.name)}${asc ? ' ▲' : desc ? ' ▼' : ''}</a
    >
  </th>`;
}

const t2 = (v: View, key: MessageKey, name: string) => v.t(key, { name });

function pager(v: View, o: OpenData): Html | '' {
  const { t } = v;
  const pages = Math.max(1, Math.ceil(o.rows.total / PAGE_SIZE));
  const page = Math.floor(o.rows.offset / PAGE_SIZE) + 1;
  if (pages <= 1) return '';
  const nextOffset = page * PAGE_SIZE;
  const hasNext = page < pages && nextOffset <= MAX_OFFSET;
  const to = (n: number) => `${selfUrl(v, { dist: o.distribution.id, dpage: n > 1 ? n : null })}${ANCHOR}`;
  return html`<nav class="pager" aria-label="${t('data.pager')}">
    ${page > 1 ? html`<a href="${to(page - 1)}" rel="prev">${t('data.prev')}</a>` : ''}
    <span>${t('data.pageOf', { page: count(v, page), pages: count(v, pages) })}</span>
    ${hasNext ? html`<a href="${to(page + 1)}" rel="next">${t('data.next')}</a>` : ''}
    ${page < pages && !hasNext ? html`<span class="muted small">${t('data.pageLimit')}</span>` : ''}
  </nav>`;
}

function previewTable(v: View, d: Dataset, o: OpenData): Html {
  const { t } = v;
  const columns = o.preview.columns;
  const body = o.error
    ? notice('error', t('data.queryError', { message: o.error[v.lang] }))
    : !o.rows.records.length
      ? html`<p>${t('data.noRows')}</p>`
      : html`<div class="table-scroll" tabindex="0" role="region" aria-labelledby="data-preview-title">
          <table class="data-table compact" id="data-preview-table">
            <thead>
              <tr>
                ${columns.map((c) => sortHeader(v, d, o, c))}
              </tr>
            </thead>
            <tbody>
              ${o.rows.records.map(
                (r) =>
                  html`<tr>
                    ${columns.map(
                      (c) =>
                        html`<td class="${c.type === 'integer' || c.type === 'number' ? 'num' : ''}">
                          ${cellText(r[c.name])}
                        </td>`,
                    )}
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>`;
  return html`<section aria-labelledby="data-preview-title" id="data-preview">
    <h3 id="data-preview-title">${t('data.preview')}</h3>
    ${filterForm(v, d, o)}
    ${o.filtered && !o.error ? html`<p class="muted" role="status">${t('data.matches', { n: count(v, o.rows.total) })}</p>` : ''}
    ${body} ${o.error ? '' : pager(v, o)}
  </section>`;
}

function percent(v: View, part: number, whole: number): string {
  if (!whole) return '';
  const p = (part / whole) * 100;
  return `${p === 0 || p === 100 ? p : p < 0.1 ? '<0.1' : p.toFixed(1)}%`;
}

function profileTable(v: View, d: Dataset, o: OpenData): Html {
  const { t } = v;
  const rows = o.preview.version.rowCount;
  return html`<section aria-labelledby="data-profile-title">
    <h3 id="data-profile-title">${t('data.profile')}</h3>
    <div class="table-scroll" tabindex="0" role="region" aria-labelledby="data-profile-title">
      <table class="data-table compact" id="data-profile-table">
        <thead>
          <tr>
            <th scope="col">${t('data.column')}</th>
            <th scope="col">${t('data.type')}</th>
            <th scope="col" class="num">${t('data.empty')}</th>
            <th scope="col" class="num">${t('data.distinct')}</th>
            <th scope="col">${t('data.min')}</th>
            <th scope="col">${t('data.max')}</th>
            <th scope="col">${t('data.top')}</th>
          </tr>
        </thead>
        <tbody>
          ${o.preview.columns.map((c) => {
            const top = o.top.get(c.name) ?? [];
            return html`<tr>
              <th scope="row">${columnLabel(d, c.name)}</th>
              <td>${t(`fieldType.${c.type}` as MessageKey)}</td>
              <td class="num">${percent(v, c.nulls, rows)}</td>
              <td class="num">
                ${c.distinctApproximate ? `${t('data.approx')} ` : ''}${count(v, c.distinct)}
              </td>
              <td>${cellText(c.min)}</td>
              <td>${cellText(c.max)}</td>
              <td>
                ${top.map(
                  (x, i) =>
                    html`${i ? '、' : ''}<span class="top-value">${cellText(x.value) || '—'}</span>
                      <span class="muted small">(${count(v, x.count)})</span>`,
                )}
              </td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>
  </section>`;
}

function chartForm(v: View, d: Dataset, o: OpenData, shown: ChartData | null): Html {
  const { t } = v;
  const names = o.preview.columns.map((c) => c.name);
  const numeric = o.preview.columns
    .filter((c) => c.type === 'integer' || c.type === 'number')
    .map((c) => c.name);
  const x = shown?.x ?? o.state.chart.x;
  return html`<form class="chart-builder" method="get" action="${v.url.pathname}#data-chart-title">
    ${hidden({ ...o.state, dist: o.distribution.id }, ['cx', 'cy', 'cf', 'cg'])}
    <div class="field">
      <label for="cx">${t('data.chartX')}</label>
      <select id="cx" name="cx">
        ${options(names, x, (n) => plainLabel(d, n))}
      </select>
    </div>
    <div class="field">
      <label for="cf">${t('data.chartFn')}</label>
      <select id="cf" name="cf">
        ${CHART_FUNCTIONS.map(
          (f) =>
            html`<option value="${f}" ${f === (shown?.fn ?? o.state.chart.fn) ? html`selected` : ''}>
              ${t(`data.fn.${f}` as MessageKey)}
            </option>`,
        )}
      </select>
    </div>
    <div class="field">
      <label for="cy">${t('data.chartY')}</label>
      <select id="cy" name="cy">
        ${options(numeric, shown?.y ?? o.state.chart.y, (n) => plainLabel(d, n), t('data.chartNone'))}
      </select>
    </div>
    <div class="field">
      <label for="cg">${t('data.chartGroup')}</label>
      <select id="cg" name="cg">
        ${options(names, shown?.group ?? o.state.chart.group, (n) => plainLabel(d, n), t('data.chartNone'))}
      </select>
    </div>
    <button type="submit" class="button secondary">${t('data.chartDraw')}</button>
  </form>`;
}

function chartFigure(v: View, d: Dataset, o: OpenData, c: ChartData): Html {
  const { t } = v;
  if (!c.labels.length) return html`<p>${t('data.chartNothing')}</p>`;
  const y = c.y ? `${t(`data.fn.${c.fn}` as MessageKey)}：${plainLabel(d, c.y)}` : t('data.fn.count');
  const title = t('data.chartTitle', {
    y,
    x: plainLabel(d, c.x),
    group: c.group ? t('data.chartByGroup', { g: plainLabel(d, c.group) }) : '',
  });
  const id = `data-chart-${o.distribution.id}`;
  const share = selfUrl(v, {
    dist: o.distribution.id,
    cx: c.x,
    cy: c.y,
    cf: c.fn,
    cg: c.group,
  });
  const grouped = c.group !== null;
  return html`<figure class="chart-figure">
      <figcaption>${title}</figcaption>
      <div class="chart" data-chart="${id}" aria-hidden="true"></div>
      ${jsonScript(id, {
        kind: 'bar',
        unit: y,
        labels: c.labels,
        values: c.series[0]?.values ?? [],
        series: grouped ? c.series : undefined,
        a11y: v.a11y,
      })}
      <details class="chart-table">
        <summary>${t('chart.showTable')}</summary>
        <table class="data-table compact" id="data-chart-table">
          <caption class="visually-hidden">
            ${title}
          </caption>
          <thead>
            <tr>
              <th scope="col">${plainLabel(d, c.x)}</th>
              ${c.series.map((s) => html`<th scope="col" class="num">${grouped ? s.name : y}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${c.labels.map(
              (l, i) =>
                html`<tr>
                  <th scope="row">${l}</th>
                  ${c.series.map((s) => html`<td class="num">${s.values[i] ?? ''}</td>`)}
                </tr>`,
            )}
          </tbody>
        </table>
      </details>
    </figure>
    ${c.truncated ? html`<p class="muted small">${t('data.chartTruncated', { n: CHART_CATEGORIES })}</p>` : ''}
    <p><a href="${share}#data-chart-title">${t('data.chartShare')}</a></p>`;
}

function chartSection(v: View, d: Dataset, o: OpenData): Html {
  const { t } = v;
  return html`<section aria-labelledby="data-chart-title">
    <h3 id="data-chart-title">${t('data.chart')}</h3>
    ${chartForm(v, d, o, o.chart)}
    ${
      o.chartError
        ? notice('error', t('data.queryError', { message: o.chartError[v.lang] }))
        : o.chart
          ? chartFigure(v, d, o, o.chart)
          : html`<p class="muted">${t('data.chartPrompt')}</p>`
    }
  </section>`;
}

/** The rows API's parameters for the filter and sort on screen. */
function rowsParams(o: OpenData, limit: number): URLSearchParams {
  const p = new URLSearchParams();
  if (o.state.filterColumn && o.state.filterValue !== null)
    p.set('filters', JSON.stringify({ [o.state.filterColumn]: o.state.filterValue }));
  if (o.state.text) p.set('q', o.state.text);
  if (o.state.sort) p.set('sort', JSON.stringify([o.state.sort]));
  p.set('limit', String(limit));
  return p;
}

function downloads(v: View, d: Dataset, o: OpenData): Html {
  const { t } = v;
  const base = `/api/v1/distributions/${o.distribution.id}`;
  return html`<section aria-labelledby="data-downloads-title">
    <h3 id="data-downloads-title">${t('data.downloads')}</h3>
    <ul class="plain downloads">
      ${DOWNLOAD_FORMATS.map(
        (f) =>
          html`<li>
            <a href="${base}/download?format=${f}" rel="nofollow" data-format="${f}"
              >${t(`data.download.${f}` as MessageKey)}</a
            >
          </li>`,
      )}
      ${
        o.filtered
          ? html`<li>
              <a href="${base}/rows?${rowsParams(o, 1000).toString()}" rel="nofollow" data-format="filtered"
                >${t('data.downloadFiltered')}</a
              >
            </li>`
          : ''
      }
    </ul>
  </section>`;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const sqlIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

function apiExamples(v: View, d: Dataset, o: OpenData): Html {
  const { t } = v;
  const api = `${v.baseUrl}/api/v1`;
  const base = `${api}/distributions/${o.distribution.id}`;
  // A signed-in viewer may be reading under a grant: the example carries a token then.
  const auth = v.actor ? ` -H "Authorization: Bearer $KAIFANG_TOKEN"` : '';
  const columns = o.preview.columns;
  const example = [...o.top.entries()].find(([, top]) => top.length && top[0]!.value !== null);
  const filter = example ? { [example[0]]: example[1][0]!.value } : null;
  const groupColumn = o.chart?.x ?? example?.[0] ?? columns[0]!.name;
  const rows = [
    `curl -sG${auth} "${base}/rows"`,
    ...(filter ? [`  --data-urlencode ${shellQuote(`filters=${JSON.stringify(filter)}`)}`] : []),
    `  --data-urlencode ${shellQuote(`sort=${JSON.stringify([`-${columns[0]!.name}`])}`)}`,
    `  --data-urlencode 'limit=20'`,
  ].join(' \\\n');
  const aggregate = [
    `curl -sG${auth} "${base}/aggregate"`,
    `  --data-urlencode ${shellQuote(`groupBy=${JSON.stringify([groupColumn])}`)}`,
    `  --data-urlencode 'metrics=count'`,
    `  --data-urlencode 'sort=-count'`,
  ].join(' \\\n');
  const sql = `SELECT ${sqlIdent(groupColumn)}, count(*) AS n FROM ${tableName(o.distribution.id)} GROUP BY 1 ORDER BY n DESC LIMIT 10`;
  const query = [
    `curl -s${auth} -X POST "${api}/query"`,
    `  -H 'content-type: application/json'`,
    `  -d ${shellQuote(JSON.stringify({ sql }))}`,
  ].join(' \\\n');
  const block = (title: string, code: string) =>
    html`<h4>${title}</h4>
      <pre tabindex="0"><code>${code}</code></pre>`;
  return html`<section aria-labelledby="data-api-title" class="snippet">
    <h3 id="data-api-title">${t('data.apiExamples')}</h3>
    ${block(t('data.api.rows'), rows)} ${block(t('data.api.aggregate'), aggregate)}
    ${block(t('data.api.sql'), query)}
  </section>`;
}

function picker(v: View, o: OpenData): Html | '' {
  if (o.choices.length < 2) return '';
  return html`<nav aria-label="${v.t('data.pickDistribution')}">
    <ul class="plain inline">
      ${o.choices.map((x) =>
        x.id === o.distribution.id
          ? html`<li><strong aria-current="true">${x.title}</strong></li>`
          : html`<li>
              <a
                href="${selfUrl(v, { dist: x.id, dpage: null, dsort: null, dfc: null, dfv: null, dq: null, cx: null, cy: null, cf: null, cg: null })}${ANCHOR}"
                >${x.title}</a
              >
            </li>`,
      )}
    </ul>
  </nav>`;
}

function lockedBox(v: View, distributions: Distribution[]): Html {
  const { t } = v;
  return html`<p>${t('data.locked.intro')}</p>
    <h3>${t('data.locked.title')}</h3>
    <ul>
      ${distributions
        .filter((x) => x.rowCount !== null)
        .map(
          (x) =>
            html`<li>
              ${t('data.locked.capacity', {
                title: x.title,
                rows: count(v, x.rowCount!),
                fields: x.fieldCount === null ? '?' : count(v, x.fieldCount),
              })}
            </li>`,
        )}
      <li>${t('data.locked.preview')}</li>
      <li>${t('data.locked.chart')}</li>
      <li>${t('data.locked.download')}</li>
      <li>${t('data.locked.api')}</li>
    </ul>
    <p class="muted">${t('data.locked.scope')}</p>`;
}

/** The section for the dataset page; nothing at all when there is no data to show or promise. */
export function dataSection(v: View, d: Dataset, s: DataSection): Html | '' {
  const { t } = v;
  if (s.kind === 'none') return '';
  const inner =
    s.kind === 'locked'
      ? lockedBox(v, s.distributions)
      : html`${picker(v, s)}
          <p class="data-capacity">
            <strong>${s.distribution.title}</strong> ·
            ${t('data.capacity', {
              rows: count(v, s.preview.version.rowCount),
              fields: count(v, s.preview.version.fieldCount),
            })}
            · <span class="muted">${t('data.version', { n: s.preview.version.number })}</span>
          </p>
          ${previewTable(v, d, s)} ${profileTable(v, d, s)} ${chartSection(v, d, s)} ${downloads(v, d, s)}
          ${apiExamples(v, d, s)}`;
  return html`<section aria-labelledby="data-title" class="dataset-data">
    <h2 id="data-title">${t('data.title')}</h2>
    ${inner}
  </section>`;
}
