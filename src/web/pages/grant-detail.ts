import type { Dataset, Distribution, Grant, GrantAction, Page, UsageReport } from '../../core/index.ts';
import type { IssuedToken } from '../../identity/index.ts';
import type { DataUseEntry } from '../../access/index.ts';
import { html, type Html } from '../html.ts';
import { dataTable, emptyState, notice } from '../components.ts';
import { errorSummary, input, textarea } from '../dataset-form.ts';
import { formatDateTime, hasMessage, type MessageKey } from '../i18n/index.ts';
import { page } from '../layout.ts';
import type { View } from '../view.ts';
import { consolePage } from './console.ts';
import {
  fieldTitlesOf,
  formatDay,
  grantScope,
  grantStatusBadge,
  grantSummary,
  requestTitle,
  valueOf,
  errorsOf,
  type FormState,
} from './workflow-parts.ts';

export interface GrantPageData {
  grant: Grant;
  datasets: (Dataset | null)[];
  /** The files of each granted dataset, for its holder while the grant is active; null hides the column. */
  downloads: Map<string, Distribution[]> | null;
  reports: UsageReport[];
  uses: Page<DataUseEntry> | null;
  base: string;
  shell: 'portal' | 'console';
  /** The visitor holds the grant: tokens and reports are theirs to make. */
  grantee: boolean;
  /** The visitor may suspend, reinstate or revoke it (the providing department, the authority). */
  manager: boolean;
  requestHref: string | null;
  today: string;
  /** A token just created: its secret is shown on this one response and never again. */
  token?: IssuedToken;
  state?: FormState;
  flash?: string;
}

function section(id: string, title: string, body: Html): Html {
  return html`<section class="form-section wf-action" aria-labelledby="${id}-title" id="${id}-form">
    <h2 id="${id}-title">${title}</h2>
    ${body}
  </section>`;
}

function tokenBlock(v: View, d: GrantPageData): Html {
  const { t } = v;
  const s = d.state;
  const shown = d.token
    ? html`<div class="notice notice-success wf-token-box" role="status">
        <p class="notice-title">${t('wf.token.created', { name: d.token.name })}</p>
        <p><code class="wf-token" id="new-token">${d.token.token}</code></p>
        <p>${t('wf.token.once')}</p>
        <p class="muted small">
          ${t('wf.token.expires', { date: formatDateTime(d.token.expiresAt, v.lang) })}
        </p>
      </div>`
    : '';
  // The call a program makes with the token: the first file's download, else the dataset's files.
  const file = [...(d.downloads?.values() ?? [])].flat()[0];
  const url = file
    ? `${v.baseUrl}/api/v1/distributions/${file.id}/download?format=csv`
    : `${v.baseUrl}/api/v1/datasets/${d.grant.datasets[0]?.code ?? ''}/distributions`;
  const example = html`<pre
    tabindex="0"
  ><code>curl -H "Authorization: Bearer $KAIFANG_TOKEN" "${url}"</code></pre>`;
  return section(
    'token',
    t('wf.token.title'),
    html`<p class="hint">${t('wf.token.lead')}</p>
      ${shown}
      <form method="post" action="${d.base}/${d.grant.id}/tokens" novalidate>
        <input type="hidden" name="_csrf" value="${v.csrf}" />
        ${input(v, {
          id: 'token-name',
          name: 'name',
          label: t('wf.token.name'),
          hint: t('wf.token.nameHint'),
          required: true,
          errors: errorsOf(s, 'tokens'),
          value: valueOf(s, 'tokens', 'name', ''),
          maxlength: 100,
        })}
        <div class="form-actions">
          <button type="submit" class="button primary">${t('wf.token.submit')}</button>
        </div>
      </form>
      ${example}`,
  );
}

function reportsBlock(v: View, d: GrantPageData): Html {
  const { t } = v;
  const g = d.grant;
  const s = d.state;
  const errors = errorsOf(s, 'reports');
  const list = d.reports.length
    ? dataTable({
        scroll: { label: t('wf.report.list') },
        caption: { text: t('wf.report.list'), hidden: true },
        columns: [
          {
            head: t('wf.report.period'),
            cell: (r) => html`${formatDay(r.periodStart, v.lang)} — ${formatDay(r.periodEnd, v.lang)}`,
          },
          { head: t('wf.report.usage'), cell: (r) => r.usage },
          { head: t('wf.report.results'), cell: (r) => r.results },
          { head: t('wf.report.submitted'), cell: (r) => formatDateTime(r.submittedAt, v.lang) },
        ],
        rows: d.reports,
      })
    : html`<p class="muted">${t('wf.report.none')}</p>`;
  const lastEnd = d.reports[0]?.periodEnd ?? null;
  const form =
    d.grantee && g.reportEvery && (g.status === 'active' || g.status === 'suspended')
      ? html`<form method="post" action="${d.base}/${g.id}/reports" novalidate>
          <input type="hidden" name="_csrf" value="${v.csrf}" />
          <h3>${t('wf.report.file')}</h3>
          <div class="form-row">
            ${input(v, { id: 'report-periodStart', name: 'periodStart', type: 'date', label: t('wf.report.periodStart'), required: true, errors, value: valueOf(s, 'reports', 'periodStart', lastEnd ?? g.issuedAt.slice(0, 10)) })}
            ${input(v, { id: 'report-periodEnd', name: 'periodEnd', type: 'date', label: t('wf.report.periodEnd'), required: true, errors, value: valueOf(s, 'reports', 'periodEnd', d.today) })}
          </div>
          ${textarea(v, { id: 'report-usage', name: 'usage', label: t('wf.report.usage'), hint: t('wf.report.usageHint'), required: true, errors, value: valueOf(s, 'reports', 'usage', ''), maxlength: 5000, rows: 4 })}
          ${textarea(v, { id: 'report-results', name: 'results', label: t('wf.report.results'), hint: t('wf.report.resultsHint'), required: true, errors, value: valueOf(s, 'reports', 'results', ''), maxlength: 5000, rows: 4 })}
          <div class="form-actions">
            <button type="submit" class="button primary">${t('wf.report.submit')}</button>
          </div>
        </form>`
      : '';
  return section(
    'reports',
    t('wf.report.title'),
    html`${g.reportEvery ? html`<p class="hint">${t('wf.report.lead', { interval: t(`wf.interval.${g.reportEvery}` as MessageKey) })}</p>` : ''}
    ${list} ${form}`,
  );
}

const MANAGE: Record<Grant['status'], Exclude<GrantAction, 'expire'>[]> = {
  active: ['suspend', 'revoke'],
  suspended: ['reinstate', 'revoke'],
  revoked: [],
  expired: [],
};

function manageBlock(v: View, d: GrantPageData): Html | '' {
  const { t } = v;
  const steps = MANAGE[d.grant.status];
  if (!steps.length) return '';
  return html`<section class="panel" aria-labelledby="manage-title">
    <h2 id="manage-title">${t('wf.actions')}</h2>
    ${steps.map((a) =>
      section(
        a,
        t(`wf.grant.${a}.title` as MessageKey),
        html`<p class="hint">${t(`wf.grant.${a}.lead` as MessageKey)}</p>
          <form method="post" action="${d.base}/${d.grant.id}/${a}" novalidate>
            <input type="hidden" name="_csrf" value="${v.csrf}" />
            ${textarea(v, {
              id: `${a}-reason`,
              name: 'reason',
              label: t('wf.grant.reason'),
              required: true,
              errors: errorsOf(d.state, a),
              value: valueOf(d.state, a, 'reason', ''),
              maxlength: 2000,
            })}
            <div class="form-actions">
              <button type="submit" class="button ${a === 'reinstate' ? 'primary' : 'danger'}">
                ${t(`wf.grant.${a}.submit` as MessageKey)}
              </button>
            </div>
          </form>`,
      ),
    )}
  </section>`;
}

function usesBlock(v: View, uses: Page<DataUseEntry>): Html {
  const { t } = v;
  return html`<section class="panel" aria-labelledby="uses-title">
    <h2 id="uses-title">${t('wf.uses.title')} <span class="muted small">(${uses.total})</span></h2>
    ${
      uses.items.length
        ? dataTable({
            scroll: { labelledBy: 'uses-title' },
            variant: 'compact',
            columns: [
              { head: t('wf.uses.at'), cell: (u) => formatDateTime(u.at, v.lang) },
              {
                head: t('wf.uses.action'),
                cell: (u) =>
                  hasMessage(`wf.uses.kind.${u.action}`)
                    ? t(`wf.uses.kind.${u.action}` as MessageKey)
                    : u.action,
              },
            ],
            rows: uses.items,
          })
        : emptyState(t('wf.uses.none'))
    }
  </section>`;
}

/** One grant: its scope and status; for its holder, downloads, tokens and reports; for its department, suspension and revocation. */
export function grantPage(v: View, d: GrantPageData): Html {
  const { t } = v;
  const g = d.grant;
  const name = requestTitle(g);
  const title = `${t('wf.grant.title')} · ${name}`;
  const live = g.status === 'active';
  const body = html`${d.state ? errorSummary(v, d.state.errors) : ''}
    <div class="console-head">
      <div>
        <p class="muted">${t('wf.grant.title')}</p>
        <h1>${name}</h1>
        <p>${grantStatusBadge(v, g.status)}</p>
      </div>
    </div>
    ${d.flash ? notice('success', d.flash) : ''}
    ${g.orderedByAuthority ? notice('info', t('wf.grant.ordered')) : ''}
    ${!live && d.grantee ? notice('warning', t(`wf.grant.inactive.${g.status}` as MessageKey)) : ''}
    <section class="panel" aria-labelledby="grant-summary-title">
      <h2 id="grant-summary-title">${t('wf.grant.scope')}</h2>
      ${grantSummary(v, g)} ${grantScope(v, g, fieldTitlesOf(d.datasets), d.downloads)}
      ${d.requestHref ? html`<p><a href="${d.requestHref}">${t('wf.grant.request')}</a></p>` : ''}
    </section>
    ${d.grantee && live ? tokenBlock(v, d) : ''} ${d.grantee || d.reports.length ? reportsBlock(v, d) : ''}
    ${d.manager ? manageBlock(v, d) : ''} ${d.uses ? usesBlock(v, d.uses) : ''}`;
  if (d.shell === 'console')
    return consolePage(v, {
      title,
      tab: 'grants',
      body,
      crumbs: [{ label: t('wf.nav.grants'), href: '/console/grants' }, { label: name }],
    });
  return page(v, {
    title,
    body: html`<div class="wrap page-body">${body}</div>`,
    crumbs: [{ label: t('nav.myApplications'), href: '/my/applications' }, { label: name }],
  });
}
