// A lean HTTP/1.1 client for the benchmark: node:http with keep-alive, a tiny cookie jar, manual redirects.
// Cheaper per request than fetch + tough-cookie, because the driver shares the machine's cores with the servers.
import http from 'node:http';

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Absolute URL of the request that gave this response. */
  url: string;
}

interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

/** One browser's cookies for one host: name + path, expiry by Max-Age/Expires only as far as deletion goes. */
export class CookieJar {
  private readonly cookies = new Map<string, StoredCookie>();

  store(setCookie: string[] | undefined): void {
    if (!setCookie) return;
    for (const line of setCookie) {
      const parts = line.split(';');
      const first = parts[0]!;
      const eq = first.indexOf('=');
      if (eq <= 0) continue;
      const name = first.slice(0, eq).trim();
      const value = first.slice(eq + 1).trim();
      let path = '/';
      let expired = false;
      for (const attr of parts.slice(1)) {
        const [k, v = ''] = attr.split('=');
        const key = k!.trim().toLowerCase();
        if (key === 'path') path = v.trim() || '/';
        else if (key === 'max-age' && Number(v) <= 0) expired = true;
        else if (key === 'expires' && Date.parse(v.trim()) < Date.now()) expired = true;
      }
      const id = `${name}\u0000${path}`;
      if (expired || value === '') this.cookies.delete(id);
      else this.cookies.set(id, { name, value, path });
    }
  }

  header(path: string): string {
    const out: string[] = [];
    for (const c of this.cookies.values()) {
      if (c.path === '/' || path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)) out.push(`${c.name}=${c.value}`);
    }
    return out.join('; ');
  }

  /** Keeps only the cookies whose name passes `keep` (e.g. a new browser session that keeps the remembered-browser cookie). */
  retain(keep: (name: string) => boolean): void {
    for (const [id, c] of this.cookies) if (!keep(c.name)) this.cookies.delete(id);
  }

  names(): string[] {
    return [...this.cookies.values()].map((c) => c.name);
  }
}

export interface RequestInit {
  method?: string;
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

export interface Page extends HttpResponse {
  /** Set (status 0 response) when a redirect left for a URL starting with `stopAt`. */
  stoppedAt?: string;
}

export class HttpClient {
  readonly jar = new CookieJar();
  /** Called (and awaited) before each request is sent (the Redis round-trip count labels its steps with it). */
  onRequest?: (method: string, target: URL) => void | Promise<void>;

  constructor(
    /** e.g. http://127.0.0.1:4000 */
    readonly origin: string,
    readonly agent: http.Agent,
    readonly baseHeaders: Record<string, string> = {
      'accept-language': 'de-DE,de;q=0.9',
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    },
  ) {}

  async request(url: string, init: RequestInit = {}): Promise<HttpResponse> {
    const target = new URL(url, this.origin);
    const headers: Record<string, string> = { ...this.baseHeaders, ...init.headers };
    const cookie = this.jar.header(target.pathname);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const method = init.method ?? (body !== undefined ? 'POST' : 'GET');
    if (this.onRequest) await this.onRequest(method, target);
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: target.hostname, port: target.port, path: target.pathname + target.search, method, headers, agent: this.agent },
        (res) => {
          this.jar.store(res.headers['set-cookie']);
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), url: target.toString() }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Follows redirects until a page, or until a redirect leaves for `stopAt` (the relying party's callback). */
  async go(url: string, init: RequestInit = {}, stopAt?: string): Promise<Page> {
    let response = await this.request(url, init);
    for (let hops = 0; response.status >= 300 && response.status < 400; hops++) {
      if (hops > 20) throw new Error('too many redirects');
      const next = new URL(String(response.headers.location), response.url).toString();
      if (stopAt && next.startsWith(stopAt)) return { ...response, status: 0, stoppedAt: next };
      response = await this.request(next);
    }
    return response;
  }

  async json<T>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; body: T }> {
    const headers = { accept: 'application/json', ...init.headers };
    if (init.json !== undefined) {
      const response = await this.requestRaw(url, init.method ?? 'POST', JSON.stringify(init.json), { ...headers, 'content-type': 'application/json' });
      return { status: response.status, body: (response.body ? JSON.parse(response.body) : undefined) as T };
    }
    const response = await this.request(url, { ...init, headers });
    return { status: response.status, body: (response.body ? JSON.parse(response.body) : undefined) as T };
  }

  private requestRaw(url: string, method: string, body: string, headers: Record<string, string>): Promise<HttpResponse> {
    const target = new URL(url, this.origin);
    const all = { ...this.baseHeaders, ...headers, 'content-length': String(Buffer.byteLength(body)) };
    return new Promise((resolve, reject) => {
      const req = http.request({ host: target.hostname, port: target.port, path: target.pathname + target.search, method, headers: all, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), url: target.toString() }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}

/** One open server-sent-events stream; `next(status)` resolves with the arrival time of the first event with that status. */
export interface SseStream {
  /** Resolves when the first `status` event (normally `pending`) arrived. */
  opened: Promise<void>;
  waitFor(status: string): Promise<number>;
  close(): void;
}

const sseAgent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

export function openSse(client: HttpClient, path: string): SseStream {
  const target = new URL(path, client.origin);
  const waiters = new Map<string, { resolve: (t: number) => void; reject: (e: Error) => void }[]>();
  const seen = new Map<string, number>();
  let openResolve!: () => void;
  let openReject!: (e: Error) => void;
  const opened = new Promise<void>((res, rej) => {
    openResolve = res;
    openReject = rej;
  });
  opened.catch(() => undefined);
  let failed: Error | null = null;
  const fail = (e: Error) => {
    failed = e;
    openReject(e);
    for (const list of waiters.values()) for (const w of list) w.reject(e);
    waiters.clear();
  };
  const headers: Record<string, string> = { ...client.baseHeaders, accept: 'text/event-stream' };
  const cookie = client.jar.header(target.pathname);
  if (cookie) headers.cookie = cookie;
  const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'GET', headers, agent: sseAgent }, (res) => {
    if (res.statusCode !== 200 || !String(res.headers['content-type']).startsWith('text/event-stream')) {
      res.resume();
      fail(new Error(`SSE ${path}: HTTP ${res.statusCode} ${String(res.headers['content-type'])}`));
      return;
    }
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const now = performance.now();
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (!data) continue;
        const status = (JSON.parse(data) as { status: string }).status;
        if (!seen.has(status)) seen.set(status, now);
        openResolve();
        for (const w of waiters.get(status) ?? []) w.resolve(now);
        waiters.delete(status);
      }
    });
    res.on('error', (e) => fail(e));
    res.on('close', () => {
      if (!failed) fail(new Error(`SSE ${path} closed`));
    });
  });
  req.on('error', (e) => fail(e));
  req.end();
  return {
    opened,
    waitFor(status) {
      const at = seen.get(status);
      if (at !== undefined) return Promise.resolve(at);
      if (failed) return Promise.reject(failed);
      return new Promise((resolve, reject) => {
        const list = waiters.get(status) ?? [];
        list.push({ resolve, reject });
        waiters.set(status, list);
      });
    },
    close() {
      failed ??= new Error('closed');
      req.destroy();
    },
  };
}
