import {
  formats,
  openTiers,
  shareTiers,
  themes,
  updateFrequencies,
  type Dataset,
  type Page,
  type Vocabulary,
} from '../../core/index.ts';
import type { Facet } from '../../catalog/index.ts';
import { html, type Html, type Renderable } from '../html.ts';
import { chart } from '../charts.ts';
import { count, datasetCard, emptyState, pagination } from '../components.ts';
import { hasMessage, termLabel, type MessageKey } from '../i18n/index.ts';
import { selfUrl, type View } from '../view.ts';

/** Filters the listing understands; any further facet the catalogue returns is shown and passed through too. */
export const FILTER_KEYS = [
  'theme',
  'openTier',
  'updateFrequency',
  'org',
  'format',
  'region',
  'adminLevel',
  'shareTier',
] as const;
export const SORTS = ['relevance', 'modified', 'newest', 'downloads', 'views', 'title'] as const;
export type Sort = (typeof SORTS)[number];

export interface ListingResult extends Page<Dataset & { highlight?: { title?: string } }> {
  facets: Record<string, Facet[]>;
  /** A nearby query when this one found nothing (the search module's suggestion). */
  didYouMean?: string | null;
}

export interface ListingState {
  q: string;
  sort: Sort | '';
  page: number;
  filters: Record<string, string>;
}

export interface ListingOptions {
  /** Where the search form sends its query (the page itself). */
  action: string;
  /** Filters the page fixes (the theme of a theme page): not shown as facets, not removable. */
  fixed?: string[];
  orgNames: Map<string, string>;
  /** Adds a chart of the results by theme (search page). */
  stats?: boolean;
}

const VOCAB: Record<string, Vocabulary> = {
  theme: themes,
  openTier: openTiers,
  updateFrequency: updateFrequencies,
  format: formats,
  shareTier: shareTiers,
};

export function facetValueLabel(
  v: View,
  facet: string,
  value: string,
  orgNames: Map<string, string>,
): string {
  if (VOCAB[facet]) return termLabel(VOCAB[facet]!, value, v.lang);
  if (facet === 'org') return orgNames.get(value) ?? value;
  const key = `${facet}.${value}`;
  return hasMessage(key) ? v.t(key) : value;
}

export function facetLabel(v: View, facet: string): string {
  const key = `facet.${facet}`;
  return hasMessage(key) ? v.t(key as MessageKey) : facet;
}

/** Reads the listing's state from a query string; anything malformed falls back to the default. */
export function listingState(query: Record<string, unknown>): ListingState {
  const str = (k: string) => (typeof query[k] === 'string' ? (query[k] as string).trim() : '');
  const filters: Record<string, string> = {};
  for (const k of FILTER_KEYS) {
    const val = str(k);
    if (val && val.length <= 64) filters[k] = val;
  }
  const sort = str('sort');
  const page = Number(str('page'));
  return {
    q: str('q').slice(0, 200),
    sort: (SORTS as readonly string[]).includes(sort) ? (sort as Sort) : '',
    page: Number.isInteger(page) && page >= 1 && page <= 10000 ? page : 1,
    filters,
  };
}

function facetBlock(
  v: View,
  name: string,
  values: Facet[],
  state: ListingState,
  o: ListingOptions,
): Html | '' {
  if (!values.length) return '';
  const active = state.filters[name];
  const item = (f: Facet): Html => {
    const on = active === f.value;
    const href = selfUrl(v, { [name]: on ? null : f.value, page: null });
    return html`<li>
      <a href="${href}" class="${on ? 'on' : ''}" ${on ? html`aria-current="true"` : ''}>
        <span class="facet-name">${facetValueLabel(v, name, f.value, o.orgNames)}</span
        ><span class="facet-count">${count(v, f.count)}</span>
      </a>
    </li>`;
  };
  const head = values.slice(0, 8);
  const rest = values.slice(8);
  const headingId = `facet-${name}`;
  return html`<section class="facet" aria-labelledby="${headingId}">
    <h3 id="${headingId}">${facetLabel(v, name)}</h3>
    <ul>
      ${head.map(item)}
    </ul>
    ${
      rest.length
        ? html`<details ${rest.some((f) => f.value === active) ? html`open` : ''}>
            <summary>${v.t('facet.more', { n: rest.length })}</summary>
            <ul>
              ${rest.map(item)}
            </ul>
          </details>`
        : ''
    }
  </section>`;
}

function chips(v: View, state: ListingState, o: ListingOptions): Html | '' {
  const removable = Object.entries(state.filters).filter(([k]) => !o.fixed?.includes(k));
  if (!removable.length && !state.q) return '';
  const clear: Record<string, null> = { q: null, page: null };
  for (const [k] of removable) clear[k] = null;
  return html`<ul class="chips" aria-label="${v.t('search.activeFilters')}">
    ${
      state.q
        ? html`<li>
            <a href="${selfUrl(v, { q: null, page: null })}"
              >${v.t('search.keyword')}: ${state.q} <span aria-hidden="true">×</span
              ><span class="visually-hidden">${v.t('search.remove')}</span></a
            >
          </li>`
        : ''
    }
    ${removable.map(
      ([k, val]) =>
        html`<li>
          <a href="${selfUrl(v, { [k]: null, page: null })}"
            >${facetLabel(v, k)}: ${facetValueLabel(v, k, val, o.orgNames)} <span aria-hidden="true">×</span
            ><span class="visually-hidden">${v.t('search.remove')}</span></a
          >
        </li>`,
    )}
    <li class="clear"><a href="${selfUrl(v, clear)}">${v.t('search.clearAll')}</a></li>
  </ul>`;
}

function searchForm(v: View, state: ListingState, o: ListingOptions): Html {
  const { t } = v;
  const sorts: Sort[] = state.q ? [...SORTS] : SORTS.filter((x) => x !== 'relevance');
  const current = state.sort || (state.q ? 'relevance' : 'modified');
  const hidden = Object.entries(state.filters).map(
    ([k, val]) => html`<input type="hidden" name="${k}" value="${val}" />`,
  );
  return html`<form class="search-bar" method="get" action="${o.action}" role="search">
    <div class="search-field">
      <label for="q">${t('search.label')}</label>
      <div class="search-input">
        <input
          id="q"
          type="search"
          name="q"
          value="${state.q}"
          maxlength="200"
          placeholder="${t('search.placeholder')}"
        />
        <button type="submit" class="button primary">${t('search.submit')}</button>
      </div>
    </div>
    <div class="sort-field">
      <label for="sort">${t('search.sort')}</label>
      <select id="sort" name="sort" data-autosubmit>
        ${sorts.map((s) => html`<option value="${s}" ${s === current ? html`selected` : ''}>${t(`sort.${s}`)}</option>`)}
      </select>
      <button type="submit" class="button secondary js-hide">${t('search.apply')}</button>
    </div>
    ${hidden}
  </form>`;
}

/** Search results with facets and sorting; also the body of theme and organisation pages. */
export function listing(v: View, result: ListingResult, state: ListingState, o: ListingOptions): Html {
  const { t } = v;
  const order = [
    ...FILTER_KEYS,
    ...Object.keys(result.facets).filter((k) => !(FILTER_KEYS as readonly string[]).includes(k)),
  ];
  const facetBlocks: Renderable[] = order
    .filter((name) => !o.fixed?.includes(name) && Array.isArray(result.facets[name]))
    .map((name) => facetBlock(v, name, result.facets[name]!, state, o));
  const byTheme = (result.facets.theme ?? []).map((f) => ({
    label: termLabel(themes, f.value, v.lang),
    value: f.count,
    href: selfUrl(v, { theme: f.value, page: null }),
  }));
  return html` ${searchForm(v, state, o)}
    <div class="results-layout">
      <aside class="facets" aria-labelledby="facets-title">
        <h2 id="facets-title">${t('search.filters')}</h2>
        ${facetBlocks}
      </aside>
      <section class="results" aria-labelledby="results-title">
        <h2 id="results-title" class="results-count" aria-live="polite">
          ${t('search.count', { n: count(v, result.total) })}
        </h2>
        ${chips(v, state, o)}
        ${
          result.didYouMean
            ? html`<p class="did-you-mean">
                ${t('search.didYouMean')}
                <a href="${selfUrl(v, { q: result.didYouMean, page: null })}">${result.didYouMean}</a>
              </p>`
            : ''
        }
        ${
          o.stats && result.total > 0 && byTheme.length > 1
            ? html`<details class="result-stats">
                <summary>${t('search.stats')}</summary>
                ${chart(v, { title: t('search.statsTitle'), kind: 'bar', series: byTheme, unit: t('chart.datasets') })}
              </details>`
            : ''
        }
        ${
          result.items.length
            ? html`<div class="card-list">
                ${result.items.map((d) => datasetCard(v, d, { headingLevel: 3 }))}
              </div>`
            : emptyState(t('search.empty'))
        }
        ${pagination(v, result.page, result.pageSize, result.total)}
      </section>
    </div>`;
}
