import { html, type Html, type Renderable } from './html.ts';
import { asset, echartsUrl } from './assets.ts';
import type { MessageKey } from './i18n/index.ts';
import { selfUrl, type View } from './view.ts';

export type Section = 'home' | 'datasets' | 'themes' | 'organisations' | 'about' | 'console';

export interface Crumb {
  label: string;
  href?: string;
}

export interface PageOptions {
  title: string;
  body: Renderable;
  section?: Section;
  crumbs?: Crumb[];
  /** Load ECharts: only pages with charts pay for it. */
  charts?: boolean;
  description?: string;
  /** Pages with their own search form in the main area leave the header's out. */
  hideHeaderSearch?: boolean;
}

const NAV: { section: Section; href: string; key: MessageKey }[] = [
  { section: 'home', href: '/', key: 'nav.home' },
  { section: 'datasets', href: '/datasets', key: 'nav.datasets' },
  { section: 'themes', href: '/themes', key: 'nav.themes' },
  { section: 'organisations', href: '/organisations', key: 'nav.organisations' },
  { section: 'about', href: '/about', key: 'nav.about' },
];

function utilityBar(v: View): Html {
  const { t } = v;
  const other = v.lang === 'zh' ? 'en' : 'zh';
  const account = v.actor
    ? html`<a href="/console">${t('nav.console')}</a>
        <span class="who">${t('account.signedInAs', { email: v.actor.email })}</span>
        <form method="post" action="/console/sign-out" class="inline">
          <input type="hidden" name="_csrf" value="${v.csrf}" />
          <button type="submit" class="link-button">${t('account.signOut')}</button>
        </form>`
    : html`<a href="/console/sign-in">${t('account.signIn')}</a>`;
  return html`<div class="utility">
    <div class="wrap utility-inner">
      <span class="utility-note">${t('site.owner')}</span>
      <ul class="utility-links">
        <li>
          <a
            href="${selfUrl(v, { lang: other })}"
            lang="${other === 'zh' ? 'zh-CN' : 'en'}"
            hreflang="${other === 'zh' ? 'zh-CN' : 'en'}"
            data-switch="lang"
            >${t('lang.switchTo')}</a
          >
        </li>
        <li>
          <a href="${selfUrl(v, { a11y: v.a11y ? '0' : '1' })}" data-switch="a11y"
            >${v.a11y ? t('a11y.off') : t('a11y.on')}</a
          >
        </li>
        ${
          v.actor
            ? html`<li><a href="/my/applications">${t('nav.myApplications')}</a></li>
                <li>
                  <a href="/notifications" class="notifications-link"
                    >${t('nav.notifications')}${
                      v.unread
                        ? html` <span class="count-badge"
                            >${v.unread}<span class="visually-hidden">${t('nav.unread')}</span></span
                          >`
                        : ''
                    }</a
                  >
                </li>`
            : ''
        }
        <li class="account">${account}</li>
      </ul>
    </div>
  </div>`;
}

function header(v: View, section: Section | undefined, search: boolean): Html {
  const { t } = v;
  const items = [
    ...NAV,
    ...(v.actor
      ? [{ section: 'console' as Section, href: '/console', key: 'nav.console' as MessageKey }]
      : []),
  ];
  return html`<header class="site-header">
    ${utilityBar(v)}
    <div class="masthead">
      <div class="wrap masthead-inner">
        <a class="brand" href="/">
          <span class="brand-mark" aria-hidden="true">开</span>
          <span class="brand-text"
            ><span class="brand-name">${t('site.name')}</span
            ><span class="brand-sub">${t('site.tagline')}</span></span
          >
        </a>
        ${
          search
            ? html`<form class="header-search" method="get" action="/datasets" role="search">
                <label for="header-q" class="visually-hidden">${t('search.label')}</label>
                <input
                  id="header-q"
                  type="search"
                  name="q"
                  maxlength="200"
                  placeholder="${t('search.placeholderShort')}"
                />
                <button type="submit">${t('search.submit')}</button>
              </form>`
            : ''
        }
      </div>
    </div>
    <nav class="main-nav" aria-label="${t('nav.label')}">
      <ul class="wrap">
        ${items.map(
          (n) =>
            html`<li>
              <a href="${n.href}" ${n.section === section ? html`aria-current="page"` : ''}>${t(n.key)}</a>
            </li>`,
        )}
      </ul>
    </nav>
  </header>`;
}

function breadcrumbs(v: View, crumbs: Crumb[] | undefined): Html | '' {
  if (!crumbs?.length) return '';
  return html`<nav class="crumbs" aria-label="${v.t('nav.breadcrumb')}">
    <ol class="wrap">
      <li><a href="/">${v.t('nav.home')}</a></li>
      ${crumbs.map((c, i) =>
        c.href && i < crumbs.length - 1
          ? html`<li><a href="${c.href}">${c.label}</a></li>`
          : html`<li aria-current="page">${c.label}</li>`,
      )}
    </ol>
  </nav>`;
}

function footer(v: View): Html {
  const { t } = v;
  return html`<footer class="site-footer">
    <div class="wrap footer-inner">
      <div>
        <p class="footer-name">${t('site.name')}</p>
        <p>${t('footer.about')}</p>
      </div>
      <ul class="footer-links">
        <li><a href="/about">${t('nav.about')}</a></li>
        <li><a href="/about#licences">${t('about.licences')}</a></li>
        <li><a href="/api/v1/openapi.json">${t('footer.api')}</a></li>
        <li><a href="/organisations">${t('nav.organisations')}</a></li>
        <li><a href="/notices/revocations">${t('nav.revocations')}</a></li>
      </ul>
    </div>
    <div class="wrap footer-legal"><p>${t('footer.powered')}</p></div>
  </footer>`;
}

/** The page shell: language, landmarks, skip link, header, breadcrumbs, main, footer. */
export function page(v: View, o: PageOptions): Html {
  const { t } = v;
  const classes = ['lang-' + v.lang, v.a11y ? 'a11y' : ''].filter(Boolean).join(' ');
  return html`<!doctype html>
    <html lang="${v.lang === 'zh' ? 'zh-CN' : 'en'}" class="${classes}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${o.title === t('site.name') ? o.title : `${o.title} · ${t('site.name')}`}</title>
        ${o.description ? html`<meta name="description" content="${o.description}" />` : ''}
        <link rel="icon" href="${asset('favicon.svg')}" type="image/svg+xml" />
        <link rel="stylesheet" href="${asset('site.css')}" />
        ${o.charts ? html`<script src="${echartsUrl()}" defer></script>` : ''}
        <script src="${asset('site.js')}" defer></script>
      </head>
      <body>
        <a class="skip-link" href="#main">${t('nav.skip')}</a>
        ${header(v, o.section, !o.hideHeaderSearch)} ${breadcrumbs(v, o.crumbs)}
        <main id="main" tabindex="-1">${o.body}</main>
        ${footer(v)}
      </body>
    </html>`;
}
