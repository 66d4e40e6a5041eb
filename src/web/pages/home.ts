import { openTiers, themes, type Dataset, type OpenTier } from '../../core/index.ts';
import type { Facet } from '../../catalog/index.ts';
import { html, type Html } from '../html.ts';
import { chart } from '../charts.ts';
import { count, datasetCard, emptyState, tierBadge } from '../components.ts';
import { page } from '../layout.ts';
import { link, type View } from '../view.ts';
import { themeTiles } from './themes.ts';

export interface HomeData {
  total: number;
  organisations: number;
  themeCounts: Facet[];
  tierCounts: Facet[];
  newest: Dataset[];
  popular: Dataset[];
}

function figures(v: View, d: HomeData): Html {
  const { t } = v;
  const open = d.tierCounts.find((f) => f.value === 'unconditional')?.count ?? 0;
  const items: [string, string][] = [
    [count(v, d.total), t('home.figure.datasets')],
    [count(v, d.organisations), t('home.figure.organisations')],
    [`${d.themeCounts.length} / ${themes.terms.length}`, t('home.figure.themes')],
    [d.total ? `${Math.round((open / d.total) * 100)}%` : '0%', t('home.figure.openShare')],
  ];
  return html`<section class="figures" aria-labelledby="figures-title">
    <h2 id="figures-title" class="visually-hidden">${t('home.figures')}</h2>
    <ul class="figure-list">
      ${items.map(([n, label]) => html`<li><span class="figure-number">${n}</span><span class="figure-label">${label}</span></li>`)}
    </ul>
  </section>`;
}

function list(v: View, id: string, title: string, items: Dataset[], more: string): Html {
  return html`<section class="panel" aria-labelledby="${id}">
    <div class="panel-head">
      <h2 id="${id}">${title}</h2>
      <a href="${more}" class="more">${v.t('home.more')}</a>
    </div>
    ${items.length ? html`<div class="card-list">${items.map((d) => datasetCard(v, d))}</div>` : emptyState(v.t('search.empty'))}
  </section>`;
}

export function homePage(v: View, d: HomeData): Html {
  const { t } = v;
  const byTheme = themes.terms.map((term) => ({
    label: term.label[v.lang],
    value: d.themeCounts.find((f) => f.value === term.code)?.count ?? 0,
    href: `/themes/${term.code}`,
  }));
  const byTier = openTiers.terms.map((term) => ({
    label: term.label[v.lang],
    value: d.tierCounts.find((f) => f.value === term.code)?.count ?? 0,
    href: link('/datasets', { openTier: term.code }),
  }));
  const body = html` <section class="hero">
      <div class="wrap">
        <h1>${t('home.title')}</h1>
        <p class="hero-lead">${t('home.lead')}</p>
        <form class="hero-search" method="get" action="/datasets" role="search">
          <label for="q" class="visually-hidden">${t('search.label')}</label>
          <input id="q" type="search" name="q" maxlength="200" placeholder="${t('search.placeholder')}" />
          <button type="submit" class="button primary">${t('search.submit')}</button>
        </form>
        <p class="hero-hints">
          ${t('home.try')}
          ${t('home.examples')
            .split('|')
            .map((w) => html`<a href="${link('/datasets', { q: w })}">${w}</a>`)}
        </p>
      </div>
    </section>
    <div class="wrap">
      ${figures(v, d)}
      <section class="panel" aria-labelledby="themes-title">
        <div class="panel-head">
          <h2 id="themes-title">${t('home.themes')}</h2>
          <a class="more" href="/themes">${t('home.more')}</a>
        </div>
        ${themeTiles(v, d.themeCounts)}
      </section>
      <div class="two-col">
        ${list(v, 'newest-title', t('home.newest'), d.newest, link('/datasets', { sort: 'newest' }))}
        ${list(v, 'popular-title', t('home.popular'), d.popular, link('/datasets', { sort: 'downloads' }))}
      </div>
      <section class="panel" aria-labelledby="stats-title">
        <div class="panel-head"><h2 id="stats-title">${t('home.stats')}</h2></div>
        <div class="chart-grid">
          ${chart(v, { title: t('home.chart.themes'), kind: 'bar', series: byTheme, unit: t('chart.datasets'), collapseTable: true })}
          ${chart(v, { title: t('home.chart.tiers'), kind: 'pie', series: byTier, unit: t('chart.datasets') })}
        </div>
      </section>
      <section class="panel tiers-intro" aria-labelledby="tiers-title">
        <h2 id="tiers-title">${t('home.tiers')}</h2>
        <ul class="tier-explainer">
          ${openTiers.terms.map(
            (term) =>
              html`<li>
                ${tierBadge(v, term.code as OpenTier)}
                <p>${t(`about.tier.${term.code as 'unconditional' | 'conditional' | 'not_open'}`)}</p>
              </li>`,
          )}
        </ul>
        <p><a href="/about">${t('home.aboutLink')}</a></p>
      </section>
    </div>`;
  return page(v, {
    title: t('home.title'),
    body,
    section: 'home',
    charts: true,
    hideHeaderSearch: true,
    description: t('home.lead'),
  });
}
