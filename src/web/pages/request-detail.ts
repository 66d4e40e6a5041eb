import {
  reportIntervals,
  type AccessRequest,
  type Dataset,
  type Grant,
  type RequestAction,
} from '../../core/index.ts';
import { html, type Html } from '../html.ts';
import { notice } from '../components.ts';
import { choiceGroup, errorSummary, input, select, textarea } from '../dataset-form.ts';
import type { MessageKey } from '../i18n/index.ts';
import { page } from '../layout.ts';
import type { View } from '../view.ts';
import { consolePage } from './console.ts';
import {
  fieldTitlesOf,
  grantScope,
  grantSummary,
  kindLabel,
  overdueBadge,
  requestStatusBadge,
  requestSummary,
  requestTitle,
  valueOf,
  errorsOf,
  many,
  type FormState,
} from './workflow-parts.ts';

export type { FormState };

export interface RequestPageData {
  request: AccessRequest;
  /** The request's datasets with their declared fields, in the request's order (null: no longer readable). */
  datasets: (Dataset | null)[];
  grant: Grant | null;
  /** Where this request's page lives (`/my/applications`, `/console/applications`, `/console/sharing`). */
  base: string;
  grantBase: string;
  shell: 'portal' | 'console';
  /** Steps this page offers (the portal offers the applicant's only). */
  offered: RequestAction[];
  state?: FormState;
  flash?: string;
  /** The 协商 thread of a sharing request (rendered by negotiation-panel.ts). */
  negotiation?: Html | '';
}

function formShell(
  v: View,
  o: { action: string; href: string; title: string; lead?: string; body: Html; submit: Html },
): Html {
  return html`<section
    class="form-section wf-action"
    aria-labelledby="${o.action}-title"
    id="${o.action}-form"
  >
    <h2 id="${o.action}-title">${o.title}</h2>
    ${o.lead ? html`<p class="hint">${o.lead}</p>` : ''}
    <form method="post" action="${o.href}" novalidate>
      <input type="hidden" name="_csrf" value="${v.csrf}" />
      ${o.body}
      <div class="form-actions">${o.submit}</div>
    </form>
  </section>`;
}

/** Approve with a scope: fields per dataset (those asked for ticked), an optional row condition, the expiry and the reports. */
function approveForm(v: View, d: RequestPageData): Html {
  const { t } = v;
  const r = d.request;
  const s = d.state;
  const errors = errorsOf(s, 'approve');
  const sent = s?.action === 'approve';
  const datasets = r.datasets.map((rd, i) => {
    const full = d.datasets[i];
    const declared = full?.fields ?? [];
    const asked = rd.fields ?? declared.map((f) => f.name);
    const chosen = sent ? many(s!.values[`ds[${i}][fields]`]) : asked;
    const options = declared.map((f) => ({
      value: f.name,
      label: f.title ? `${f.title}（${f.name}）` : f.name,
    }));
    const rowField = valueOf(s, 'approve', `ds[${i}][rowField]`, '');
    return html`<fieldset class="wf-dataset">
      <legend>${rd.title}</legend>
      <input type="hidden" name="ds[${i}][id]" value="${rd.id}" />
      ${
        declared.length
          ? html`<input type="hidden" name="ds[${i}][declared]" value="1" />
              ${choiceGroup(v, {
                id: `approve-ds-${i}-fields`,
                name: `ds[${i}][fields]`,
                type: 'checkbox',
                label: t('wf.approve.fields'),
                hint: t('wf.approve.fieldsHint'),
                errors,
                values: chosen,
                options,
                columns: true,
              })}
              <div class="form-row">
                ${select(v, {
                  id: `approve-ds-${i}-rowField`,
                  name: `ds[${i}][rowField]`,
                  label: t('wf.approve.rowField'),
                  errors,
                  value: rowField,
                  options: [{ value: '', label: t('wf.approve.allRows') }, ...options],
                })}
                ${input(v, {
                  id: `approve-ds-${i}-rowValues`,
                  name: `ds[${i}][rowValues]`,
                  label: t('wf.approve.rowValues'),
                  hint: t('wf.approve.rowValuesHint'),
                  errors,
                  value: valueOf(s, 'approve', `ds[${i}][rowValues]`, ''),
                  maxlength: 2000,
                })}
              </div>`
          : html`<p class="muted" id="approve-ds-${i}-fields">${t('wf.approve.noDeclaredFields')}</p>`
      }
    </fieldset>`;
  });
  const body = html`${datasets}
    <div class="form-row">
      ${input(v, {
        id: 'approve-expiresOn',
        name: 'expiresOn',
        type: 'date',
        label: t('wf.approve.expiresOn'),
        hint: t('wf.approve.expiresOnHint'),
        required: true,
        errors,
        value: valueOf(s, 'approve', 'expiresOn', r.period.end),
      })}
      ${select(v, {
        id: 'approve-reportEvery',
        name: 'reportEvery',
        label: t('wf.approve.reportEvery'),
        errors,
        value: valueOf(s, 'approve', 'reportEvery', ''),
        options: [
          { value: '', label: t('wf.approve.noReports') },
          ...reportIntervals.map((i) => ({ value: i, label: t(`wf.interval.${i}` as MessageKey) })),
        ],
      })}
    </div>
    ${textarea(v, {
      id: 'approve-reason',
      name: 'reason',
      label: t('wf.approve.note'),
      errors,
      value: valueOf(s, 'approve', 'reason', ''),
      maxlength: 2000,
    })}`;
  return formShell(v, {
    action: 'approve',
    href: `${d.base}/${r.id}/approve`,
    title: r.status === 'escalated' ? t('wf.approve.finalTitle') : t('wf.approve.title'),
    lead: r.status === 'escalated' ? t('wf.final.lead') : t('wf.approve.lead'),
    body,
    submit: html`<button type="submit" class="button primary">${t('wf.approve.submit')}</button>`,
  });
}

/** A step whose only input is a text (a reason, a question, an answer). */
function reasonForm(
  v: View,
  d: RequestPageData,
  action: 'reject' | 'return_for_info' | 'withdraw' | 'escalate',
): Html {
  const { t } = v;
  const s = d.state;
  const final = action === 'reject' && d.request.status === 'escalated';
  return formShell(v, {
    action,
    href: `${d.base}/${d.request.id}/${action}`,
    title: final ? t('wf.reject.finalTitle') : t(`wf.${action}.title` as MessageKey),
    lead: final ? t('wf.final.lead') : t(`wf.${action}.lead` as MessageKey),
    body: textarea(v, {
      id: `${action}-reason`,
      name: 'reason',
      label: t(`wf.${action}.reason` as MessageKey),
      required: action !== 'withdraw',
      errors: errorsOf(s, action),
      value: valueOf(s, action, 'reason', ''),
      maxlength: 2000,
    }),
    submit: html`<button
      type="submit"
      class="button ${action === 'reject' || action === 'withdraw' ? 'danger' : 'secondary'}"
    >
      ${t(`wf.${action}.submit` as MessageKey)}
    </button>`,
  });
}

/** The requester answers what the department asked and may amend the purpose, scenario and period. */
function resubmitForm(v: View, d: RequestPageData): Html {
  const { t } = v;
  const r = d.request;
  const s = d.state;
  const errors = errorsOf(s, 'resubmit');
  return formShell(v, {
    action: 'resubmit',
    href: `${d.base}/${r.id}/resubmit`,
    title: t('wf.resubmit.title'),
    lead: t('wf.resubmit.lead'),
    body: html`${textarea(v, {
      id: 'resubmit-response',
      name: 'response',
      label: t('wf.resubmit.response'),
      required: true,
      errors,
      value: valueOf(s, 'resubmit', 'response', ''),
      maxlength: 2000,
    })}
    ${textarea(v, { id: 'resubmit-purpose', name: 'purpose', label: t('wf.field.purpose'), errors, value: valueOf(s, 'resubmit', 'purpose', r.purpose), maxlength: 2000 })}
    ${textarea(v, { id: 'resubmit-scenario', name: 'scenario', label: t('wf.field.scenario'), errors, value: valueOf(s, 'resubmit', 'scenario', r.scenario), maxlength: 2000 })}
    ${input(v, { id: 'resubmit-periodEnd', name: 'periodEnd', type: 'date', label: t('wf.resubmit.periodEnd'), errors, value: valueOf(s, 'resubmit', 'periodEnd', r.period.end) })}`,
    submit: html`<button type="submit" class="button primary">${t('wf.resubmit.submit')}</button>`,
  });
}

function actionForms(v: View, d: RequestPageData): Html {
  const { t } = v;
  const steps = d.offered.filter((a) => d.request.actions.includes(a));
  const forms = steps.map((a) => {
    if (a === 'approve') return approveForm(v, d);
    if (a === 'resubmit') return resubmitForm(v, d);
    if (a === 'reject' || a === 'return_for_info' || a === 'withdraw' || a === 'escalate')
      return reasonForm(v, d, a);
    return '';
  });
  if (!forms.length) return html``;
  return html`<section class="panel" aria-labelledby="actions-title">
    <h2 id="actions-title">${t('wf.actions')}</h2>
    ${forms}
  </section>`;
}

function grantPanel(v: View, d: RequestPageData): Html | '' {
  const g = d.grant;
  if (!g) return '';
  const { t } = v;
  return html`<section class="panel" aria-labelledby="grant-title">
    <h2 id="grant-title">${t('wf.grant.title')}</h2>
    ${grantSummary(v, g)} ${grantScope(v, g, fieldTitlesOf(d.datasets))}
    <p><a class="button secondary" href="${d.grantBase}/${g.id}">${t('wf.grant.open')}</a></p>
  </section>`;
}

/** One request: what was asked, where it stands, its grant, and the steps the visitor may take now. */
export function requestPage(v: View, d: RequestPageData): Html {
  const { t } = v;
  const r = d.request;
  const title = `${kindLabel(v, r.kind)} · ${requestTitle(r)}`;
  const body = html`${d.state ? errorSummary(v, d.state.errors) : ''}
    <div class="console-head">
      <div>
        <p class="muted">${kindLabel(v, r.kind)}</p>
        <h1>${requestTitle(r)}</h1>
        <p>
          ${requestStatusBadge(v, r.status)} ${r.deadline.overdue ? overdueBadge(v) : ''}
          ${r.final ? html`<span class="badge wf-closed">${t('wf.field.final')}</span>` : ''}
        </p>
      </div>
    </div>
    ${d.flash ? notice('success', d.flash) : ''}
    ${r.status === 'returned_for_info' && r.infoRequest ? notice('warning', r.infoRequest, t('wf.returnedNotice')) : ''}
    <section class="panel" aria-labelledby="summary-title">
      <h2 id="summary-title">${t('wf.details')}</h2>
      ${requestSummary(v, r, fieldTitlesOf(d.datasets))}
    </section>
    ${grantPanel(v, d)} ${d.negotiation ?? ''} ${actionForms(v, d)}`;
  if (d.shell === 'console')
    return consolePage(v, {
      title,
      tab: r.kind === 'application' ? 'applications' : 'sharing',
      body,
      crumbs: [
        r.kind === 'application'
          ? { label: t('wf.nav.applications'), href: '/console/applications' }
          : { label: t('wf.nav.sharing'), href: '/console/sharing' },
        { label: requestTitle(r) },
      ],
    });
  return page(v, {
    title,
    body: html`<div class="wrap page-body">${body}</div>`,
    crumbs: [{ label: t('nav.myApplications'), href: '/my/applications' }, { label: requestTitle(r) }],
  });
}
