import { daysText, provisionalBadge } from './calendar.ts';
import type {
  AccessRequest,
  Dataset,
  Distribution,
  Grant,
  GrantStatus,
  RequestKind,
  RequestStatus,
  RowCondition,
} from '../../core/index.ts';
import { html, type Html, type Renderable } from '../html.ts';
import type { ErrorMap } from '../dataset-form.ts';
import type { FormBody } from '../respond.ts';
import { formatDate, formatDateTime, type MessageKey } from '../i18n/index.ts';
import type { View } from '../view.ts';
import { dataTable } from '../components.ts';

/**
 * Pieces the workflow pages share: status badges, deadlines as dates, the scope of a grant in
 * words, and the summary of a request. Requests and grants arrive from `access` already shaped;
 * these only say them.
 */

/** A form the visitor sent that came back refused: which one, what was in it, and what to fix. */
export interface FormState {
  action: string;
  values: FormBody;
  errors: ErrorMap;
}

export const one = (v: string | string[] | undefined): string =>
  Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
export const many = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : []);

/** The value an input shows: what was sent when its form came back refused, else its default. */
export const valueOf = (s: FormState | undefined, action: string, name: string, fallback: string): string =>
  s && s.action === action ? one(s.values[name]) : fallback;

/** The errors of one form on a page of several. */
export const errorsOf = (s: FormState | undefined, action: string): ErrorMap =>
  s && s.action === action ? s.errors : new Map();

/** Field titles per dataset id (name → title), for scopes in words rather than column names. */
export type FieldTitles = Map<string, Map<string, string>>;

export function fieldTitlesOf(datasets: (Dataset | null)[]): FieldTitles {
  const out: FieldTitles = new Map();
  for (const d of datasets) if (d) out.set(d.id, new Map(d.fields.map((f) => [f.name, f.title || f.name])));
  return out;
}

/** A calendar day (`YYYY-MM-DD`, Asia/Shanghai) as the page's language writes dates. */
export const formatDay = (day: string | null | undefined, lang: View['lang']): string =>
  day ? formatDate(`${day}T12:00:00+08:00`, lang) : '';

const REQUEST_CLASS: Record<RequestStatus, string> = {
  submitted: 'wf-waiting',
  returned_for_info: 'wf-paused',
  escalated: 'wf-escalated',
  approved: 'wf-approved',
  rejected: 'wf-rejected',
  withdrawn: 'wf-closed',
  revoked: 'wf-closed',
  expired: 'wf-closed',
};

const GRANT_CLASS: Record<GrantStatus, string> = {
  active: 'wf-approved',
  suspended: 'wf-paused',
  revoked: 'wf-rejected',
  expired: 'wf-closed',
};

export const requestStatusBadge = (v: View, s: RequestStatus): Html =>
  html`<span class="badge ${REQUEST_CLASS[s]}">${v.t(`wf.status.${s}` as MessageKey)}</span>`;

export const grantStatusBadge = (v: View, s: GrantStatus): Html =>
  html`<span class="badge ${GRANT_CLASS[s]}">${v.t(`wf.grantStatus.${s}` as MessageKey)}</span>`;

export const overdueBadge = (v: View): Html =>
  html`<span class="badge wf-overdue">${v.t('wf.overdue')}</span>`;

export const kindLabel = (v: View, kind: RequestKind): string => v.t(`wf.kind.${kind}` as MessageKey);

/** The datasets a request names, as one line: what a person recognises a request by. */
export const requestTitle = (r: Pick<AccessRequest, 'datasets'>): string =>
  r.datasets.map((d) => d.title).join('、');

/** While someone must answer: the due day and its working days; paused: the days left; otherwise nothing. */
export function deadlineText(v: View, r: AccessRequest): Html {
  const d = r.deadline;
  if (d.paused)
    return html`<span
      >${v.t('wf.deadline.paused', { days: daysText(v, d.remainingDays ?? d.days, d.unit) })}</span
    >`;
  if (!d.dueDate || (r.status !== 'submitted' && r.status !== 'escalated'))
    return html`<span class="muted">—</span>`;
  return html`<time datetime="${d.dueDate}">${formatDay(d.dueDate, v.lang)}</time>
    ${d.provisional ? provisionalBadge(v, d.dueDate) : ''}
    <span class="muted small">${v.t('wf.deadline.days', { days: daysText(v, d.days, d.unit) })}</span>
    ${d.overdue ? overdueBadge(v) : ''}`;
}

export function fieldsText(v: View, names: string[] | null, titles: Map<string, string> | undefined): string {
  if (!names) return v.t('wf.scope.allFields');
  if (!names.length) return '—';
  return names.map((n) => titles?.get(n) ?? n).join('、');
}

export function rowsText(
  v: View,
  rows: RowCondition[] | null,
  titles: Map<string, string> | undefined,
): string {
  if (!rows?.length) return v.t('wf.scope.allRows');
  return rows
    .map((c) => {
      const field = titles?.get(c.field) ?? c.field;
      const values = Array.isArray(c.value) ? c.value : [c.value];
      return values.length > 1
        ? v.t('wf.scope.rowIn', { field, values: values.join('、') })
        : v.t('wf.scope.rowEq', { field, value: String(values[0] ?? '') });
    })
    .join('；');
}

const row = (label: string, value: Renderable): Html | '' =>
  value === null || value === undefined || value === ''
    ? ''
    : html`<div>
        <dt>${label}</dt>
        <dd>${value}</dd>
      </div>`;

/** Everything about a request a person deciding on it, or waiting for it, needs to read. */
export function requestSummary(v: View, r: AccessRequest, titles: FieldTitles): Html {
  const { t } = v;
  const a = r.applicant;
  const who =
    r.kind === 'sharing'
      ? html`${r.requester.orgName ?? ''} · ${r.requester.name}`
      : html`${a.name}${a.organisation ? html` · ${a.organisation}` : ''}`;
  const contact = [a.email, a.phone].filter(Boolean).join(' · ');
  return html`<dl class="meta-list wf-summary">
    ${row(t('wf.field.kind'), kindLabel(v, r.kind))}
    ${row(r.kind === 'sharing' ? t('wf.field.requesterOrg') : t('wf.field.applicant'), who)}
    ${row(t('wf.field.contact'), contact)} ${row(t('wf.field.provider'), r.provider.name)}
    ${row(
      t('wf.field.datasets'),
      html`<ul class="plain">
        ${r.datasets.map(
          (d) =>
            html`<li>
              <a href="/datasets/${encodeURIComponent(d.code)}">${d.title}</a>
              <div class="muted small">
                ${t('wf.field.fieldsAsked')}：${fieldsText(v, d.fields, titles.get(d.id))}
              </div>
            </li>`,
        )}
      </ul>`,
    )}
    ${row(t('wf.field.purpose'), r.purpose)} ${row(t('wf.field.scenario'), r.scenario)}
    ${row(
      t('wf.field.period'),
      `${r.period.start ? formatDay(r.period.start, v.lang) : t('wf.field.periodFromApproval')} — ${formatDay(r.period.end, v.lang)}`,
    )}
    ${row(t('wf.field.commitment'), t('wf.field.commitmentAccepted', { version: r.commitment.version, at: formatDateTime(r.commitment.acceptedAt, v.lang) }))}
    ${row(t('wf.field.submitted'), formatDateTime(r.deadline.submittedAt, v.lang))}
    ${row(t('wf.field.deadline'), deadlineText(v, r))} ${row(t('wf.field.infoRequest'), r.infoRequest)}
    ${row(t('wf.field.infoResponse'), r.infoResponse)}
    ${row(
      t('wf.field.escalation'),
      r.escalation
        ? html`${formatDateTime(r.escalation.at, v.lang)}${r.escalation.reason ? html` · ${r.escalation.reason}` : ''}`
        : '',
    )}
    ${row(
      t('wf.field.decision'),
      r.decision
        ? html`${formatDateTime(r.decision.at, v.lang)}${r.final ? html` · <strong>${t('wf.field.final')}</strong>` : ''}`
        : '',
    )}
    ${row(t('wf.field.reason'), r.decision?.reason)}
  </dl>`;
}

/** A grant in a few lines: status, for whom, from whom, until when, and the reports it asks for. */
export function grantSummary(v: View, g: Grant): Html {
  const { t } = v;
  return html`<dl class="meta-list wf-summary">
    ${row(t('wf.field.status'), grantStatusBadge(v, g.status))} ${row(t('wf.grant.grantee'), g.grantee.name)}
    ${row(t('wf.field.provider'), g.provider.name)}
    ${row(t('wf.grant.issued'), formatDate(g.issuedAt, v.lang))}
    ${row(t('wf.grant.expires'), html`<time datetime="${g.expiresAt}">${formatDate(g.expiresAt, v.lang)}</time>`)}
    ${row(
      t('wf.grant.reports'),
      g.reportEvery
        ? html`${t(`wf.interval.${g.reportEvery}` as MessageKey)}${g.nextReportDue ? html` · ${t('wf.grant.nextReport', { date: formatDay(g.nextReportDue, v.lang) })}` : ''}`
        : t('wf.grant.noReports'),
    )}
    ${row(
      t('wf.grant.statusReason'),
      g.statusReason
        ? html`${g.statusReason}${g.statusChangedAt ? html` <span class="muted small">(${formatDateTime(g.statusChangedAt, v.lang)})</span>` : ''}`
        : '',
    )}
  </dl>`;
}

/**
 * What a grant allows, per dataset: the fields, the rows, and — for its holder while it is
 * active — the downloads, which the data plane serves narrowed to exactly this scope.
 */
export function grantScope(
  v: View,
  g: Grant,
  titles: FieldTitles,
  downloads: Map<string, Distribution[]> | null = null,
): Html {
  const { t } = v;
  return dataTable({
    scroll: { label: t('wf.grant.scope') },
    variant: 'wf-scope',
    caption: { text: t('wf.grant.scope'), hidden: true },
    columns: [
      {
        head: t('wf.field.dataset'),
        rowHeader: true,
        cell: (d) => html`<a href="/datasets/${encodeURIComponent(d.code)}">${d.title}</a>`,
      },
      { head: t('wf.scope.fields'), cell: (d) => fieldsText(v, d.fields, titles.get(d.id)) },
      { head: t('wf.scope.rows'), cell: (d) => rowsText(v, d.rows, titles.get(d.id)) },
      downloads && {
        head: t('wf.scope.get'),
        cell: (d) => {
          const files = downloads.get(d.id) ?? [];
          return files.length
            ? html`<ul class="plain">
                ${files.map(
                  (f) =>
                    html`<li>
                      <a
                        href="/api/v1/distributions/${f.id}/download?format=csv"
                        rel="nofollow"
                        class="wf-download"
                        >${t('wf.scope.downloadCsv')}<span class="visually-hidden"> ${f.title}</span></a
                      >
                      <span class="muted small">${f.title}</span>
                    </li>`,
                )}
              </ul>`
            : html`<span class="muted">${t('wf.scope.noFiles')}</span>`;
        },
      },
    ],
    rows: g.datasets,
  });
}

/** Requests as a table; `href` says where each opens (the portal for applicants, the console for departments). */
export function requestTable(
  v: View,
  items: AccessRequest[],
  o: { href: (r: AccessRequest) => string; caption: string; requester?: boolean; provider?: boolean },
): Html {
  const { t } = v;
  return dataTable({
    scroll: { label: o.caption },
    variant: 'wf-requests',
    caption: { text: o.caption, hidden: true },
    rowClass: (r) => (r.deadline.overdue ? 'wf-row-overdue' : ''),
    columns: [
      { head: t('wf.field.datasets'), cell: (r) => html`<a href="${o.href(r)}">${requestTitle(r)}</a>` },
      o.requester && {
        head: t('wf.field.requester'),
        cell: (r) => (r.kind === 'sharing' ? (r.requester.orgName ?? r.requester.name) : r.applicant.name),
      },
      o.provider && { head: t('wf.field.provider'), cell: (r) => r.provider.name },
      { head: t('wf.field.status'), cell: (r) => requestStatusBadge(v, r.status) },
      { head: t('wf.field.submitted'), cell: (r) => formatDate(r.deadline.submittedAt, v.lang) },
      { head: t('wf.field.deadline'), cell: (r) => deadlineText(v, r) },
    ],
    rows: items,
  });
}

/** Tabs as plain links (they work without JavaScript); the current one is marked for assistive technology. */
export function viewTabs(
  label: string,
  tabs: { href: string; label: string; current: boolean; count?: number }[],
): Html {
  return html`<nav class="wf-tabs" aria-label="${label}">
    <ul>
      ${tabs.map(
        (tab) =>
          html`<li>
            <a href="${tab.href}" ${tab.current ? html`aria-current="page"` : ''}
              >${tab.label}${tab.count !== undefined ? html` <span class="wf-tab-count">(${tab.count})</span>` : ''}</a
            >
          </li>`,
      )}
    </ul>
  </nav>`;
}
