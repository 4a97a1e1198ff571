// The demo relying parties against a tiny fake issuer: client list, 404s, PKCE/state/nonce login start, callback, refresh rotation, logout and error pages.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import Koa from 'koa';
import request from 'supertest';
import { loadClients, type ClientMetadata } from '../../src/config/clients.js';
import { demoRoutes } from '../../src/routes/demo/index.js';
import type { PageContext, RenderPage } from '../../src/routes/render.js';
import { isAppError } from '../../src/shared/errors.js';
import { cryptoRandom } from '../../src/shared/random.js';

interface Rendered {
  view: string;
  locals: Record<string, unknown>;
}

/** A minimal OpenID provider: discovery, JWKS, token (code + refresh with rotation), userinfo. Enough for openid-client. */
class FakeIssuer {
  url = '';
  private server!: Server;
  private key!: CryptoKey;
  private jwk: object = {};
  /** code → what the authorization request asked for. */
  readonly codes = new Map<string, { clientId: string; challenge: string; nonce: string; redirectUri: string; scope: string }>();
  private refreshTokens = new Map<string, string>();
  readonly tokenRequests: { authorization?: string; body: URLSearchParams }[] = [];

  async start(): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    this.key = privateKey;
    this.jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  }

  private async idToken(clientId: string, nonce: string | undefined): Promise<string> {
    return new SignJWT({ ...(nonce ? { nonce } : {}), acr: 'urn:financeident:acr:mfa', amr: ['pwd', 'mfa', 'sms'], auth_time: Math.floor(Date.now() / 1000) })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(this.url)
      .setAudience(clientId)
      .setSubject('200001')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(this.key);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', this.url).pathname;
    if (path === '/.well-known/openid-configuration') {
      return this.json(res, 200, {
        issuer: this.url,
        authorization_endpoint: `${this.url}/auth`,
        token_endpoint: `${this.url}/token`,
        userinfo_endpoint: `${this.url}/me`,
        end_session_endpoint: `${this.url}/session/end`,
        jwks_uri: `${this.url}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
      });
    }
    if (path === '/jwks') return this.json(res, 200, { keys: [this.jwk] });
    if (path === '/me') {
      if (!req.headers.authorization?.startsWith('Bearer ')) return this.json(res, 401, { error: 'invalid_token' });
      return this.json(res, 200, { sub: '200001', email: 'kunde@example.de' });
    }
    if (path === '/token' && req.method === 'POST') {
      let raw = '';
      for await (const chunk of req) raw += String(chunk);
      const body = new URLSearchParams(raw);
      this.tokenRequests.push({ ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), body });
      const clientId = req.headers.authorization
        ? Buffer.from(req.headers.authorization.replace(/^Basic /, ''), 'base64').toString().split(':')[0]!
        : body.get('client_id') ?? '';
      if (body.get('grant_type') === 'authorization_code') {
        const grant = this.codes.get(body.get('code') ?? '');
        this.codes.delete(body.get('code') ?? '');
        const verifier = body.get('code_verifier') ?? '';
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        if (!grant || grant.clientId !== clientId || grant.challenge !== challenge || grant.redirectUri !== body.get('redirect_uri')) {
          return this.json(res, 400, { error: 'invalid_grant', error_description: 'grant request is invalid' });
        }
        const offline = grant.scope.split(' ').includes('offline_access');
        const refresh = offline ? `rt-${cryptoRandom.token(8)}` : undefined;
        if (refresh) this.refreshTokens.set(refresh, clientId);
        return this.json(res, 200, {
          access_token: `at-${cryptoRandom.token(8)}`,
          token_type: 'Bearer',
          expires_in: 600,
          scope: grant.scope,
          id_token: await this.idToken(clientId, grant.nonce),
          ...(refresh ? { refresh_token: refresh } : {}),
        });
      }
      if (body.get('grant_type') === 'refresh_token') {
        const old = body.get('refresh_token') ?? '';
        if (this.refreshTokens.get(old) !== clientId) return this.json(res, 400, { error: 'invalid_grant', error_description: 'grant request is invalid' });
        this.refreshTokens.delete(old);
        const next = `rt-${cryptoRandom.token(8)}`;
        this.refreshTokens.set(next, clientId);
        return this.json(res, 200, {
          access_token: `at-${cryptoRandom.token(8)}`,
          token_type: 'Bearer',
          expires_in: 600,
          scope: 'openid profile email phone offline_access',
          id_token: await this.idToken(clientId, undefined),
          refresh_token: next,
        });
      }
      return this.json(res, 400, { error: 'unsupported_grant_type' });
    }
    return this.json(res, 404, { error: 'not_found' });
  }
}

const renderer: RenderPage = async (view, _page, locals) => JSON.stringify({ view, locals });

function buildApp(issuer: string, clients: ClientMetadata[]) {
  const app = new Koa();
  app.keys = ['demo-test-cookie-key-0123456789abcdef'];
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (!isAppError(err)) throw err;
      ctx.status = err.status;
      ctx.body = { error: err.code };
    }
  });
  app.use(async (ctx, next) => {
    const page: PageContext = { lang: 'de', switchLanguageUrl: '/?lang=en' };
    ctx.state.page = page;
    await next();
  });
  const demo = demoRoutes({ issuer, clients, render: renderer, random: cryptoRandom });
  app.use(demo.routes());
  return app.callback();
}

function rendered(text: string): Rendered {
  return JSON.parse(text) as Rendered;
}

function setCookies(res: { headers: Record<string, unknown> }): string[] {
  const header = res.headers['set-cookie'];
  return Array.isArray(header) ? (header as string[]) : typeof header === 'string' ? [header] : [];
}

/** Starts a login through the demo and lets the fake issuer "authorize" it: returns the callback path with a fresh code. */
async function authorize(agent: ReturnType<typeof request.agent>, idp: FakeIssuer, clientId: string, query = '') {
  const res = await agent.get(`/demo/${clientId}/login${query}`);
  expect(res.status).toBe(302);
  const location = new URL(res.headers.location!);
  const params = location.searchParams;
  const code = `code-${cryptoRandom.token(8)}`;
  idp.codes.set(code, {
    clientId,
    challenge: params.get('code_challenge')!,
    nonce: params.get('nonce')!,
    redirectUri: params.get('redirect_uri')!,
    scope: params.get('scope')!,
  });
  const callback = new URL(params.get('redirect_uri')!);
  return { params, callbackPath: `${callback.pathname}?code=${code}&state=${encodeURIComponent(params.get('state')!)}` };
}

describe('demo relying parties', () => {
  const idp = new FakeIssuer();
  let clients: ClientMetadata[];
  let server: ReturnType<typeof buildApp>;

  beforeAll(async () => {
    await idp.start();
    clients = await loadClients(join(process.cwd(), 'config/demo-clients.json'), idp.url);
    server = buildApp(idp.url, clients);
  });

  afterAll(() => idp.stop());

  it('GET /demo lists the three demo clients, the demo logins and the tools', async () => {
    const res = await request(server).get('/demo');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const page = rendered(res.text);
    expect(page.view).toBe('demo/index');
    const listed = (page.locals.clients as { id: string }[]).map((c) => c.id);
    expect(listed).toEqual(['financecloud', 'financeapp', 'smartmsc']);
    const accounts = (page.locals.accounts as { loginId: string; password?: string }[]).map((a) => a.loginId);
    expect(accounts).toEqual(['100001', '100002', '100003', '200001', '200002', '200003', '200004', '200005', '200006']);
    expect(page.locals.password).toBe('Demo-Passwort-2026');
  });

  it('lists only clients registered with a demo callback under this issuer', async () => {
    const other = buildApp('http://elsewhere.example', clients);
    const page = rendered((await request(other).get('/demo')).text);
    expect(page.locals.clients).toEqual([]);
  });

  it('answers 404 for an unknown client, on every demo route', async () => {
    for (const path of ['/demo/unknown', '/demo/unknown/login', '/demo/unknown/callback?code=x', '/demo/unknown/refresh', '/demo/unknown/logout']) {
      const res = await request(server).get(path);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'error.notFound' });
    }
  });

  it('GET /demo/:client shows the client page with step-up links', async () => {
    const page = rendered((await request(server).get('/demo/financecloud')).text);
    expect(page.view).toBe('demo/client');
    expect(page.locals.demo).toMatchObject({ id: 'financecloud', name: 'FinanceCloud', redirectUri: `${idp.url}/demo/financecloud/callback` });
    expect(page.locals.signedIn).toBeUndefined();
  });

  it('GET /demo/financecloud/login redirects with PKCE S256, state, nonce and the exact redirect URI, remembering them in a signed cookie', async () => {
    const res = await request(server).get('/demo/financecloud/login');
    expect(res.status).toBe(302);
    const location = new URL(res.headers.location!);
    expect(`${location.origin}${location.pathname}`).toBe(`${idp.url}/auth`);
    const q = location.searchParams;
    expect(q.get('client_id')).toBe('financecloud');
    expect(q.get('response_type')).toBe('code');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(q.get('redirect_uri')).toBe(`${idp.url}/demo/financecloud/callback`);
    expect(q.get('scope')).toBe('openid profile email phone');
    expect(q.get('acr_values')).toBeNull();
    expect(q.get('prompt')).toBeNull();
    const cookies = setCookies(res);
    const login = cookies.find((c) => c.startsWith('demo_financecloud='));
    expect(login).toBeDefined();
    expect(login).toMatch(/httponly/i);
    expect(login).toMatch(/samesite=lax/i);
    expect(login).toMatch(/path=\/demo\/financecloud/i);
    expect(cookies.some((c) => c.startsWith('demo_financecloud.sig='))).toBe(true);
  });

  it('adds acr_values for ?acr=mfa and prompt=login for ?prompt=login', async () => {
    const res = await request(server).get('/demo/smartmsc/login?acr=mfa&prompt=login');
    const q = new URL(res.headers.location!).searchParams;
    expect(q.get('acr_values')).toBe('urn:financeident:acr:mfa');
    expect(q.get('prompt')).toBe('login');
  });

  it('asks for offline_access (with prompt=consent, which oidc-provider needs for it) only for a client with the refresh_token grant', async () => {
    const res = await request(server).get('/demo/financeapp/login');
    const q = new URL(res.headers.location!).searchParams;
    expect(q.get('scope')).toBe('openid profile email phone offline_access');
    expect(q.get('prompt')).toBe('consent');
    expect(q.get('redirect_uri')).toBe(`${idp.url}/demo/financeapp/callback`);
  });

  it('completes a login: ID token claims with acr/amr marked, userinfo, token fields without raw tokens; then logs out', async () => {
    const agent = request.agent(server);
    const { callbackPath } = await authorize(agent, idp, 'financecloud', '?acr=mfa');
    const res = await agent.get(callbackPath);
    expect(res.status).toBe(200);
    const page = rendered(res.text);
    expect(page.view).toBe('demo/result');
    expect(page.locals).toMatchObject({ acr: 'urn:financeident:acr:mfa', amr: ['pwd', 'mfa', 'sms'], requestedAcr: 'urn:financeident:acr:mfa' });
    const lines = page.locals.claimsLines as { text: string; highlight: boolean }[];
    expect(lines.filter((l) => l.highlight).map((l) => l.text.trim())).toEqual(['"acr": "urn:financeident:acr:mfa",', '"amr": [', '"pwd",', '"mfa",', '"sms"', '],']);
    expect(JSON.parse(page.locals.userinfo as string)).toEqual({ sub: '200001', email: 'kunde@example.de' });
    expect(res.text).not.toContain('at-');
    expect(page.locals.tokenFields).toEqual(
      expect.arrayContaining([
        { name: 'expires_in', value: '600' },
        { name: 'access_token', present: true },
        { name: 'id_token', present: true },
        { name: 'refresh_token', present: false },
      ]),
    );
    const basic = idp.tokenRequests.at(-1)!.authorization!;
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before Base64.
    const [id, secret] = Buffer.from(basic.replace('Basic ', ''), 'base64').toString().split(':').map(decodeURIComponent);
    expect([id, secret]).toEqual(['financecloud', 'financecloud-demo-secret-change-me-0001']);
    expect(setCookies(res).some((c) => c.startsWith('demo_financecloud_tokens=') && /httponly/i.test(c))).toBe(true);

    const client = rendered((await agent.get('/demo/financecloud')).text);
    expect(client.locals.signedIn).toEqual({ sub: '200001', hasRefreshToken: false });

    const logout = await agent.get('/demo/financecloud/logout');
    expect(logout.status).toBe(302);
    const end = new URL(logout.headers.location!);
    expect(`${end.origin}${end.pathname}`).toBe(`${idp.url}/session/end`);
    expect(end.searchParams.get('id_token_hint')).toMatch(/^ey/);
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${idp.url}/demo/financecloud`);
    expect(setCookies(logout).some((c) => c.startsWith('demo_financecloud_tokens=;'))).toBe(true);
    const after = rendered((await agent.get(`/demo/financecloud?state=${end.searchParams.get('state')}`)).text);
    expect(after.locals.signedIn).toBeUndefined();
    expect(after.locals.loggedOut).toBe(true);
  });

  it('refreshes tokens of a public client and reports the rotation', async () => {
    const agent = request.agent(server);
    const { callbackPath } = await authorize(agent, idp, 'financeapp');
    const login = rendered((await agent.get(callbackPath)).text);
    expect(login.locals.tokenFields).toEqual(expect.arrayContaining([{ name: 'refresh_token', present: true }]));
    expect(idp.tokenRequests.at(-1)!.body.get('client_id')).toBe('financeapp');

    const first = await agent.get('/demo/financeapp/refresh');
    expect(first.status).toBe(200);
    expect(rendered(first.text).locals).toMatchObject({ kind: 'refresh', rotation: 'result.rotated', rotationOk: true });
    const second = rendered((await agent.get('/demo/financeapp/refresh')).text);
    expect(second.locals.rotation).toBe('result.rotated');
  });

  it('refuses refresh for a client without the refresh_token grant, and without a refresh token', async () => {
    const noGrant = await request(server).get('/demo/smartmsc/refresh');
    expect(noGrant.status).toBe(400);
    expect(rendered(noGrant.text).locals.error).toMatchObject({ message: 'smartMSC nutzt keine Refresh-Tokens.' });
    const noToken = await request(server).get('/demo/financeapp/refresh');
    expect(rendered(noToken.text).locals.error).toMatchObject({ message: expect.stringContaining('kein Refresh-Token') });
  });

  it('shows an error from the IdP clearly, with the way back to a new login', async () => {
    const res = await request(server).get('/demo/financecloud/callback?error=access_denied&error_description=End-User%20aborted%20interaction');
    expect(res.status).toBe(400);
    const page = rendered(res.text);
    expect(page.view).toBe('demo/client');
    expect(page.locals.error).toEqual({ message: 'Die Anmeldung wurde abgebrochen.', detail: 'access_denied: End-User aborted interaction' });
  });

  it('explains a callback without a started login and a failed code exchange, never a stack trace', async () => {
    const orphan = rendered((await request(server).get('/demo/financecloud/callback?code=x&state=y')).text);
    expect(orphan.locals.error).toMatchObject({ message: expect.stringContaining('keinen gestarteten Login') });

    const agent = request.agent(server);
    const { callbackPath } = await authorize(agent, idp, 'financecloud');
    const replayed = callbackPath.replace(/code=[^&]+/, 'code=unknown');
    const res = await agent.get(replayed);
    expect(res.status).toBe(400);
    const page = rendered(res.text);
    expect(page.locals.error).toEqual({ message: 'Der Autorisierungscode konnte nicht eingelöst werden.', detail: 'invalid_grant: grant request is invalid' });
    expect(res.text).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('rejects a callback whose state does not match the started login', async () => {
    const agent = request.agent(server);
    const { callbackPath } = await authorize(agent, idp, 'financecloud');
    const res = await agent.get(callbackPath.replace(/state=[^&]+/, 'state=forged'));
    expect(res.status).toBe(400);
    expect(rendered(res.text).locals.error).toMatchObject({ message: expect.stringContaining('passt nicht zu diesem Login') });
  });

  it('says so when the issuer cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const gone = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const down = buildApp(gone, [{ ...clients[0]!, redirect_uris: [`${gone}/demo/financecloud/callback`], post_logout_redirect_uris: [] }]);
    const res = await request(down).get('/demo/financecloud/login');
    expect(res.status).toBe(502);
    expect(rendered(res.text).locals.error).toMatchObject({ message: `financeIDENT ist unter ${gone} nicht erreichbar.` });
  });
});
