import { escapeHtml } from '../core/index.ts';

/**
 * The only way pages produce markup: a tagged template that escapes every interpolated value
 * unless it is already `Html`. User data can therefore reach a page only escaped; the few
 * trusted fragments (our own markup, search highlights the search module escaped) are marked
 * with `trusted()` at the one place they enter.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Values a template accepts: nothing, text, numbers, fragments, and lists of those. */
export type Renderable = Html | string | number | boolean | null | undefined | readonly Renderable[];

function render(v: Renderable): string {
  if (v === null || v === undefined || v === false || v === true) return '';
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Renderable[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

/** Markup that was produced and escaped elsewhere (search highlights); never pass user input. */
export const trusted = (markup: string): Html => new Html(markup);

/**
 * Data for the page's script as a JSON data block. CSP allows it because the browser never
 * runs it; `<` is escaped so no value can close the element.
 */
export function jsonScript(id: string, data: unknown): Html {
  const json = JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return html`<script type="application/json" id="${id}">
    ${trusted(json)}
  </script>`;
}

/** Links taken from metadata go out only as http(s)/ftp or site-relative URLs, never `javascript:`. */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  if (/^\/(?!\/)/.test(url)) return url;
  try {
    return ['http:', 'https:', 'ftp:'].includes(new URL(url).protocol) ? url : null;
  } catch {
    return null;
  }
}
