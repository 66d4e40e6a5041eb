import { daysText, provisionalBadge } from './calendar.ts';
import type { Dataset } from '../../core/index.ts';
import type { Prefill } from '../../access/index.ts';
import { html, type Html } from '../html.ts';
import { notice, tierBadge } from '../components.ts';
import type { ErrorMap } from '../dataset-form.ts';
import { formatDate } from '../i18n/index.ts';
import { page } from '../layout.ts';
import { link, type View } from '../view.ts';
import type { SharingValues } from './console-workflows.ts';

/** What the applicant typed, kept when the application is refused: the request's terms and who applies. */
export interface ApplyValues extends SharingValues {
  name: string;
  phone: string;
  organisation: string;
}

const crumbs = (v: View, d: { title: string; slug?: string }) => [
  { label: v.t('nav.datasets'), href: '/datasets' },
  ...(d.slug ? [{ label: d.title, href: `/datasets/${encodeURIComponent(d.slug)}` }] : []),
  { label: v.t('apply.title') },
];

function summary(v: View, d: Dataset): Html {
  return html`<section class="side-box">
    <h2><a href="/datasets/${encodeURIComponent(d.slug)}">${d.title}</a></h2>
    <p>${tierBadge(v, d.openTier)} ${d.publisher.name}</p>
    ${d.openConditions ? html`<p><strong>${v.t('dataset.openConditions')}：</strong>${d.openConditions}</p>` : ''}
  </section>`;
}

/** Before signing in: what the conditions are, and one link to sign in and come straight back. */
export function applySignInPage(v: View, d: Dataset): Html {
  const { t } = v;
  const next = link('/apply', { dataset: d.code });
  const body = html`<div class="wrap page-body narrow">
    <h1>${t('apply.title')}</h1>
    ${summary(v, d)}
    <p>${t('apply.signInFirst')}</p>
    <p><a class="button primary" href="${link('/console/sign-in', { next })}">${t('apply.signIn')}</a></p>
  </div>`;
  return page(v, { title: t('apply.title'), body, section: 'datasets', crumbs: crumbs(v, d) });
}

/** Why this user cannot apply for this dataset (their own department's, say), in place of the form. */
export function applyRefusedPage(v: View, d: Dataset, reason: string): Html {
  const body = html`<div class="wrap page-body narrow">
    <h1>${v.t('apply.title')}</h1>
    ${summary(v, d)} ${notice('warning', reason)}
    <p><a href="/datasets/${encodeURIComponent(d.slug)}">${v.t('apply.back')}</a></p>
  </div>`;
  return page(v, { title: v.t('apply.title'), body, section: 'datasets', crumbs: crumbs(v, d) });
}

function errorText(v: View, errors: ErrorMap, id: string): Html | '' {
  const e = errors.get(id);
  return e
    ? html`<p class="field-error" id="${id}-error">
        <span class="visually-hidden">${v.t('form.errorPrefix')}</span>${e}
      </p>`
    : '';
}

const invalid = (errors: ErrorMap, id: string, hint = false) =>
  errors.has(id)
    ? html` aria-invalid="true" aria-describedby="${hint ? `${id}-hint ` : ''}${id}-error"`
    : hint
      ? html` aria-describedby="${id}-hint"`
      : '';

/** The one-click application (一键申请): profile, fields and the security commitment come prefilled. */
export function applyFormPage(
  v: View,
  d: Dataset,
  prefill: Prefill,
  values: ApplyValues,
  errors: ErrorMap,
  formError?: string,
): Html {
  const { t } = v;
  const target = prefill.datasets[0]!;
  const field = (
    id: keyof ApplyValues & string,
    label: string,
    o: { type?: string; max?: number; required?: boolean; hint?: string; area?: boolean } = {},
  ) =>
    html`<div class="form-field ${errors.has(id) ? 'has-error' : ''}">
      <label for="${id}"
        >${label}${o.required ? html` <span class="req">${t('form.required')}</span>` : ''}</label
      >
      ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''} ${errorText(v, errors, id)}
      ${
        o.area
          ? html`<textarea
              id="${id}"
              name="${id}"
              rows="3"
              maxlength="${o.max ?? 2000}"
              ${invalid(errors, id, !!o.hint)}
            >
${String(values[id])}</textarea>`
          : html`<input
              id="${id}"
              name="${id}"
              type="${o.type ?? 'text'}"
              value="${String(values[id])}"
              ${o.max ? html`maxlength="${o.max}"` : ''}${invalid(errors, id, !!o.hint)}
            />`
      }
    </div>`;
  const summaryList = errors.size
    ? html`<div
        class="error-summary"
        role="alert"
        tabindex="-1"
        id="error-summary"
        aria-labelledby="error-summary-title"
      >
        <h2 id="error-summary-title">${t('form.errorSummary', { n: errors.size })}</h2>
        <ul>
          ${[...errors.entries()].map(([id, msg]) => html`<li><a href="#${id}">${msg}</a></li>`)}
        </ul>
      </div>`
    : '';
  const body = html`<div class="wrap page-body narrow">
    <h1>${t('apply.title')}</h1>
    ${summary(v, d)} ${formError ? notice('error', formError) : ''} ${summaryList}
    <p class="lead">
      ${t('apply.lead', { days: daysText(v, prefill.deadlineDays, prefill.deadlineUnit), date: formatDate(`${prefill.dueDate}T12:00:00+08:00`, v.lang) })}
      ${prefill.dueProvisional ? provisionalBadge(v, prefill.dueDate) : ''}
    </p>
    <form method="post" action="${link('/apply', { dataset: d.code })}" class="dataset-form" novalidate>
      <input type="hidden" name="_csrf" value="${v.csrf}" />
      <input type="hidden" name="commitmentVersion" value="${prefill.commitment.version}" />
      <section class="form-section">
        <h2>${t('apply.section.applicant')}</h2>
        <p class="muted">${t('signin.email')}：${prefill.applicant.email}</p>
        ${field('name', t('apply.name'), { max: 100, required: true })}
        ${field('organisation', t('apply.organisation'), { max: 200 })}
        ${field('phone', t('contact.phone'), { type: 'tel', max: 50 })}
      </section>
      <section class="form-section">
        <h2>${t('apply.section.use')}</h2>
        ${field('purpose', t('apply.purpose'), { area: true, required: true, hint: t('apply.hint.purpose') })}
        ${field('scenario', t('dataset.scenario'), { area: true, required: true, hint: t('apply.hint.scenario') })}
        <div class="form-row">
          ${field('periodStart', t('apply.periodStart'), { type: 'date' })}
          ${field('periodEnd', t('apply.periodEnd'), { type: 'date', required: true })}
        </div>
        ${
          target.fields.length
            ? html`<fieldset
                class="form-field choice-group ${errors.has('fields') ? 'has-error' : ''}"
                id="fields"
                tabindex="-1"
              >
                <legend>${t('apply.fields')}</legend>
                <p class="hint">${t('apply.hint.fields')}</p>
                ${errorText(v, errors, 'fields')}
                <div class="choices columns">
                  ${target.fields.map(
                    (f, i) =>
                      html`<div class="choice">
                        <input
                          type="checkbox"
                          id="field-${i}"
                          name="fields"
                          value="${f.name}"
                          ${values.fields.includes(f.name) ? html`checked` : ''}
                        />
                        <label for="field-${i}"
                          >${f.title ?? f.name} <code class="muted small">${f.name}</code></label
                        >
                      </div>`,
                  )}
                </div>
              </fieldset>`
            : ''
        }
      </section>
      <section class="form-section">
        <h2>${t('apply.section.commitment')}</h2>
        <div class="commitment" tabindex="0" role="region" aria-label="${t('apply.section.commitment')}">
          ${prefill.commitment.text[v.lang]}
        </div>
        <div class="form-field ${errors.has('accepted') ? 'has-error' : ''}" id="accepted-group">
          ${errorText(v, errors, 'accepted')}
          <div class="choice">
            <input
              type="checkbox"
              id="accepted"
              name="accepted"
              value="1"
              ${values.accepted ? html`checked` : ''}${invalid(errors, 'accepted')}
            />
            <label for="accepted">${t('apply.accept', { version: prefill.commitment.version })}</label>
          </div>
        </div>
      </section>
      <div class="form-actions">
        <button type="submit" class="button primary">${t('apply.submit')}</button>
        <a class="button secondary" href="/datasets/${encodeURIComponent(d.slug)}">${t('form.cancel')}</a>
      </div>
    </form>
  </div>`;
  return page(v, { title: t('apply.title'), body, section: 'datasets', crumbs: crumbs(v, d) });
}

export function applyDonePage(v: View, d: Dataset, dueDates: string[]): Html {
  const { t } = v;
  const body = html`<div class="wrap page-body narrow">
    <h1>${t('apply.doneTitle')}</h1>
    ${notice('success', t('apply.done', { date: dueDates.map((x) => formatDate(x, v.lang)).join('、') }))}
    ${summary(v, d)}
    <p><a class="button primary" href="/my/applications">${t('nav.myApplications')}</a></p>
    <p><a href="/datasets/${encodeURIComponent(d.slug)}">${t('apply.back')}</a></p>
  </div>`;
  return page(v, { title: t('apply.doneTitle'), body, section: 'datasets', crumbs: crumbs(v, d) });
}
