import type { Page, RevocationNotice } from '../../core/index.ts';
import type { Notification } from '../../identity/index.ts';
import { html, type Html } from '../html.ts';
import { dataTable, emptyState, pagination } from '../components.ts';
import { formatDate, formatDateTime } from '../i18n/index.ts';
import { page } from '../layout.ts';
import type { View } from '../view.ts';

/** The in-app inbox: newest first, unread ones marked; each links to what it is about. */
export function notificationsPage(
  v: View,
  d: { list: Page<Notification> & { unread: number }; hrefOf: (n: Notification) => string | null },
): Html {
  const { t } = v;
  const items = d.list.items.map((n) => {
    const href = d.hrefOf(n);
    const title = n.title[v.lang];
    return html`<li class="wf-notification ${n.readAt ? '' : 'unread'}">
      <div class="wf-notification-head">
        <h2 class="wf-notification-title">
          ${n.readAt ? '' : html`<span class="badge wf-waiting">${t('wf.notifications.new')}</span>`}
          ${href ? html`<a href="${href}">${title}</a>` : title}
        </h2>
        <time datetime="${n.createdAt}" class="muted small">${formatDateTime(n.createdAt, v.lang)}</time>
      </div>
      ${n.body[v.lang] ? html`<p class="wf-notification-body">${n.body[v.lang]}</p>` : ''}
      ${
        n.readAt
          ? ''
          : html`<form method="post" action="/notifications/${n.id}/read" class="inline">
              <input type="hidden" name="_csrf" value="${v.csrf}" />
              <button type="submit" class="link-button">
                ${t('wf.notifications.markRead')}<span class="visually-hidden">：${title}</span>
              </button>
            </form>`
      }
    </li>`;
  });
  const body = html`<div class="wrap page-body narrow">
    <div class="console-head">
      <h1>${t('wf.notifications.title')}</h1>
      ${
        d.list.unread
          ? html`<form method="post" action="/notifications/read-all" class="inline">
              <input type="hidden" name="_csrf" value="${v.csrf}" />
              <button type="submit" class="button secondary">${t('wf.notifications.markAll')}</button>
            </form>`
          : ''
      }
    </div>
    <p class="lead">${t('wf.notifications.lead', { n: d.list.unread })}</p>
    ${
      items.length
        ? html`<ul class="plain wf-notifications">
            ${items}
          </ul>`
        : emptyState(t('wf.notifications.none'))
    }
    ${pagination(v, d.list.page, d.list.pageSize, d.list.total)}
  </div>`;
  return page(v, {
    title: t('wf.notifications.title'),
    body,
    crumbs: [{ label: t('wf.notifications.title') }],
  });
}

/** The public notice of revoked grants (撤销公示): masked names, the department, the data, the reason. */
export function revocationsPage(v: View, list: Page<RevocationNotice>): Html {
  const { t } = v;
  const body = html`<div class="wrap page-body">
    <h1>${t('wf.revocations.title')}</h1>
    <p class="lead">${t('wf.revocations.lead')}</p>
    ${
      list.items.length
        ? dataTable({
            scroll: { labelledBy: 'revocations-caption' },
            caption: { text: t('wf.revocations.caption', { n: list.total }), id: 'revocations-caption' },
            columns: [
              {
                head: t('wf.revocations.date'),
                cell: (n) => html`<time datetime="${n.revokedAt}">${formatDate(n.revokedAt, v.lang)}</time>`,
              },
              { head: t('wf.revocations.grantee'), cell: (n) => n.grantee },
              { head: t('wf.field.provider'), cell: (n) => n.provider },
              {
                head: t('wf.field.datasets'),
                cell: (n) =>
                  n.datasets.map((d, i) => html`${i ? '、' : ''}<a href="/datasets/${d.id}">${d.title}</a>`),
              },
              { head: t('wf.revocations.reason'), cell: (n) => n.reason },
            ],
            rows: list.items,
          })
        : emptyState(t('wf.revocations.none'))
    }
    ${pagination(v, list.page, list.pageSize, list.total)}
  </div>`;
  return page(v, {
    title: t('wf.revocations.title'),
    body,
    crumbs: [{ label: t('wf.revocations.title') }],
  });
}
