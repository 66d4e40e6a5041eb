import {
  formats,
  licences,
  openTiers,
  shareTiers,
  updateFrequencies,
  type FormatTerm,
  type LicenceTerm,
  type OpenTier,
} from '../../core/index.ts';
import { html, safeUrl, type Html } from '../html.ts';
import { dataTable, tierBadge } from '../components.ts';
import { page } from '../layout.ts';
import { link, type View } from '../view.ts';

type TierCode = 'unconditional' | 'conditional' | 'not_open';
type ShareCode = 'unconditional' | 'conditional' | 'not_shared';

/** "About the data": tiers, licences, update frequencies and formats, straight from the vocabularies in core. */
export function aboutPage(v: View): Html {
  const { t } = v;
  const yes = t('about.yes');
  const no = t('about.no');
  const body = html`<div class="wrap page-body prose-page">
    <h1>${t('about.title')}</h1>
    <p class="lead">${t('about.lead')}</p>
    <nav class="toc" aria-label="${t('about.toc')}">
      <ul>
        <li><a href="#tiers">${t('about.tiers')}</a></li>
        <li><a href="#share">${t('about.share')}</a></li>
        <li><a href="#licences">${t('about.licences')}</a></li>
        <li><a href="#frequencies">${t('about.frequencies')}</a></li>
        <li><a href="#formats">${t('about.formats')}</a></li>
        <li><a href="#api">${t('about.api')}</a></li>
      </ul>
    </nav>

    <section id="tiers" aria-labelledby="tiers-h">
      <h2 id="tiers-h">${t('about.tiers')}</h2>
      <p>${t('about.tiersLead')}</p>
      <ul class="tier-explainer">
        ${openTiers.terms.map(
          (term) =>
            html`<li>
              ${tierBadge(v, term.code as OpenTier)}
              <p>${t(`about.tier.${term.code as TierCode}`)}</p>
              <p>
                <a href="${link('/datasets', { openTier: term.code })}"
                  >${t('about.browseTier', { tier: term.label[v.lang] })}</a
                >
              </p>
            </li>`,
        )}
      </ul>
    </section>

    <section id="share" aria-labelledby="share-h">
      <h2 id="share-h">${t('about.share')}</h2>
      <p>${t('about.shareLead')}</p>
      <dl class="meta-list">
        ${shareTiers.terms.map(
          (term) =>
            html`<div>
              <dt>${term.label[v.lang]}</dt>
              <dd>${t(`about.shareTier.${term.code as ShareCode}`)}</dd>
            </div>`,
        )}
      </dl>
    </section>

    <section id="licences" aria-labelledby="licences-h">
      <h2 id="licences-h">${t('about.licences')}</h2>
      <p>${t('about.licencesLead')}</p>
      ${dataTable({
        scroll: { labelledBy: 'licences-h' },
        columns: [
          {
            head: t('about.licence'),
            rowHeader: true,
            cell: (term) => {
              const url = safeUrl(term.uri);
              return html`${url ? html`<a href="${url}">${term.label[v.lang]}</a>` : term.label[v.lang]}${term.default ? html` <span class="badge">${t('about.default')}</span>` : ''}`;
            },
          },
          { head: t('about.licenceCode'), cell: (term) => html`<code>${term.spdx ?? term.code}</code>` },
          { head: t('about.licenceOpen'), cell: (term) => (term.open ? yes : no) },
        ],
        rows: licences.terms as LicenceTerm[],
      })}
      <p>${t('about.licenceRights')}</p>
    </section>

    <section id="frequencies" aria-labelledby="freq-h">
      <h2 id="freq-h">${t('about.frequencies')}</h2>
      <p>${t('about.frequenciesLead')}</p>
      <ul class="pill-list">
        ${updateFrequencies.terms.map((term) => html`<li><a href="${link('/datasets', { updateFrequency: term.code })}">${term.label[v.lang]}</a></li>`)}
      </ul>
    </section>

    <section id="formats" aria-labelledby="formats-h">
      <h2 id="formats-h">${t('about.formats')}</h2>
      <p>${t('about.formatsLead')}</p>
      ${dataTable({
        scroll: { labelledBy: 'formats-h' },
        variant: 'compact',
        columns: [
          { head: t('about.format'), rowHeader: true, cell: (term) => html`<code>${term.code}</code>` },
          { head: t('about.formatName'), cell: (term) => term.label[v.lang] },
          { head: t('format.machineReadable'), cell: (term) => (term.machineReadable ? yes : no) },
          { head: t('format.nonProprietary'), cell: (term) => (term.nonProprietary ? yes : no) },
        ],
        rows: formats.terms as FormatTerm[],
      })}
    </section>

    <section id="api" aria-labelledby="api-h">
      <h2 id="api-h">${t('about.api')}</h2>
      <p>${t('about.apiLead')} <a href="/api/v1/openapi.json">${t('api.openapi')}</a></p>
    </section>
  </div>`;
  return page(v, { title: t('about.title'), body, section: 'about', crumbs: [{ label: t('about.title') }] });
}
