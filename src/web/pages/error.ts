import { html, type Html } from '../html.ts';
import { page } from '../layout.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { View } from '../view.ts';

const TITLES: Record<number, MessageKey> = {
  400: 'error.400',
  401: 'error.401',
  403: 'error.403',
  404: 'error.404',
  409: 'error.409',
  413: 'error.413',
  429: 'error.429',
};

/** An error as a page in the site's shell, so a visitor always has the navigation and search to go on. */
export function errorPage(v: View, status: number, message?: string): Html {
  const { t } = v;
  const title = t(TITLES[status] ?? 'error.500');
  const body = html`<div class="wrap page-body narrow error-page">
    <p class="error-code">${status}</p>
    <h1>${title}</h1>
    ${message ? html`<p class="lead">${message}</p>` : ''}
    <ul class="plain links">
      <li><a href="/">${t('error.home')}</a></li>
      <li><a href="/datasets">${t('error.search')}</a></li>
    </ul>
  </div>`;
  return page(v, { title, body });
}
