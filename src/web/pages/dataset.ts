import {
  findTerm,
  formats,
  licences,
  openTiers,
  shareTiers,
  themes,
  type Dataset,
  type Distribution,
  type FormatTerm,
  type DataAccess,
  canApplyFor,
  listsDistributions,
  openToEveryone,
  tierSubject,
} from '../../core/index.ts';
import { html, safeUrl, type Html, type Renderable } from '../html.ts';
import { count, dataTable, frequencyText, notice, statusBadge, tierBadge } from '../components.ts';
import { formatBytes, formatDate, hasMessage, termLabel } from '../i18n/index.ts';
import { page } from '../layout.ts';
import { link, type View } from '../view.ts';
import { dataSection } from './dataset-data.ts';
import type { DataSection } from '../dataset-data.ts';

export interface DatasetPageData {
  dataset: Dataset;
  distributions: Distribution[];
  access: DataAccess;
  related: Dataset[];
  /** "People who used this also used". */
  alsoUsed: Dataset[];
  /** The viewer may edit it (its department): links to the console. */
  editable: boolean;
  /** Preview, profile, chart and downloads, or what an application gives (dataset-data.ts). */
  data?: DataSection;
}

const row = (label: string, value: Renderable): Html | '' =>
  value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length)
    ? ''
    : html`<div>
        <dt>${label}</dt>
        <dd>${value}</dd>
      </div>`;

function languageName(v: View, code: string): string {
  const key = `language.${code}`;
  return hasMessage(key) ? v.t(key) : code;
}

function licence(v: View, code: string | null): Html | string {
  if (!code) return v.t('dataset.licenceNone');
  const term = findTerm(licences, code);
  if (!term) return code;
  const url = safeUrl(term.uri as string | undefined);
  return url
    ? html`<a href="${url}" rel="license">${term.label[v.lang]}</a>`
    : html`<a href="/about#licences">${term.label[v.lang]}</a>`;
}

function metadata(v: View, d: Dataset): Html {
  const { t } = v;
  const contact = [d.contact.name, d.contact.phone].filter(Boolean).join(' · ');
  return html`<dl class="meta-list">
    ${row(t('dataset.code'), html`<code>${d.code}</code>`)}
    ${row(t('dataset.publisher'), html`<a href="/organisations/${encodeURIComponent(d.publisher.orgCode)}">${d.publisher.name}</a>`)}
    ${row(
      t('dataset.themes'),
      d.themes.map(
        (c, i) =>
          html`${i ? '、' : ''}<a href="/themes/${encodeURIComponent(c)}"
              >${termLabel(themes, c, v.lang)}</a
            >`,
      ),
    )}
    ${row(
      t('dataset.tags'),
      d.tags.length
        ? html`<ul class="tags">
            ${d.tags.map((tag) => html`<li><a href="${link('/datasets', { q: tag })}">${tag}</a></li>`)}
          </ul>`
        : '',
    )}
    ${row(t('dataset.openTier'), tierBadge(v, d.openTier))}
    ${row(t('dataset.openConditions'), d.openConditions)} ${row(t('dataset.notOpenReason'), d.notOpenReason)}
    ${row(t('dataset.notOpenLegalBasis'), d.notOpenLegalBasis)}
    ${row(t('dataset.shareTier'), termLabel(shareTiers, d.shareTier, v.lang))}
    ${row(t('dataset.shareConditions'), d.shareConditions)} ${row(t('dataset.shareMethod'), d.shareMethod)}
    ${row(t('dataset.notSharedReason'), d.notSharedReason)}
    ${row(t('dataset.notSharedLegalBasis'), d.notSharedLegalBasis)}
    ${row(t('dataset.updateFrequency'), frequencyText(v, d))}
    ${row(t('dataset.issued'), d.issued ? html`<time datetime="${d.issued}">${formatDate(d.issued, v.lang)}</time>` : t('dataset.notIssued'))}
    ${row(t('dataset.modified'), html`<time datetime="${d.modified}">${formatDate(d.modified, v.lang)}</time>`)}
    ${row(t('dataset.license'), licence(v, d.license))} ${row(t('dataset.spatial'), d.spatial)}
    ${row(t('dataset.temporal'), d.temporal && (d.temporal.start || d.temporal.end) ? `${d.temporal.start ?? '…'} — ${d.temporal.end ?? '…'}` : '')}
    ${row(t('dataset.language'), languageName(v, d.language))} ${row(t('dataset.scenario'), d.scenario)}
    ${row(t('dataset.source'), d.source)}
    ${row(t('dataset.version'), d.version ? `${d.version}（${t('dataset.versionNumber', { n: d.versionNumber })}）` : t('dataset.versionNumber', { n: d.versionNumber }))}
    ${row(
      t('dataset.relations'),
      d.relations.length
        ? html`<ul class="plain">
            ${d.relations.map((r) => html`<li><a href="/datasets/${encodeURIComponent(r)}">${r}</a></li>`)}
          </ul>`
        : '',
    )}
    ${row(t('dataset.contact'), contact || d.contact.email ? html`${contact}${d.contact.email ? html`${contact ? ' · ' : ''}<a href="mailto:${d.contact.email}">${d.contact.email}</a>` : ''}` : '')}
  </dl>`;
}

function fieldsTable(v: View, d: Dataset): Html {
  const { t } = v;
  if (!d.fields.length) return html`<p class="muted">${t('dataset.noFields')}</p>`;
  return dataTable({
    scroll: { labelledBy: 'fields-title' },
    columns: [
      { head: t('field.name'), cell: (f) => html`<code>${f.name}</code>` },
      {
        head: t('field.title'),
        cell: (f) =>
          html`${f.title ?? ''}${f.personal ? html` <span class="badge personal">${t('field.personal')}</span>` : ''}`,
      },
      { head: t('field.type'), cell: (f) => (f.type ? t(`fieldType.${f.type}`) : '') },
      { head: t('field.unit'), cell: (f) => f.unit ?? '' },
      { head: t('field.description'), cell: (f) => f.description ?? '' },
    ],
    rows: d.fields,
  });
}

function formatCell(v: View, code: string): Html {
  const term = findTerm(formats, code) as FormatTerm | undefined;
  if (!term) return html`${code}`;
  return html`<span class="format">${term.code}</span
    >${term.machineReadable ? html` <span class="flag" title="${v.t('format.machineReadable')}">${v.t('format.mr')}</span>` : ''}${term.nonProprietary ? html` <span class="flag" title="${v.t('format.nonProprietary')}">${v.t('format.open')}</span>` : ''}`;
}

function distributionsTable(v: View, data: DatasetPageData): Html {
  const { t } = v;
  const d = data.dataset;
  if (!listsDistributions(d, data.access)) return html`<p>${t('dataset.notOpenNoData')}</p>`;
  if (!data.distributions.length) return html`<p class="muted">${t('dataset.noDistributions')}</p>`;
  const granted = data.access.kind !== 'denied';
  return html`<div class="table-scroll" tabindex="0" role="region" aria-labelledby="dist-title">
    <table class="data-table">
      <thead>
        <tr>
          <th scope="col">${t('dist.title')}</th>
          <th scope="col">${t('dist.format')}</th>
          <th scope="col" class="num">${t('dist.size')}</th>
          <th scope="col" class="num">${t('dist.rows')}</th>
          <th scope="col">${t('dist.modified')}</th>
          <th scope="col">${t('dist.get')}</th>
        </tr>
      </thead>
      <tbody>
        ${data.distributions.map((x) => {
          const url = granted ? (safeUrl(x.downloadURL) ?? safeUrl(x.accessURL)) : null;
          const get = url
            ? html`<a href="${url}" rel="nofollow"
                >${x.downloadURL ? t('dist.download') : t('dist.access')}<span class="visually-hidden">
                  ${x.title}</span
                ></a
              >`
            : granted
              ? html`<span class="muted">${t('dist.noLink')}</span>`
              : html`<span class="muted">${t('dist.afterApproval')}</span>`;
          return html`<tr>
            <td>${x.title}${x.description ? html`<div class="muted small">${x.description}</div>` : ''}</td>
            <td>${formatCell(v, x.format)}</td>
            <td class="num">${formatBytes(x.byteSize, v.lang)}</td>
            <td class="num">${x.rowCount === null ? '' : count(v, x.rowCount)}</td>
            <td>${formatDate(x.modified, v.lang)}</td>
            <td>${get}</td>
          </tr>`;
        })}
      </tbody>
    </table>
  </div>`;
}

/** Ready-to-run calls of the public API for this dataset, in the three languages people use most. */
export function apiSnippets(v: View, d: Dataset): Html {
  const { t } = v;
  const api = `${v.baseUrl}/api/v1`;
  const ref = d.code;
  const needsToken = !openToEveryone(tierSubject(d));
  const curl = [
    `# ${t('api.comment.metadata')}`,
    `curl -s "${api}/datasets/${ref}"`,
    `# ${t('api.comment.distributions')}`,
    `curl -s "${api}/datasets/${ref}/distributions"`,
    ...(needsToken
      ? [
          `# ${t('api.comment.token')}`,
          `curl -s -H "Authorization: Bearer $KAIFANG_TOKEN" "${api}/datasets/${ref}/distributions"`,
        ]
      : []),
  ].join('\n');
  const python = [
    'import requests',
    '',
    `API = "${api}"`,
    ...(needsToken
      ? [`# ${t('api.comment.token')}`, 'headers = {"Authorization": "Bearer " + TOKEN}']
      : ['headers = {}']),
    `dataset = requests.get(f"{API}/datasets/${ref}", headers=headers, timeout=30).json()`,
    'print(dataset["title"], dataset["modified"])',
    `for dist in requests.get(f"{API}/datasets/${ref}/distributions", headers=headers, timeout=30).json()["items"]:`,
    '    print(dist["format"], dist.get("downloadURL"))',
  ].join('\n');
  const js = [
    `const api = '${api}';`,
    ...(needsToken
      ? [`// ${t('api.comment.token')}`, "const headers = { Authorization: 'Bearer ' + TOKEN };"]
      : ['const headers = {};']),
    `const dataset = await fetch(\`\${api}/datasets/${ref}\`, { headers }).then((r) => r.json());`,
    'console.log(dataset.title, dataset.modified);',
    `const { items } = await fetch(\`\${api}/datasets/${ref}/distributions\`, { headers }).then((r) => r.json());`,
    'for (const dist of items) console.log(dist.format, dist.downloadURL);',
  ].join('\n');
  const block = (id: string, name: string, code: string) =>
    html`<section class="snippet" id="${id}" data-tab="${name}">
      <h3>${name}</h3>
      <pre tabindex="0"><code>${code}</code></pre>
    </section>`;
  return html`<p>${t('api.intro')} <a href="/api/v1/openapi.json">${t('api.openapi')}</a></p>
    <div class="snippets" data-tabs>
      ${block('snippet-curl', 'curl', curl)} ${block('snippet-python', 'Python', python)}
      ${block('snippet-js', 'JavaScript', js)}
    </div>`;
}

function accessBox(v: View, data: DatasetPageData): Html {
  const { t } = v;
  const d = data.dataset;
  let body: Html;
  if (d.openTier === 'unconditional')
    body = html`<p>${t('dataset.access.open')}</p>
      ${data.distributions.length ? html`<p><a class="button primary" href="#dist-title">${t('dataset.access.getData')}</a></p>` : ''}`;
  else if (d.openTier === 'conditional')
    body = html`<p>${t('dataset.access.conditional')}</p>
      ${d.openConditions ? html`<p class="conditions"><strong>${t('dataset.openConditions')}：</strong>${d.openConditions}</p>` : ''}
      ${canApplyFor(tierSubject(d)) ? html`<p><a class="button primary" href="${link('/apply', { dataset: d.code })}">${t('dataset.access.apply')}</a></p>` : ''}`;
  else
    body = html`<p>${t('dataset.access.notOpen')}</p>
      ${d.notOpenReason ? html`<p class="conditions"><strong>${t('dataset.notOpenReason')}：</strong>${d.notOpenReason}</p>` : ''}
      ${d.notOpenLegalBasis ? html`<p class="conditions"><strong>${t('dataset.notOpenLegalBasis')}：</strong>${d.notOpenLegalBasis}</p>` : ''}`;
  return html`<section class="side-box access-box" aria-labelledby="access-title">
    <h2 id="access-title">${t('dataset.access.title')}</h2>
    <p>${tierBadge(v, d.openTier)}</p>
    ${body}
  </section>`;
}

/** A side box listing other datasets; none when there are none to show. */
function datasetLinks(v: View, id: string, title: string, list: Dataset[]): Html | '' {
  if (!list.length) return '';
  return html`<section class="side-box" aria-labelledby="${id}-title">
    <h2 id="${id}-title">${title}</h2>
    <ul class="plain related">
      ${list.map((r) => html`<li><a href="/datasets/${encodeURIComponent(r.slug)}">${r.title}</a> ${tierBadge(v, r.openTier)}</li>`)}
    </ul>
  </section>`;
}

export function datasetPage(v: View, data: DatasetPageData): Html {
  const { t } = v;
  const d = data.dataset;
  const openTier = termLabel(openTiers, d.openTier, v.lang);
  const body = html`<div class="wrap page-body">
    ${d.status !== 'published' ? notice('warning', html`${t('dataset.unpublishedNotice')} ${data.editable ? html`<a href="/console/datasets/${d.id}">${t('dataset.manage')}</a>` : ''}`, t(`status.${d.status}`)) : ''}
    <header class="dataset-head">
      <h1>${d.title}</h1>
      <p class="dataset-badges">
        ${tierBadge(v, d.openTier)} ${d.status !== 'published' ? statusBadge(v, d.status) : ''}
      </p>
      <p class="dataset-byline">
        <a href="/organisations/${encodeURIComponent(d.publisher.orgCode)}">${d.publisher.name}</a>
        <span>${t('dataset.updateFrequency')}：${frequencyText(v, d)}</span>
        <span
          >${t('dataset.modified')}：<time datetime="${d.modified}"
            >${formatDate(d.modified, v.lang)}</time
          ></span
        >
      </p>
    </header>
    <div class="dataset-layout">
      <div class="dataset-main">
        <section aria-labelledby="desc-title">
          <h2 id="desc-title">${t('dataset.description')}</h2>
          <p class="description">${d.description}</p>
        </section>
        <section aria-labelledby="dist-title">
          <h2 id="dist-title">${t('dataset.distributions')}</h2>
          ${distributionsTable(v, data)}
        </section>
        ${data.data ? dataSection(v, d, data.data) : ''}
        <section aria-labelledby="fields-title">
          <h2 id="fields-title">
            ${t('dataset.fields')}
            <span class="muted small">${t('dataset.fieldCount', { n: d.fields.length })}</span>
          </h2>
          ${fieldsTable(v, d)}
        </section>
        <section aria-labelledby="meta-title">
          <h2 id="meta-title">${t('dataset.metadata')}</h2>
          ${metadata(v, d)}
        </section>
        <section aria-labelledby="api-title">
          <h2 id="api-title">${t('dataset.api')}</h2>
          ${apiSnippets(v, d)}
        </section>
      </div>
      <aside class="dataset-side" aria-label="${t('dataset.sideLabel')}">
        ${accessBox(v, data)}
        <section class="side-box" aria-labelledby="download-meta-title">
          <h2 id="download-meta-title">${t('dataset.metadataDownload')}</h2>
          <ul class="plain">
            <li>
              <a href="/api/v1/datasets/${d.id}" type="application/json" download="${d.code}.json"
                >${t('dataset.metadataJson')}</a
              >
            </li>
          </ul>
        </section>
        ${datasetLinks(v, 'related', t('dataset.related'), data.related)}
        ${datasetLinks(v, 'also-used', t('dataset.alsoUsed'), data.alsoUsed)}
        ${
          data.editable
            ? html`<section class="side-box">
                <h2>${t('dataset.manageTitle')}</h2>
                <p><a class="button secondary" href="/console/datasets/${d.id}">${t('dataset.manage')}</a></p>
              </section>`
            : ''
        }
      </aside>
    </div>
  </div>`;
  return page(v, {
    title: d.title,
    body,
    section: 'datasets',
    charts: data.data?.kind === 'open',
    crumbs: [{ label: t('nav.datasets'), href: '/datasets' }, { label: d.title }],
    description: `${openTier} · ${d.publisher.name}`,
  });
}
