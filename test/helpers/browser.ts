// A minimal HTTP "browser" for tests: a cookie jar, manual redirects, and forms filled as a person would.
import { CookieJar } from 'tough-cookie';

export interface Page {
  url: string;
  status: number;
  html: string;
  headers: Headers;
}

export interface Form {
  action: string;
  method: string;
  fields: Record<string, string>;
}

export class Browser {
  readonly jar = new CookieJar();
  constructor(
    readonly headers: Record<string, string> = { 'accept-language': 'de-DE,de;q=0.9' },
    /** How requests travel (behindTlsProxy() for an https issuer in tests). */
    private readonly fetcher: typeof fetch = fetch,
  ) {}

  /** One request without following redirects. */
  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Response> {
    const cookie = await this.jar.getCookieString(url);
    const headers: Record<string, string> = { ...this.headers, ...init.headers };
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await this.fetcher(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const set of response.headers.getSetCookie()) await this.jar.setCookie(set, url, { ignoreError: true });
    return response;
  }

  /**
   * Follows redirects until a page is shown, or until a redirect leaves for a URL starting with `stopAt`
   * (the relying party's callback), whose URL is then returned as the page URL with status 0.
   */
  async go(url: string, init: { method?: string; form?: Record<string, string> } = {}, stopAt?: string): Promise<Page> {
    let current = url;
    let response = await this.request(current, init);
    for (let hops = 0; response.status >= 300 && response.status < 400; hops++) {
      if (hops > 20) throw new Error('too many redirects');
      const next = new URL(response.headers.get('location')!, current).toString();
      if (stopAt && next.startsWith(stopAt)) return { url: next, status: 0, html: '', headers: response.headers };
      current = next;
      response = await this.request(current);
    }
    return { url: current, status: response.status, html: await response.text(), headers: response.headers };
  }

  /** Submits the form of `page` whose action contains `actionPart`, with the fields a person types. */
  async submit(page: Page, actionPart: string, typed: Record<string, string>, stopAt?: string): Promise<Page> {
    const form = findForm(page.html, actionPart);
    return this.go(new URL(form.action, page.url).toString(), { method: form.method, form: { ...form.fields, ...typed } }, stopAt);
  }
}

const decode = (s: string) =>
  s.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#34;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>');

export function findForm(html: string, actionPart: string): Form {
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attrs = match[1]!;
    const action = decode(/action="([^"]*)"/i.exec(attrs)?.[1] ?? '');
    if (!action.includes(actionPart)) continue;
    const method = (/method="([^"]*)"/i.exec(attrs)?.[1] ?? 'get').toUpperCase();
    const fields: Record<string, string> = {};
    for (const input of match[2]!.matchAll(/<input\b([^>]*)>/gi)) {
      const name = /name="([^"]*)"/i.exec(input[1]!)?.[1];
      if (!name) continue;
      fields[name] = decode(/value="([^"]*)"/i.exec(input[1]!)?.[1] ?? '');
    }
    return { action, method, fields };
  }
  throw new Error(`no form with action containing ${actionPart} in:\n${html.slice(0, 2000)}`);
}

/** The visible text of the page's alert, if any. */
export function alertText(html: string): string | null {
  const m = /<div class="alert[^"]*"[^>]*>([\s\S]*?)<\/div>/.exec(html);
  return m ? decode(m[1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()) : null;
}
