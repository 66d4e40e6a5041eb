import { daysText, provisionalBadge } from './calendar.ts';
import { shareTiers, type AccessRequest, type Dataset, type Grant, type Page } from '../../core/index.ts';
import type { OverdueByDepartment, Prefill } from '../../access/index.ts';
import { html, type Html } from '../html.ts';
import { chart } from '../charts.ts';
import { count, dataTable, emptyState, notice, pagination } from '../components.ts';
import { choiceGroup, errorSummary, input, textarea, type ErrorMap } from '../dataset-form.ts';
import { formatDate, termLabel, type MessageKey } from '../i18n/index.ts';
import { link, type View } from '../view.ts';
import { consolePage, type ConsoleTab } from './console.ts';
import {
  fieldsText,
  formatDay,
  grantStatusBadge,
  requestTable,
  requestTitle,
  rowsText,
  viewTabs,
} from './workflow-parts.ts';

/** Requests still waiting, most urgent first; how many there are beyond those shown. */
export interface PendingList {
  items: AccessRequest[];
  total: number;
}

export interface RequestListData {
  tab: Extract<ConsoleTab, 'applications' | 'sharing'>;
  title: string;
  lead: string;
  tabs: { href: string; label: string; current: boolean; count?: number }[];
  /** Either the pending list (by deadline) or a page of everything (newest first). */
  pending?: PendingList;
  list?: Page<AccessRequest>;
  hrefBase: string;
  requester: boolean;
  provider: boolean;
  before?: Html;
  flash?: string;
}

/** An inbox or outbox of requests: tabs, the overdue count, and the table. */
export function requestListPage(v: View, d: RequestListData): Html {
  const { t } = v;
  const items = d.pending?.items ?? d.list?.items ?? [];
  const overdue = items.filter((r) => r.deadline.overdue).length;
  const table = items.length
    ? requestTable(v, items, {
        href: (r) => `${d.hrefBase}/${r.id}`,
        caption: d.title,
        requester: d.requester,
        provider: d.provider,
      })
    : emptyState(t('wf.list.none'));
  const body = html`<div class="console-head">
      <h1>${d.title}</h1>
    </div>
    <p class="lead">${d.lead}</p>
    ${d.flash ? notice('success', d.flash) : ''} ${d.before ?? ''} ${viewTabs(t('wf.list.views'), d.tabs)}
    ${overdue ? notice('error', t('wf.list.overdue', { n: overdue })) : ''} ${table}
    ${d.pending && d.pending.total > d.pending.items.length ? html`<p class="muted small">${t('wf.list.truncated', { n: d.pending.items.length, total: d.pending.total })}</p>` : ''}
    ${d.list ? pagination(v, d.list.page, d.list.pageSize, d.list.total) : ''}`;
  return consolePage(v, { title: d.title, tab: d.tab, body });
}

// ---- sharing: choose a dataset, then ask ----------------------------------------------------

export function sharingChooserPage(
  v: View,
  d: { list: Page<Dataset>; q: string; ownOrgId: string | null },
): Html {
  const { t } = v;
  const table = dataTable({
    scroll: { labelledBy: 'sharing-choose-caption' },
    caption: { text: t('wf.sharing.chooseCaption', { n: d.list.total }), id: 'sharing-choose-caption' },
    columns: [
      {
        head: t('dataset.title'),
        cell: (x) =>
          html`<a href="/datasets/${encodeURIComponent(x.code)}">${x.title}</a>
            ${x.shareConditions ? html`<div class="muted small">${t('dataset.shareConditions')}：${x.shareConditions}</div>` : ''}`,
      },
      { head: t('dataset.publisher'), cell: (x) => x.publisher.name },
      { head: t('dataset.shareTier'), cell: (x) => termLabel(shareTiers, x.shareTier, v.lang) },
      {
        head: t('wf.sharing.action'),
        cell: (x) =>
          x.publisher.id === d.ownOrgId
            ? html`<span class="muted">${t('wf.sharing.own')}</span>`
            : html`<a class="button secondary" href="${link('/console/sharing/new', { dataset: x.code })}"
                >${t('wf.sharing.request')}<span class="visually-hidden"> ${x.title}</span></a
              >`,
      },
    ],
    rows: d.list.items,
  });
  const body = html`<h1>${t('wf.sharing.newTitle')}</h1>
    <p class="lead">${t('wf.sharing.chooseLead')}</p>
    <form method="get" action="/console/sharing/new" class="search-bar" role="search">
      <label for="sharing-q">${t('wf.sharing.search')}</label>
      <input id="sharing-q" type="search" name="q" value="${d.q}" maxlength="200" />
      <button type="submit" class="button secondary">${t('search.submit')}</button>
    </form>
    ${d.list.items.length ? table : emptyState(t('wf.list.none'))}
    ${pagination(v, d.list.page, d.list.pageSize, d.list.total)}`;
  return consolePage(v, {
    title: t('wf.sharing.newTitle'),
    tab: 'sharing',
    body,
    crumbs: [{ label: t('wf.nav.sharing'), href: '/console/sharing' }, { label: t('wf.sharing.newTitle') }],
  });
}

export interface SharingValues {
  purpose: string;
  scenario: string;
  periodStart: string;
  periodEnd: string;
  fields: string[];
  accepted: boolean;
}

/** The sharing request (共享申请), prefilled like the one-click application: the department, the fields, the commitment. */
export function sharingFormPage(
  v: View,
  d: {
    dataset: Dataset;
    prefill: Prefill;
    values: SharingValues;
    errors: ErrorMap;
    refused?: string;
    formError?: string;
  },
): Html {
  const { t } = v;
  const target = d.prefill.datasets[0];
  const e = d.errors;
  const crumbs = [
    { label: t('wf.nav.sharing'), href: '/console/sharing' },
    { label: t('wf.sharing.newTitle'), href: '/console/sharing/new' },
    { label: d.dataset.title },
  ];
  const head = html`<h1>${t('wf.sharing.newTitle')}</h1>
    <section class="side-box">
      <h2><a href="/datasets/${encodeURIComponent(d.dataset.code)}">${d.dataset.title}</a></h2>
      <p>${d.dataset.publisher.name} · ${termLabel(shareTiers, d.dataset.shareTier, v.lang)}</p>
      ${d.dataset.shareConditions ? html`<p><strong>${t('dataset.shareConditions')}：</strong>${d.dataset.shareConditions}</p>` : ''}
    </section>`;
  if (d.refused || !target)
    return consolePage(v, {
      title: t('wf.sharing.newTitle'),
      tab: 'sharing',
      body: html`${head} ${notice('warning', d.refused ?? t('error.404'))}`,
      crumbs,
    });
  const body = html`${errorSummary(v, e)} ${head} ${d.formError ? notice('error', d.formError) : ''}
    <p class="lead">
      ${t('wf.sharing.formLead', { days: daysText(v, d.prefill.deadlineDays, d.prefill.deadlineUnit), date: formatDay(d.prefill.dueDate, v.lang), org: d.prefill.applicant.organisation ?? '' })}
      ${d.prefill.dueProvisional ? provisionalBadge(v, d.prefill.dueDate) : ''}
    </p>
    <form
      method="post"
      action="${link('/console/sharing/new', { dataset: d.dataset.code })}"
      class="dataset-form"
      novalidate
    >
      <input type="hidden" name="_csrf" value="${v.csrf}" />
      <input type="hidden" name="commitmentVersion" value="${d.prefill.commitment.version}" />
      <section class="form-section">
        <h2>${t('apply.section.use')}</h2>
        ${textarea(v, { id: 'purpose', label: t('wf.field.purpose'), required: true, errors: e, value: d.values.purpose, maxlength: 2000, hint: t('wf.sharing.purposeHint') })}
        ${textarea(v, { id: 'scenario', label: t('wf.field.scenario'), required: true, errors: e, value: d.values.scenario, maxlength: 2000 })}
        <div class="form-row">
          ${input(v, { id: 'periodStart', label: t('apply.periodStart'), type: 'date', errors: e, value: d.values.periodStart })}
          ${input(v, { id: 'periodEnd', label: t('apply.periodEnd'), type: 'date', required: true, errors: e, value: d.values.periodEnd })}
        </div>
        ${
          target.fields.length
            ? choiceGroup(v, {
                id: 'fields',
                name: 'fields',
                type: 'checkbox',
                label: t('apply.fields'),
                hint: t('apply.hint.fields'),
                errors: e,
                values: d.values.fields,
                options: target.fields.map((f) => ({
                  value: f.name,
                  label: f.title ? `${f.title}（${f.name}）` : f.name,
                })),
                columns: true,
              })
            : ''
        }
      </section>
      <section class="form-section">
        <h2>${t('apply.section.commitment')}</h2>
        <div class="commitment" tabindex="0" role="region" aria-label="${t('apply.section.commitment')}">
          ${d.prefill.commitment.text[v.lang]}
        </div>
        ${choiceGroup(v, {
          id: 'accepted',
          name: 'accepted',
          type: 'checkbox',
          label: t('apply.section.commitment'),
          errors: e,
          values: d.values.accepted ? ['1'] : [],
          options: [{ value: '1', label: t('apply.accept', { version: d.prefill.commitment.version }) }],
        })}
      </section>
      <div class="form-actions">
        <button type="submit" class="button primary">${t('wf.sharing.submit')}</button>
        <a class="button secondary" href="/console/sharing">${t('form.cancel')}</a>
      </div>
    </form>`;
  return consolePage(v, { title: t('wf.sharing.newTitle'), tab: 'sharing', body, crumbs });
}

// ---- grants --------------------------------------------------------------------------------

export function grantsListPage(
  v: View,
  d: {
    list: Page<Grant>;
    tabs: { href: string; label: string; current: boolean }[];
    titles: Map<string, Map<string, string>>;
  },
): Html {
  const { t } = v;
  const body = html`<h1>${t('wf.grants.title')}</h1>
    <p class="lead">${t('wf.grants.lead')}</p>
    ${viewTabs(t('wf.list.views'), d.tabs)}
    ${
      d.list.items.length
        ? dataTable({
            scroll: { labelledBy: 'grants-caption' },
            caption: { text: t('wf.grants.title'), id: 'grants-caption', hidden: true },
            columns: [
              {
                head: t('wf.field.datasets'),
                cell: (g) => html`<a href="/console/grants/${g.id}">${requestTitle(g)}</a>`,
              },
              { head: t('wf.grant.grantee'), cell: (g) => g.grantee.name },
              { head: t('wf.field.provider'), cell: (g) => g.provider.name },
              {
                head: t('wf.scope.fields'),
                cell: (g) =>
                  g.datasets.map(
                    (x) =>
                      html`<div>
                        ${fieldsText(v, x.fields, d.titles.get(x.id))}
                        ${x.rows ? html`<div class="muted small">${rowsText(v, x.rows, d.titles.get(x.id))}</div>` : ''}
                      </div>`,
                  ),
              },
              { head: t('wf.field.status'), cell: (g) => grantStatusBadge(v, g.status) },
              { head: t('wf.grant.expires'), cell: (g) => formatDate(g.expiresAt, v.lang) },
            ],
            rows: d.list.items,
          })
        : emptyState(t('wf.list.none'))
    }
    ${pagination(v, d.list.page, d.list.pageSize, d.list.total)}`;
  return consolePage(v, { title: t('wf.grants.title'), tab: 'grants', body });
}

// ---- data authority: overdue items and escalations -----------------------------------------

const TYPE_KEY: Record<string, MessageKey> = {
  application: 'wf.kind.application',
  sharing: 'wf.kind.sharing',
  usage_report: 'wf.oversight.usageReport',
};

function overdueHref(type: string, id: string): string {
  if (type === 'application') return `/console/applications/${id}`;
  if (type === 'sharing') return `/console/sharing/${id}`;
  return `/console/grants/${id}`;
}

export function oversightPage(
  v: View,
  d: { departments: OverdueByDepartment[]; total: number; asOf: string; escalated: AccessRequest[] },
): Html {
  const { t } = v;
  const figure = d.departments.length
    ? chart(v, {
        title: t('wf.oversight.chart'),
        kind: 'bar',
        unit: t('wf.oversight.items'),
        // The table below gives the same numbers by type; this one stays folded.
        collapseTable: true,
        series: d.departments.map((x) => ({
          label: x.org.name,
          value: x.items.length,
          href: `#org-${x.org.id}`,
        })),
      })
    : '';
  const breakdown = d.departments.length
    ? dataTable({
        scroll: { labelledBy: 'overdue-caption' },
        caption: { text: t('wf.oversight.caption'), id: 'overdue-caption' },
        columns: [
          {
            head: t('authority.department'),
            rowHeader: true,
            cell: (x) => html`<a href="#org-${x.org.id}">${x.org.name}</a>`,
          },
          { head: t('wf.kind.application'), align: 'num', cell: (x) => count(v, x.applications) },
          { head: t('wf.kind.sharing'), align: 'num', cell: (x) => count(v, x.sharingRequests) },
          { head: t('wf.oversight.usageReport'), align: 'num', cell: (x) => count(v, x.usageReports) },
          {
            head: t('authority.total'),
            align: 'num',
            cell: (x) => html`<strong>${count(v, x.items.length)}</strong>`,
          },
        ],
        rows: d.departments,
      })
    : emptyState(t('wf.oversight.none'));
  const details = d.departments.map(
    (x) =>
      html`<section class="panel" aria-labelledby="org-${x.org.id}">
        <h3 id="org-${x.org.id}" tabindex="-1">${x.org.name}</h3>
        <ul class="plain wf-overdue-items">
          ${x.items.map(
            (i) =>
              html`<li>
                <a href="${overdueHref(i.type, i.id)}">${i.datasets.join('、') || i.id}</a>
                <span class="muted small"
                  >${t(TYPE_KEY[i.type] ?? 'wf.kind.application')} ·
                  ${t(`wf.oversight.stage.${i.stage}` as MessageKey)} ·
                  ${t('wf.oversight.due', { date: formatDay(i.dueDate, v.lang), n: i.overdueWorkingDays })}
                  ${i.provisional ? provisionalBadge(v, i.dueDate) : ''}</span
                >
              </li>`,
          )}
        </ul>
      </section>`,
  );
  const escalated = d.escalated.length
    ? requestTable(v, d.escalated, {
        href: (r) => `/console/sharing/${r.id}`,
        caption: t('wf.oversight.escalated'),
        requester: true,
        provider: true,
      })
    : emptyState(t('wf.oversight.noEscalated'));
  const body = html`<h1>${t('wf.oversight.title')}</h1>
    <p class="lead">${t('wf.oversight.lead', { n: d.total })}</p>
    <section class="panel" aria-labelledby="escalated-title">
      <h2 id="escalated-title">${t('wf.oversight.escalated')}</h2>
      <p class="hint">${t('wf.oversight.escalatedLead')}</p>
      ${escalated}
    </section>
    <section class="panel" aria-labelledby="overdue-title">
      <h2 id="overdue-title">${t('wf.oversight.overdue')}</h2>
      ${figure} ${breakdown} ${details}
    </section>`;
  return consolePage(v, { title: t('wf.oversight.title'), tab: 'oversight', body, charts: true });
}
