import {
  datasetStatuses,
  nextStatus,
  openTiers,
  type Dataset,
  type DatasetAction,
  type DatasetStatus,
  type DatasetVersion,
  type Organisation,
  type OpenTier,
} from '../../core/index.ts';
import { html, type Html, type Renderable } from '../html.ts';
import { count, dataTable, emptyState, notice, statusBadge, tierBadge } from '../components.ts';
import { datasetForm, type DatasetFormOptions, type ErrorMap } from '../dataset-form.ts';
import { formatDate, formatDateTime, hasMessage, type MessageKey } from '../i18n/index.ts';
import { page, type Crumb } from '../layout.ts';
import { link, type View } from '../view.ts';
import type { TwoFactorState } from '../../identity/index.ts';
import { orgName } from './organisations.ts';
import { workflowNav } from './workflow-nav.ts';
import { calendarWarning } from './calendar.ts';
import type { CalendarStatus } from '../../access/index.ts';

export type ConsoleTab =
  | 'home'
  | 'new'
  | 'authority'
  | 'password'
  | 'applications'
  | 'sharing'
  | 'grants'
  | 'oversight'
  | 'calendar';

function consoleNav(v: View, current: ConsoleTab): Html {
  const { t } = v;
  const role = v.actor?.role;
  const items: { tab: ConsoleTab; href: string; key: MessageKey }[] = [
    { tab: 'home', href: '/console', key: 'console.nav.home' },
    ...(role === 'department' || role === 'sysadmin'
      ? [{ tab: 'new' as ConsoleTab, href: '/console/datasets/new', key: 'console.nav.new' as MessageKey }]
      : []),
    ...(role === 'authority' || role === 'sysadmin' || role === 'reviewer'
      ? [
          {
            tab: 'authority' as ConsoleTab,
            href: '/console/authority',
            key: 'console.nav.authority' as MessageKey,
          },
        ]
      : []),
    ...workflowNav(v.actor),
    ...(role === 'authority' || role === 'sysadmin'
      ? [{ tab: 'calendar' as ConsoleTab, href: '/console/calendar', key: 'cal.nav' as MessageKey }]
      : []),
    { tab: 'password', href: '/console/password', key: 'console.nav.password' },
  ];
  return html`<nav class="console-nav" aria-label="${t('console.nav.label')}">
    <ul>
      ${items.map((i) => html`<li><a href="${i.href}" ${i.tab === current ? html`aria-current="page"` : ''}>${t(i.key)}</a></li>`)}
    </ul>
  </nav>`;
}

export function consolePage(
  v: View,
  o: { title: string; tab: ConsoleTab; body: Renderable; crumbs?: Crumb[]; charts?: boolean },
): Html {
  const body = html`<div class="wrap page-body console">
    ${consoleNav(v, o.tab)}
    <div class="console-main">${o.body}</div>
  </div>`;
  return page(v, {
    title: o.title,
    body,
    section: 'console',
    crumbs: [{ label: v.t('nav.console'), href: '/console' }, ...(o.crumbs ?? [{ label: o.title }])],
    charts: o.charts,
  });
}

// ---- sign-in and password --------------------------------------------------------------------

/** `refused`: why the attempt was not even checked (too many failures: wait or locked). */
export function signInPage(
  v: View,
  o: { next: string; email?: string; failed?: boolean; refused?: string; needCode?: boolean },
): Html {
  const { t } = v;
  const body = html`<div class="wrap page-body narrow">
    <h1>${t('signin.title')}</h1>
    <p class="lead">${t('signin.lead')}</p>
    ${o.failed ? notice('error', t('signin.failed')) : ''} ${o.refused ? notice('error', o.refused) : ''}
    <form method="post" action="/console/sign-in" class="stack-form">
      <input type="hidden" name="_csrf" value="${v.csrf}" />
      <input type="hidden" name="next" value="${o.next}" />
      <div class="form-field">
        <label for="email">${t('signin.email')}</label>
        <input
          id="email"
          name="email"
          type="email"
          autocomplete="username"
          value="${o.email ?? ''}"
          maxlength="200"
          required
          ${o.failed ? html`aria-invalid="true"` : ''}
        />
      </div>
      <div class="form-field">
        <label for="password">${t('signin.password')}</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          maxlength="200"
          required
        />
      </div>
      ${o.needCode ? codeField(v, true) : ''}
      <div class="form-actions">
        <button type="submit" class="button primary">${t('signin.submit')}</button>
      </div>
    </form>
    <p class="muted small">${t('signin.demo')}</p>
  </div>`;
  return page(v, {
    title: t('signin.title'),
    body,
    section: 'console',
    crumbs: [{ label: t('signin.title') }],
  });
}

/** The 6-digit code of an authenticator app (two-step verification). */
function codeField(v: View, required: boolean, error?: string): Html {
  const { t } = v;
  return html`<div class="form-field ${error ? 'has-error' : ''}">
    <label for="code">${t('signin.code')}</label>
    <p class="hint" id="code-hint">${t('signin.code.hint')}</p>
    ${error ? html`<p class="field-error" id="code-error">${error}</p>` : ''}
    <input
      id="code"
      name="code"
      inputmode="numeric"
      autocomplete="one-time-code"
      pattern="[0-9]{6}"
      maxlength="6"
      ${required ? 'required' : ''}
      aria-describedby="code-hint${error ? ' code-error' : ''}"
      ${error ? html`aria-invalid="true"` : ''}
    />
  </div>`;
}

/** Staff only: turn the authenticator-app code at sign-in on or off (ADR 0028). */
function twoFactorSection(v: View, state: TwoFactorState, error?: string): Html {
  const { t } = v;
  const form = (action: string, label: string, withCode: boolean) =>
    html`<form method="post" action="/console/two-factor" class="${withCode ? 'stack-form narrow-form' : ''}">
      <input type="hidden" name="_csrf" value="${v.csrf}" />
      <input type="hidden" name="action" value="${action}" />
      ${withCode ? codeField(v, true, error) : ''}
      <div class="form-actions"><button type="submit" class="button">${label}</button></div>
    </form>`;
  const body =
    state.state === 'off'
      ? html`<p>${t('twofactor.off')}</p>
          ${form('start', t('twofactor.start'), false)}`
      : state.state === 'pending'
        ? html`<p>${t('twofactor.pending')}</p>
            <dl>
              <dt>${t('twofactor.secret')}</dt>
              <dd><code>${state.secret.replace(/(.{4})(?=.)/g, '$1 ')}</code></dd>
              <dt>${t('twofactor.uri')}</dt>
              <dd>
                <a href="${state.uri}"><code>${state.uri}</code></a>
              </dd>
            </dl>
            ${form('on', t('twofactor.confirm'), true)}`
        : html`<p>${t('twofactor.on', { since: formatDateTime(state.since, v.lang) })}</p>
            ${form('off', t('twofactor.turnOff'), true)}`;
  return html`<section aria-labelledby="two-factor">
    <h2 id="two-factor">${t('twofactor.title')}</h2>
    <p class="muted">${t('twofactor.lead')}</p>
    ${body}
  </section>`;
}

export function passwordPage(
  v: View,
  o: {
    errors: ErrorMap;
    done?: boolean;
    /** Shown to staff, who may turn on two-step verification. */
    twoFactor?: TwoFactorState | null;
    twoFactorError?: string;
    flash?: string;
  },
): Html {
  const { t } = v;
  const field = (id: string, label: string, auto: string, hint?: string) => {
    const error = o.errors.get(id);
    const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
    return html`<div class="form-field ${error ? 'has-error' : ''}">
      <label for="${id}">${label}</label>
      ${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ''}
      ${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}
      <input
        id="${id}"
        name="${id}"
        type="password"
        autocomplete="${auto}"
        maxlength="200"
        required
        ${described ? html`aria-describedby="${described}"` : ''}
        ${error ? html`aria-invalid="true"` : ''}
      />
    </div>`;
  };
  const body = html`<h1>${t('password.title')}</h1>
    ${o.done ? notice('success', t('password.done')) : ''} ${o.flash ? notice('success', o.flash) : ''}
    <form method="post" action="/console/password" class="stack-form narrow-form">
      <input type="hidden" name="_csrf" value="${v.csrf}" />
      ${field('currentPassword', t('password.current'), 'current-password')}
      ${field('newPassword', t('password.new'), 'new-password', t('password.hint'))}
      ${field('confirmPassword', t('password.confirm'), 'new-password')}
      <div class="form-actions">
        <button type="submit" class="button primary">${t('password.submit')}</button>
      </div>
    </form>
    ${o.twoFactor ? twoFactorSection(v, o.twoFactor, o.twoFactorError) : ''}`;
  return consolePage(v, { title: t('password.title'), tab: 'password', body });
}

// ---- my department ----------------------------------------------------------------------------

export interface DepartmentData {
  organisation: Organisation;
  byStatus: Record<DatasetStatus, { items: Dataset[]; total: number }>;
}

function datasetTable(v: View, items: Dataset[]): Html {
  const { t } = v;
  return dataTable({
    scroll: true,
    columns: [
      {
        head: t('dataset.title'),
        cell: (d) =>
          html`<a href="/console/datasets/${d.id}">${d.title}</a>
            <div class="muted small"><code>${d.code}</code></div>`,
      },
      { head: t('dataset.openTier'), cell: (d) => tierBadge(v, d.openTier) },
      { head: t('dataset.modified'), cell: (d) => formatDate(d.modified, v.lang) },
      {
        head: t('console.version'),
        align: 'num',
        cell: (d) => (d.versionNumber ? `v${d.versionNumber}` : '—'),
      },
    ],
    rows: items,
  });
}

export function departmentPage(v: View, d: DepartmentData, flash?: string): Html {
  const { t } = v;
  const body = html`<div class="console-head">
      <h1>${t('console.department.title', { org: orgName(v, d.organisation) })}</h1>
      <a class="button primary" href="/console/datasets/new">${t('console.nav.new')}</a>
    </div>
    ${flash ? notice('success', flash) : ''}
    <ul class="status-summary">
      ${datasetStatuses.map(
        (s) =>
          html`<li>
            <a href="#status-${s}"
              ><span class="figure-number">${count(v, d.byStatus[s].total)}</span
              ><span>${t(`status.${s}`)}</span></a
            >
          </li>`,
      )}
    </ul>
    ${datasetStatuses.map(
      (s) =>
        html`<section aria-labelledby="status-${s}" class="panel">
          <h2 id="status-${s}" tabindex="-1">
            ${t(`status.${s}`)} <span class="muted">(${count(v, d.byStatus[s].total)})</span>
          </h2>
          ${d.byStatus[s].items.length ? datasetTable(v, d.byStatus[s].items) : html`<p class="muted">${t('console.none')}</p>`}
          ${d.byStatus[s].total > d.byStatus[s].items.length ? html`<p class="muted small">${t('console.truncated', { n: d.byStatus[s].items.length })}</p>` : ''}
        </section>`,
    )}`;
  return consolePage(v, { title: t('console.nav.home'), tab: 'home', body, crumbs: [] });
}

/** What a signed-in user without a department sees first. */
export function consoleHome(v: View, calendar: CalendarStatus | null = null): Html {
  const { t } = v;
  const role = v.actor!.role;
  const supervises = role === 'authority' || role === 'sysadmin' || role === 'reviewer';
  const body = html`<h1>${t('console.home.title')}</h1>
    ${calendarWarning(v, calendar)}
    <p class="lead">${t('console.home.role', { role: t(`role.${role}`) })}</p>
    <ul class="action-list">
      ${
        supervises
          ? html`<li>
              <a href="/console/authority">${t('console.nav.authority')}</a>
              <p>${t('console.home.authority')}</p>
            </li>`
          : ''
      }
      ${
        role === 'sysadmin'
          ? html`<li>
              <a href="/console/datasets/new">${t('console.nav.new')}</a>
              <p>${t('console.home.new')}</p>
            </li>`
          : ''
      }
      ${!supervises ? html`<li><p>${t('console.home.noDepartment')}</p></li>` : ''}
      <li><a href="/my/applications">${t('nav.myApplications')}</a></li>
      <li><a href="/console/password">${t('console.nav.password')}</a></li>
    </ul>`;
  return consolePage(v, { title: t('console.home.title'), tab: 'home', body, crumbs: [] });
}

// ---- dataset form and detail ----------------------------------------------------------------

export function datasetFormPage(v: View, o: DatasetFormOptions & { title: string; dataset?: Dataset }): Html {
  const crumbs: Crumb[] = o.dataset
    ? [{ label: o.dataset.title, href: `/console/datasets/${o.dataset.id}` }, { label: o.title }]
    : [{ label: o.title }];
  const body = html`<h1>${o.title}</h1>
    <p class="lead">${v.t('form.lead')}</p>
    ${datasetForm(v, o)}`;
  return consolePage(v, { title: o.title, tab: o.dataset ? 'home' : 'new', body, crumbs });
}

const ACTIONS: DatasetAction[] = ['submit', 'publish', 'withdraw', 'return_to_draft'];

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value))
    return value.length
      ? value.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join('、')
      : '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function fieldName(v: View, field: string): string {
  const key = `dataset.${field}`;
  return hasMessage(key) ? v.t(key) : field;
}

export interface Change {
  field: string;
  before: unknown;
  after: unknown;
}

function diffTable(v: View, changes: Change[]): Html {
  const { t } = v;
  if (!changes.length) return html`<p class="muted">${t('versions.noChanges')}</p>`;
  return dataTable({
    scroll: true,
    variant: 'diff',
    columns: [
      { head: t('versions.field'), rowHeader: true, cell: (c) => fieldName(v, c.field) },
      { head: t('versions.before'), cell: (c) => html`<del>${show(c.before)}</del>` },
      { head: t('versions.after'), cell: (c) => html`<ins>${show(c.after)}</ins>` },
    ],
    rows: changes,
  });
}

export interface DetailData {
  dataset: Dataset;
  versions: DatasetVersion[];
  /** Each version against the one before it, newest first. */
  changes: Map<number, Change[]>;
  /** The working copy against the latest published version (null when never published). */
  pending: Change[] | null;
  editable: boolean;
}

export function datasetDetailPage(v: View, data: DetailData, flash?: string): Html {
  const { t } = v;
  const d = data.dataset;
  const actions = data.editable ? ACTIONS.filter((a) => nextStatus(d.status, a)) : [];
  const body = html`<div class="console-head">
      <div>
        <h1>${d.title}</h1>
        <p>${statusBadge(v, d.status)} ${tierBadge(v, d.openTier)} <code>${d.code}</code></p>
      </div>
    </div>
    ${flash ? notice('success', flash) : ''}
    <section class="panel" aria-labelledby="actions-title">
      <h2 id="actions-title">${t('console.actions')}</h2>
      <div class="button-row">
        ${data.editable ? html`<a class="button secondary" href="/console/datasets/${d.id}/edit">${t('console.edit')}</a>` : ''}
        <a class="button secondary" href="/datasets/${encodeURIComponent(d.slug)}"
          >${d.status === 'published' ? t('console.viewPublic') : t('console.preview')}</a
        >
        ${actions.map(
          (a) =>
            html`<form method="post" action="/console/datasets/${d.id}/${a}" class="inline">
              <input type="hidden" name="_csrf" value="${v.csrf}" />
              <button
                type="submit"
                class="button ${a === 'publish' ? 'primary' : a === 'withdraw' ? 'danger' : 'secondary'}"
              >
                ${t(`action.${a}`)}
              </button>
            </form>`,
        )}
      </div>
      <p class="muted small">${t(`console.statusHelp.${d.status}`)}</p>
    </section>
    ${
      data.pending && data.pending.length
        ? html`<section class="panel" aria-labelledby="pending-title">
            <h2 id="pending-title">${t('versions.pending')}</h2>
            ${diffTable(v, data.pending)}
          </section>`
        : ''
    }
    <section class="panel" aria-labelledby="versions-title">
      <h2 id="versions-title">${t('versions.title')}</h2>
      ${
        data.versions.length
          ? data.versions.map(
              (ver) =>
                html`<details class="version" ${ver.number === data.versions[0]!.number ? html`open` : ''}>
                  <summary>
                    ${t('versions.item', { n: ver.number, date: formatDateTime(ver.publishedAt, v.lang) })}
                  </summary>
                  ${ver.number === 1 ? html`<p class="muted">${t('versions.first')}</p>` : diffTable(v, data.changes.get(ver.number) ?? [])}
                </details>`,
            )
          : emptyState(t('versions.none'))
      }
    </section>`;
  return consolePage(v, { title: d.title, tab: 'home', body });
}

// ---- data authority --------------------------------------------------------------------------

export interface AuthorityRow {
  organisation: Organisation;
  status: Record<DatasetStatus, number>;
  tier: Record<OpenTier, number>;
  total: number;
}

export function authorityPage(v: View, rows: AuthorityRow[]): Html {
  const { t } = v;
  const totals = {
    status: Object.fromEntries(
      datasetStatuses.map((s) => [s, rows.reduce((n, r) => n + r.status[s], 0)]),
    ) as Record<DatasetStatus, number>,
    tier: Object.fromEntries(
      openTiers.terms.map((term) => [term.code, rows.reduce((n, r) => n + r.tier[term.code as OpenTier], 0)]),
    ) as Record<OpenTier, number>,
    total: rows.reduce((n, r) => n + r.total, 0),
  };
  const body = html`<h1>${t('authority.title')}</h1>
    <p class="lead">${t('authority.lead')}</p>
    ${dataTable<Omit<AuthorityRow, 'organisation'> & { organisation?: Organisation }>({
      scroll: { labelledBy: 'authority-caption' },
      caption: { text: t('authority.caption'), id: 'authority-caption' },
      columns: [
        {
          head: t('authority.department'),
          rowHeader: true,
          // The totals row (the footer) has no organisation.
          cell: (r) =>
            r.organisation
              ? html`<a href="${link(`/organisations/${encodeURIComponent(r.organisation.orgCode)}`)}"
                  >${orgName(v, r.organisation)}</a
                >`
              : t('authority.total'),
        },
        ...datasetStatuses.map((s) => ({
          head: t(`status.${s}`),
          group: t('authority.byStatus'),
          align: 'num' as const,
          cell: (r: Pick<AuthorityRow, 'status'>) => count(v, r.status[s]),
        })),
        ...openTiers.terms.map((term) => ({
          head: term.label[v.lang],
          group: t('authority.byTier'),
          align: 'num' as const,
          cell: (r: Pick<AuthorityRow, 'tier'>) => count(v, r.tier[term.code as OpenTier]),
        })),
        {
          head: t('authority.total'),
          align: 'num',
          cell: (r) => html`<strong>${count(v, r.total)}</strong>`,
        },
      ],
      rows,
      footRows: [totals],
    })}`;
  return consolePage(v, { title: t('authority.title'), tab: 'authority', body });
}
