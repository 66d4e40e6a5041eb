import type { Organisation } from '../../core/index.ts';
import { html, type Html } from '../html.ts';
import { count, excerpt } from '../components.ts';
import { page } from '../layout.ts';
import type { View } from '../view.ts';
import { listing, type ListingOptions, type ListingResult, type ListingState } from './search.ts';

/** An organisation's name in the page's language, falling back to its Chinese name. */
export const orgName = (v: View, o: Pick<Organisation, 'name' | 'nameEn'>): string =>
  v.lang === 'en' && o.nameEn ? o.nameEn : o.name;

export function organisationsPage(v: View, orgs: (Organisation & { datasetCount: number })[]): Html {
  const { t } = v;
  const sorted = [...orgs].sort(
    (a, b) => b.datasetCount - a.datasetCount || a.name.localeCompare(b.name, 'zh-CN'),
  );
  const body = html`<div class="wrap page-body">
    <h1>${t('orgs.title')}</h1>
    <p class="lead">${t('orgs.lead', { n: count(v, orgs.length) })}</p>
    <ul class="org-grid">
      ${sorted.map(
        (o) =>
          html`<li class="org-card">
            <h2><a href="/organisations/${encodeURIComponent(o.orgCode)}">${orgName(v, o)}</a></h2>
            ${o.description ? html`<p>${excerpt(o.description, 80)}</p>` : ''}
            <p class="org-count">${t('orgs.datasets', { n: count(v, o.datasetCount) })}</p>
          </li>`,
      )}
    </ul>
  </div>`;
  return page(v, {
    title: t('orgs.title'),
    body,
    section: 'organisations',
    crumbs: [{ label: t('orgs.title') }],
  });
}

export function organisationPage(
  v: View,
  org: Organisation,
  result: ListingResult,
  state: ListingState,
  o: ListingOptions,
): Html {
  const { t } = v;
  const name = orgName(v, org);
  const body = html`<div class="wrap page-body">
    <div class="org-head">
      <h1>${name}</h1>
      ${v.lang === 'en' && org.nameEn ? html`<p class="muted" lang="zh-CN">${org.name}</p>` : ''}
      ${org.description ? html`<p class="lead">${org.description}</p>` : ''}
      <dl class="inline-meta">
        <div>
          <dt>${t('orgs.code')}</dt>
          <dd>${org.orgCode}</dd>
        </div>
        <div>
          <dt>${t('orgs.region')}</dt>
          <dd>${org.regionCode}</dd>
        </div>
        <div>
          <dt>${t('orgs.level')}</dt>
          <dd>${t(`adminLevel.${org.adminLevel}`)}</dd>
        </div>
      </dl>
    </div>
    <h2 class="section-title">${t('orgs.catalogue')}</h2>
    ${listing(v, result, state, o)}
  </div>`;
  return page(v, {
    title: name,
    body,
    section: 'organisations',
    crumbs: [{ label: t('orgs.title'), href: '/organisations' }, { label: name }],
    hideHeaderSearch: true,
  });
}
