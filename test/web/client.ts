/**
 * A browser without JavaScript: fetch with a cookie jar, as a person on a text browser (or a
 * crawler) would see the pages. Redirects are returned, not followed, so tests can assert them.
 */
export interface PageResponse {
  status: number;
  text: string;
  headers: Headers;
  location: string | null;
}

export class Client {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some(
        (a) =>
          /^\s*max-age=0\s*$/i.test(a) ||
          (/^\s*expires=/i.test(a) && new Date(a.split('=')[1]!) < new Date()),
      );
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private cookieHeader(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  async request(
    method: string,
    path: string,
    init: { body?: string; headers?: Record<string, string> } = {},
  ): Promise<PageResponse> {
    const res = await fetch(this.base + path, {
      method,
      redirect: 'manual',
      headers: { ...this.cookieHeader(), ...init.headers },
      body: init.body,
    });
    this.remember(res);
    return {
      status: res.status,
      text: await res.text(),
      headers: res.headers,
      location: res.headers.get('location'),
    };
  }

  get(path: string, headers: Record<string, string> = {}): Promise<PageResponse> {
    return this.request('GET', path, { headers });
  }

  /** Posts a form as a browser does (application/x-www-form-urlencoded); arrays repeat the key. */
  post(
    path: string,
    form: Record<string, string | string[]>,
    headers: Record<string, string> = {},
  ): Promise<PageResponse> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form))
      for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    return this.request('POST', path, {
      body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  }

  /** Signs in through the form, as a person would; returns the page's CSRF token for later posts. */
  async signIn(email: string, password: string): Promise<string> {
    const form = await this.get('/console/sign-in');
    const res = await this.post('/console/sign-in', {
      _csrf: csrfOf(form.text),
      email,
      password,
      next: '/console',
    });
    if (res.status !== 303) throw new Error(`sign-in failed with ${res.status}`);
    return csrfOf((await this.get('/console')).text);
  }
}

export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1]!;
}

/** Text of the page with tags removed and entities decoded enough for assertions on words. */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<\/?mark>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/**
 * The markup of the first element whose opening tag matches `open`, up to its own closing tag:
 * assertions about one part of a page (a dataset's metadata, one section) must not be satisfied
 * by the same words elsewhere on it (the footer names every tier on every page).
 */
export function elementOf(html: string, open: RegExp): string {
  const start = open.exec(html);
  if (!start) throw new Error(`no element matching ${open} on the page`);
  const name = /^<([a-z][a-z0-9-]*)/i.exec(start[0])?.[1];
  if (!name) throw new Error(`${open} must match an opening tag`);
  const tags = new RegExp(`<(/?)${name}\\b[^>]*>`, 'gi');
  tags.lastIndex = start.index;
  let depth = 0;
  for (let tag = tags.exec(html); tag; tag = tags.exec(html)) {
    depth += tag[1] ? -1 : 1;
    if (depth === 0) return html.slice(start.index, tags.lastIndex);
  }
  throw new Error(`the element matching ${open} is not closed`);
}
