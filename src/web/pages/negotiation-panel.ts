import type { NegotiationThread } from '../../core/index.ts';
import { html, type Html } from '../html.ts';
import { textarea } from '../dataset-form.ts';
import { formatDateTime } from '../i18n/index.ts';
import type { View } from '../view.ts';
import { errorsOf, formatDay, valueOf, type FormState } from './workflow-parts.ts';

export interface NegotiationPanelData {
  thread: NegotiationThread | null;
  /** Where the request's page lives; the forms post to `{base}/{id}/negotiation/{message|give_up}`. */
  href: string;
  /** The visitor is one of the two departments and the thread can still be written to. */
  writable: boolean;
  state?: FormState;
  csrf: string;
}

/** The 协商 thread on a sharing request's page: its messages and deadline, and for the two departments a form to write or give up. */
export function negotiationPanel(v: View, d: NegotiationPanelData): Html | '' {
  const { t } = v;
  const th = d.thread;
  if (!th && !d.writable) return '';
  const s = d.state;
  const stage = th
    ? th.stage === 'open'
      ? t('wf.negotiation.open', { date: formatDay(th.dueDate, v.lang) })
      : th.ended
        ? t('wf.negotiation.gaveUp', { reason: th.ended.reason })
        : t('wf.negotiation.lapsed', { date: formatDay(th.dueDate, v.lang) })
    : t('wf.negotiation.notYet');
  const messages = th?.messages.length
    ? html`<ol class="wf-thread">
        ${th.messages.map(
          (m) =>
            html`<li>
              <p class="muted">
                ${m.author.orgName ?? ''} · ${m.author.name} · ${formatDateTime(m.at, v.lang)}
              </p>
              <p>${m.body}</p>
            </li>`,
        )}
      </ol>`
    : html`<p class="muted">${t('wf.negotiation.empty')}</p>`;
  const form = (action: 'message' | 'give_up', name: 'body' | 'reason', submit: Html) =>
    html`<form method="post" action="${d.href}/${action}" novalidate id="negotiation-${action}-form">
      <input type="hidden" name="_csrf" value="${d.csrf}" />
      ${textarea(v, {
        id: `negotiation_${action}-${name}`,
        name,
        label: t(`wf.negotiation.${action}` as 'wf.negotiation.message'),
        required: true,
        errors: errorsOf(s, `negotiation_${action}`),
        value: valueOf(s, `negotiation_${action}`, name, ''),
        maxlength: name === 'body' ? 4000 : 2000,
      })}
      <div class="form-actions">${submit}</div>
    </form>`;
  return html`<section class="panel" aria-labelledby="negotiation-title" id="negotiation">
    <h2 id="negotiation-title">${t('wf.negotiation.title')}</h2>
    <p class="hint">${t('wf.negotiation.lead')}</p>
    <p><strong>${stage}</strong></p>
    ${messages}
    ${
      d.writable
        ? html`${form(
            'message',
            'body',
            html`<button type="submit" class="button primary">${t('wf.negotiation.send')}</button>`,
          )}
          ${form(
            'give_up',
            'reason',
            html`<button type="submit" class="button danger">${t('wf.negotiation.giveUpSubmit')}</button>`,
          )}`
        : ''
    }
  </section>`;
}
