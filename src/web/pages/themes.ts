import { themes, type ThemeTerm } from '../../core/index.ts';
import type { Facet } from '../../catalog/index.ts';
import { html, type Html } from '../html.ts';
import { count } from '../components.ts';
import { page } from '../layout.ts';
import type { View } from '../view.ts';
import { listing, type ListingOptions, type ListingResult, type ListingState } from './search.ts';

/** The 16 theme classes in the report's order, each with its count; empty themes stay visible but quiet. */
export function themeTiles(v: View, counts: Facet[]): Html {
  return html`<ul class="theme-grid">
    ${themes.terms.map((term, i) => {
      const n = counts.find((f) => f.value === term.code)?.count ?? 0;
      return html`<li>
        <a href="/themes/${term.code}" class="theme-tile ${n ? '' : 'empty'}">
          <span class="theme-icon theme-c${i % 8}" aria-hidden="true">${term.label[v.lang].slice(0, 1)}</span>
          <span class="theme-name">${term.label[v.lang]}</span>
          <span class="theme-count">${v.t('theme.count', { n: count(v, n) })}</span>
        </a>
      </li>`;
    })}
  </ul>`;
}

export function themesPage(v: View, counts: Facet[]): Html {
  const { t } = v;
  const body = html`<div class="wrap page-body">
    <h1>${t('themes.title')}</h1>
    <p class="lead">${t('themes.lead', { n: themes.terms.length })}</p>
    ${themeTiles(v, counts)}
  </div>`;
  return page(v, {
    title: t('themes.title'),
    body,
    section: 'themes',
    crumbs: [{ label: t('themes.title') }],
  });
}

export function themePage(
  v: View,
  term: ThemeTerm,
  result: ListingResult,
  state: ListingState,
  o: ListingOptions,
): Html {
  const { t } = v;
  const name = term.label[v.lang];
  const body = html`<div class="wrap page-body">
    <h1>${name}</h1>
    <p class="lead">${t('theme.lead', { theme: name, n: count(v, result.total) })}</p>
    ${listing(v, result, state, o)}
  </div>`;
  return page(v, {
    title: name,
    body,
    section: 'themes',
    crumbs: [{ label: t('themes.title'), href: '/themes' }, { label: name }],
    charts: false,
    hideHeaderSearch: true,
  });
}
