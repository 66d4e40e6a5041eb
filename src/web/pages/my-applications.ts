import type { AccessRequest, Grant, Page } from '../../core/index.ts';
import { html, type Html } from '../html.ts';
import { emptyState, notice, pagination } from '../components.ts';
import { formatDate, formatDateTime } from '../i18n/index.ts';
import { page } from '../layout.ts';
import type { View } from '../view.ts';
import {
  deadlineText,
  grantScope,
  grantStatusBadge,
  overdueBadge,
  requestStatusBadge,
  requestTitle,
  type FieldTitles,
} from './workflow-parts.ts';

export interface MyApplicationsData {
  list: Page<AccessRequest>;
  /** The grant of each approved application, by request id. */
  grants: Map<string, Grant>;
  titles: FieldTitles;
  flash?: string;
}

function applicationCard(v: View, r: AccessRequest, grant: Grant | undefined, titles: FieldTitles): Html {
  const { t } = v;
  const href = `/my/applications/${r.id}`;
  const decided =
    r.decision && (r.status === 'approved' || r.status === 'rejected' || r.status === 'revoked');
  return html`<article class="dataset-card wf-card" aria-labelledby="app-${r.id}">
    <div class="card-head">
      <h2 class="card-title" id="app-${r.id}"><a href="${href}">${requestTitle(r)}</a></h2>
      <div class="card-badges">
        ${requestStatusBadge(v, r.status)} ${r.deadline.overdue ? overdueBadge(v) : ''}
      </div>
    </div>
    <dl class="inline-meta">
      <div>
        <dt>${t('wf.field.provider')}</dt>
        <dd>${r.provider.name}</dd>
      </div>
      <div>
        <dt>${t('wf.field.submitted')}</dt>
        <dd>${formatDate(r.deadline.submittedAt, v.lang)}</dd>
      </div>
      <div>
        <dt>${t('wf.field.deadline')}</dt>
        <dd>${deadlineText(v, r)}</dd>
      </div>
      ${
        decided
          ? html`<div>
              <dt>${t('wf.field.decision')}</dt>
              <dd>${formatDateTime(r.decision!.at, v.lang)}</dd>
            </div>`
          : ''
      }
    </dl>
    ${r.decision?.reason ? html`<p class="wf-reason"><strong>${t('wf.field.reason')}：</strong>${r.decision.reason}</p>` : ''}
    ${r.status === 'returned_for_info' && r.infoRequest ? notice('warning', html`${r.infoRequest} <a href="${href}#resubmit-form">${t('wf.my.answer')}</a>`, t('wf.returnedNotice')) : ''}
    ${
      grant
        ? html`<div class="wf-grant">
            <p>
              <strong>${t('wf.grant.title')}</strong> ${grantStatusBadge(v, grant.status)}
              ${t('wf.my.grantUntil', { date: formatDate(grant.expiresAt, v.lang) })}
            </p>
            ${grantScope(v, grant, titles)}
            <p><a class="button primary" href="/my/grants/${grant.id}">${t('wf.my.useGrant')}</a></p>
          </div>`
        : ''
    }
    <div class="button-row">
      <a class="button secondary" href="${href}">${t('wf.my.details')}</a>
      ${
        r.actions.includes('withdraw')
          ? html`<form method="post" action="${href}/withdraw" class="inline">
              <input type="hidden" name="_csrf" value="${v.csrf}" />
              <button type="submit" class="button danger">
                ${t('wf.withdraw.submit')}<span class="visually-hidden"> ${requestTitle(r)}</span>
              </button>
            </form>`
          : ''
      }
    </div>
  </article>`;
}

/** "My applications" (我的申请): every application of the signed-in user, newest first, with its answer and grant. */
export function myApplicationsPage(v: View, d: MyApplicationsData): Html {
  const { t } = v;
  const body = html`<div class="wrap page-body">
    <h1>${t('wf.my.title')}</h1>
    <p class="lead">${t('wf.my.lead')}</p>
    ${d.flash ? notice('success', d.flash) : ''}
    ${
      d.list.items.length
        ? html`<p class="results-count">${t('wf.my.count', { n: d.list.total })}</p>
            <div class="card-list">
              ${d.list.items.map((r) => applicationCard(v, r, d.grants.get(r.id), d.titles))}
            </div>
            ${pagination(v, d.list.page, d.list.pageSize, d.list.total)}`
        : emptyState(t('wf.my.none'), { href: '/datasets?openTier=conditional', label: t('wf.my.find') })
    }
  </div>`;
  return page(v, { title: t('wf.my.title'), body, crumbs: [{ label: t('wf.my.title') }] });
}
