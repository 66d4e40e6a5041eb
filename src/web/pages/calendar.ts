import type { CalendarStatus } from '../../access/index.ts';
import type { DayUnit } from '../../core/index.ts';
import { html, type Html } from '../html.ts';
import { notice } from '../components.ts';
import { errorSummary, input, textarea, type ErrorMap } from '../dataset-form.ts';
import { formatDate, formatDateTime } from '../i18n/index.ts';
import type { View } from '../view.ts';
import { consolePage } from './console.ts';

/** "5 个工作日" / "3 日": a deadline's length in the unit its rule counts. */
export const daysText = (v: View, n: number, unit: DayUnit): string =>
  v.t(unit === 'calendar' ? 'cal.days.calendar' : 'cal.days.working', { n });

/** The mark on every deadline computed Monday–Friday because its year's notice is missing. */
export function provisionalBadge(v: View, dueDate?: string | null): Html {
  const hint = dueDate
    ? v.t('cal.provisional.hint', { year: dueDate.slice(0, 4) })
    : v.t('cal.provisional.hintAny');
  return html`<span class="badge wf-provisional" title="${hint}"
    >${v.t('cal.provisional')}<span class="visually-hidden">: ${hint}</span></span
  >`;
}

/** The data authority's warning, from 1 November while next year's notice is missing. */
export function calendarWarning(v: View, s: CalendarStatus | null): Html | '' {
  if (!s?.warning) return '';
  const year = s.warning.missingYear;
  return html`<div class="calendar-warning">
    ${notice(
      'warning',
      html`${v.t('cal.warning', { year })}
        <a href="/console/calendar?year=${year}">${v.t('cal.warning.action', { year })}</a>`,
    )}
  </div>`;
}

export interface CalendarForm {
  year: string;
  title: string;
  reference: string;
  text: string;
}

export function calendarPage(
  v: View,
  d: { status: CalendarStatus; form: CalendarForm; errors: ErrorMap; done?: { year: number; moved: number } },
): Html {
  const { t } = v;
  const s = d.status;
  const e = d.errors;
  const body = html`<h1>${t('cal.title')}</h1>
    ${errorSummary(v, e)}
    ${d.done ? notice('success', t('cal.done', { year: d.done.year, moved: d.done.moved })) : ''}
    ${calendarWarning(v, s)}
    <p class="lead">${t('cal.lead')}</p>
    ${s.lastKnownDay ? html`<p>${t('cal.lastKnown', { date: formatDate(`${s.lastKnownDay}T12:00:00+08:00`, v.lang) })}</p>` : ''}
    <section class="form-section">
      <h2 id="import">${t('cal.import.title')}</h2>
      <p>${t('cal.import.lead')}</p>
      <form method="post" action="/console/calendar" class="dataset-form" novalidate>
        <input type="hidden" name="_csrf" value="${v.csrf}" />
        <div class="form-row">
          ${input(v, { id: 'year', label: t('cal.field.year'), type: 'number', required: true, errors: e, value: d.form.year })}
          ${input(v, { id: 'reference', label: t('cal.field.reference'), errors: e, value: d.form.reference, maxlength: 500 })}
        </div>
        ${input(v, { id: 'title', label: t('cal.field.title'), required: true, errors: e, value: d.form.title, maxlength: 200 })}
        ${textarea(v, { id: 'text', label: t('cal.field.text'), required: true, errors: e, value: d.form.text, rows: 10, maxlength: 20000 })}
        <p><button type="submit" class="button primary">${t('cal.submit')}</button></p>
      </form>
    </section>
    <section>
      <h2>${t('cal.years')}</h2>
      <div class="table-scroll" tabindex="0" role="region" aria-label="${t('cal.years')}">
        <table class="data-table">
          <thead>
            <tr>
              <th scope="col">${t('cal.col.year')}</th>
              <th scope="col">${t('cal.col.source')}</th>
              <th scope="col">${t('cal.col.title')}</th>
              <th scope="col" class="num">${t('cal.col.days')}</th>
              <th scope="col">${t('cal.col.updated')}</th>
              <th scope="col"><span class="visually-hidden">${t('cal.edit')}</span></th>
            </tr>
          </thead>
          <tbody>
            ${s.years.map(
              (y) =>
                html`<tr>
                  <th scope="row">${y.year}</th>
                  <td>${t(y.source === 'import' ? 'cal.source.import' : 'cal.source.package')}</td>
                  <td>
                    ${y.title}${y.reference ? html`<br /><span class="muted small">${y.reference}</span>` : ''}
                  </td>
                  <td class="num">${y.holidays} / ${y.workdays}</td>
                  <td>${formatDateTime(y.updatedAt, v.lang)}</td>
                  <td><a href="/console/calendar?year=${y.year}#import">${t('cal.edit')}</a></td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </section>`;
  return consolePage(v, { title: t('cal.title'), tab: 'calendar', body });
}
