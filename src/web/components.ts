import {
  escapeHtml,
  findTerm,
  openTiers,
  themes,
  updateFrequencies,
  type Dataset,
  type DatasetStatus,
  type OpenTier,
} from '../core/index.ts';
import { html, trusted, type Html, type Renderable } from './html.ts';
import { formatDate, formatNumber, termLabel, type MessageKey } from './i18n/index.ts';
import { link, selfUrl, type View } from './view.ts';

const TIER_CLASS: Record<OpenTier, string> = {
  unconditional: 'tier-open',
  conditional: 'tier-conditional',
  not_open: 'tier-closed',
};

export function tierBadge(v: View, tier: OpenTier): Html {
  return html`<span class="badge ${TIER_CLASS[tier]}">${termLabel(openTiers, tier, v.lang)}</span>`;
}

export function statusBadge(v: View, status: DatasetStatus): Html {
  return html`<span class="badge status status-${status}">${v.t(`status.${status}` as MessageKey)}</span>`;
}

/** "每年（部门原文：每年年底）": the vocabulary term, and the department's own words when they differ. */
export function frequencyText(v: View, d: Pick<Dataset, 'updateFrequency' | 'updateFrequencyText'>): Html {
  const label = termLabel(updateFrequencies, d.updateFrequency, v.lang);
  const term = findTerm(updateFrequencies, d.updateFrequency);
  // A department that wrote the vocabulary's own label said nothing more than the label.
  const own =
    d.updateFrequencyText &&
    d.updateFrequencyText !== term?.label.zh &&
    d.updateFrequencyText !== term?.label.en
      ? d.updateFrequencyText
      : null;
  return own
    ? html`${label} <span class="muted">${v.t('dataset.frequencyOriginal', { text: own })}</span>`
    : html`${label}`;
}

export const excerpt = (text: string, max = 140): string =>
  text.length > max ? `${text.slice(0, max).trimEnd()}…` : text;

/**
 * Search highlights arrive as HTML the search module escaped (`<mark>` only); this is the one
 * field rendered as markup, everything else as text.
 */
type Highlighted = Dataset & { highlight?: { title?: string; description?: string } };

/** One dataset in a list: title, tier, publisher, themes, frequency, dates. */
export function datasetCard(
  v: View,
  d: Highlighted,
  opts: { headingLevel?: 2 | 3; showStatus?: boolean; href?: string } = {},
): Html {
  const { t } = v;
  const title = d.highlight?.title ? trusted(d.highlight.title) : d.title;
  const href = opts.href ?? `/datasets/${encodeURIComponent(d.slug)}`;
  const heading =
    opts.headingLevel === 2
      ? html`<h2 class="card-title"><a href="${href}">${title}</a></h2>`
      : html`<h3 class="card-title"><a href="${href}">${title}</a></h3>`;
  return html`<article class="dataset-card">
    <div class="card-head">
      ${heading}
      <div class="card-badges">
        ${opts.showStatus ? statusBadge(v, d.status) : ''}${tierBadge(v, d.openTier)}
      </div>
    </div>
    <p class="card-desc">${excerpt(d.description)}</p>
    <dl class="card-meta">
      <div>
        <dt>${t('dataset.publisher')}</dt>
        <dd><a href="/organisations/${encodeURIComponent(d.publisher.orgCode)}">${d.publisher.name}</a></dd>
      </div>
      <div>
        <dt>${t('dataset.themes')}</dt>
        <dd>
          ${d.themes.map((c, i) => html`${i ? '、' : ''}<a href="/themes/${encodeURIComponent(c)}">${termLabel(themes, c, v.lang)}</a>`)}
        </dd>
      </div>
      <div>
        <dt>${t('dataset.updateFrequency')}</dt>
        <dd>${termLabel(updateFrequencies, d.updateFrequency, v.lang)}</dd>
      </div>
      <div>
        <dt>${t('dataset.modified')}</dt>
        <dd><time datetime="${d.modified}">${formatDate(d.modified, v.lang)}</time></dd>
      </div>
    </dl>
  </article>`;
}

export function pagination(v: View, page: number, pageSize: number, total: number): Html | '' {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return '';
  const around = new Set(
    [1, pages, page - 2, page - 1, page, page + 1, page + 2].filter((p) => p >= 1 && p <= pages),
  );
  const list = [...around].sort((a, b) => a - b);
  const items: Html[] = [];
  let last = 0;
  for (const p of list) {
    if (p - last > 1) items.push(html`<li class="gap" aria-hidden="true">…</li>`);
    items.push(
      p === page
        ? html`<li>
            <a
              href="${selfUrl(v, { page: p })}"
              aria-current="page"
              aria-label="${v.t('pager.page', { n: p })}"
              >${p}</a
            >
          </li>`
        : html`<li>
            <a href="${selfUrl(v, { page: p === 1 ? null : p })}" aria-label="${v.t('pager.page', { n: p })}"
              >${p}</a
            >
          </li>`,
    );
    last = p;
  }
  return html`<nav class="pager" aria-label="${v.t('pager.label')}">
    <ul>
      ${page > 1 ? html`<li><a href="${selfUrl(v, { page: page - 1 === 1 ? null : page - 1 })}" rel="prev">${v.t('pager.prev')}</a></li>` : ''}
      ${items}
      ${page < pages ? html`<li><a href="${selfUrl(v, { page: page + 1 })}" rel="next">${v.t('pager.next')}</a></li>` : ''}
    </ul>
  </nav>`;
}

export const count = (v: View, n: number): string => formatNumber(n, v.lang);

/** A short notice block; `kind` picks the colour and the ARIA role. */
export function notice(
  kind: 'info' | 'success' | 'warning' | 'error',
  body: Html | string,
  title?: string,
): Html {
  const role = kind === 'error' ? 'alert' : 'status';
  return html`<div class="notice notice-${kind}" role="${role}">
    ${title ? html`<p class="notice-title">${title}</p>` : ''}
    <div>${body}</div>
  </div>`;
}

export function emptyState(text: string, action?: { href: string; label: string }): Html {
  return html`<div class="empty">
    <p>${text}</p>
    ${action ? html`<p><a class="button" href="${action.href}">${action.label}</a></p>` : ''}
  </div>`;
}

export { link };

/** One column of a `dataTable`: its header, and what each row shows in it. */
export interface Column<R> {
  head: Renderable;
  cell: (row: R, index: number) => Renderable;
  /** `num` right-aligns figures, `center` a checkbox; on the header and on every cell. */
  align?: 'num' | 'center';
  /** The column that names the row: its cells are row headers (`<th scope="row">`). */
  rowHeader?: boolean;
  /** Neighbouring columns with the same group share a header above their own (`scope="colgroup"`). */
  group?: string;
}

export interface TableOptions<R> {
  /** A column left out for this page (false, null) is not rendered at all. */
  columns: readonly (Column<R> | false | null | undefined)[];
  rows: readonly R[];
  /** Classes beside `data-table`: `compact`, `diff`, `form-table`, … */
  variant?: string;
  caption?: { text: Renderable; id?: string; hidden?: boolean };
  /**
   * Wide tables scroll inside a region. A region that keyboard users can reach (tabindex) needs a
   * name: the id of the caption or heading that labels it, or a label of its own.
   */
  scroll?: true | { labelledBy: string } | { label: string };
  rowClass?: (row: R) => string;
  /** Rows after the body, drawn by the same columns: totals (`<tfoot>`). */
  footRows?: readonly R[];
}

/**
 * Every table of the site: data tables with scoped headers, an optional caption, and a scrolling
 * region for narrow screens, written once so that each keeps the same accessible structure.
 */
export function dataTable<R>(o: TableOptions<R>): Html {
  const columns = o.columns.filter((c): c is Column<R> => !!c);
  const caption = o.caption
    ? html`<caption${o.caption.id ? html` id="${o.caption.id}"` : ''}${o.caption.hidden ? html` class="visually-hidden"` : ''}>
        ${o.caption.text}
      </caption>`
    : '';
  const rows = (list: readonly R[]) =>
    list.map(
      (row, i) =>
        html`<tr${o.rowClass ? html` class="${o.rowClass(row)}"` : ''}>
          ${columns.map((c) =>
            c.rowHeader
              ? cell('th', c.cell(row, i), { scope: 'row', class: c.align })
              : cell('td', c.cell(row, i), { class: c.align }),
          )}
        </tr>`,
    );
  const table = html`<table class="data-table${o.variant ? ` ${o.variant}` : ''}">
    ${caption}
    <thead>
      ${headRows(columns)}
    </thead>
    <tbody>
      ${rows(o.rows)}
    </tbody>
    ${
      o.footRows
        ? html`<tfoot>
            ${rows(o.footRows)}
          </tfoot>`
        : ''
    }
  </table>`;
  if (!o.scroll) return table;
  if (o.scroll === true) return html`<div class="table-scroll">${table}</div>`;
  const name =
    'labelledBy' in o.scroll
      ? html`aria-labelledby="${o.scroll.labelledBy}"`
      : html`aria-label="${o.scroll.label}"`;
  return html`<div class="table-scroll" tabindex="0" role="region" ${name}>${table}</div>`;
}

/** One header row, or two when columns are grouped: group headers above, the others spanning both. */
function headRows<R>(columns: Column<R>[]): Html {
  if (!columns.some((c) => c.group)) {
    return html`<tr>
      ${columns.map((c) => cell('th', c.head, { scope: 'col', class: c.align }))}
    </tr>`;
  }
  const top: Html[] = [];
  for (let i = 0; i < columns.length;) {
    const c = columns[i]!;
    let span = 1;
    while (c.group && columns[i + span]?.group === c.group) span++;
    top.push(
      c.group
        ? cell('th', c.group, { scope: 'colgroup', colspan: span })
        : cell('th', c.head, { scope: 'col', rowspan: 2, class: c.align }),
    );
    i += span;
  }
  return html`<tr>
      ${top}
    </tr>
    <tr>
      ${columns.filter((c) => c.group).map((c) => cell('th', c.head, { scope: 'col', class: c.align }))}
    </tr>`;
}

/** A header or data cell with its attributes, written out in one piece (no stray spaces). */
function cell(
  tag: 'th' | 'td',
  content: Renderable,
  attrs: Record<string, string | number | undefined>,
): Html {
  const list = Object.entries(attrs)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ` ${name}="${escapeHtml(String(value))}"`)
    .join('');
  return html`${trusted(`<${tag}${list}>`)}${content}${trusted(`</${tag}>`)}`;
}
