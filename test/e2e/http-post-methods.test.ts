// POST at the authorization and end-session endpoints (OIDC Core 3.1.2.1, RP-Initiated Logout 1.0 §2) when the issuer is https; GET only on plain http.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as client from 'openid-client';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { Browser } from '../helpers/browser.js';
import { RelyingParty } from '../helpers/relying-party.js';
import { behindTlsProxy } from '../helpers/tls-proxy.js';

const MOBILE = '+4915122222205'; // 200005, an SMS-only customer

/** The form fields an RP's auto-submitting form would POST: exactly the query openid-client built. */
const formOf = (url: string) => Object.fromEntries(new URL(url).searchParams);

function sessionCookie(browser: Browser, url: string) {
  return browser.jar.getCookiesSync(url).find((c) => c.key === '_session');
}

describe('https issuer (behind a TLS-terminating proxy)', () => {
  let idp: TestIdp;
  let rp: RelyingParty;
  const proxied = behindTlsProxy();

  beforeAll(async () => {
    // FinanceCloud alone: the demo FinanceApp (a native client) may not use https URIs on localhost, which this issuer is.
    const demo = JSON.parse(readFileSync(new URL('../../config/demo-clients.json', import.meta.url), 'utf8')) as { client_id: string }[];
    const file = join(mkdtempSync(join(tmpdir(), 'fi-post-')), 'clients.json');
    writeFileSync(file, JSON.stringify(demo.filter((c) => c.client_id === 'financecloud')));
    idp = await startTestIdp({ https: true, env: { OIDC_CLIENTS_FILE: file } });
    rp = await RelyingParty.discover(idp, 'financecloud', { fetch: proxied });
  });
  afterAll(async () => idp.close());

  it('a whole login starts with POST /auth; the session cookie is SameSite=None; Secure; logout works by POST /session/end', async () => {
    const meta = rp.config.serverMetadata();
    expect(meta.authorization_endpoint).toBe(`${idp.url}/auth`);
    expect(meta.end_session_endpoint).toBe(`${idp.url}/session/end`);

    const browser = new Browser(undefined, proxied);
    const started = await rp.start();
    const login = await browser.go(meta.authorization_endpoint!, { method: 'POST', form: formOf(started.url) }, rp.redirectUri);
    expect(login.status).toBe(200);
    expect(login.url).toMatch(/\/interaction\/[^/]+$/);
    const smsPage = await browser.submit(login, '/login', { loginId: '200005', password: 'Demo-Passwort-2026' }, rp.redirectUri);
    expect(smsPage.url).toMatch(/\/sms$/);
    const code = /Login-Code: (\d{6}) /.exec(idp.container.smsSink!.lastTo(MOBILE)!.text)![1]!;
    const callback = await browser.submit(smsPage, '/sms', { code }, rp.redirectUri);
    expect(callback.status).toBe(0);
    const tokens = await rp.finish(callback.url, started);
    const claims = await rp.verifyIdToken(tokens.id_token!);
    expect(claims).toMatchObject({ sub: 'acc_smsonly', iss: idp.url, acr: 'urn:financeident:acr:mfa' });

    const session = sessionCookie(browser, idp.url);
    expect(session).toBeDefined();
    expect(session!.sameSite).toBe('none');
    expect(session!.secure).toBe(true);
    expect(session!.httpOnly).toBe(true);

    const endUrl = client.buildEndSessionUrl(rp.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: rp.postLogoutRedirectUri!, state: 'bye-1' });
    const confirm = await browser.go(meta.end_session_endpoint!, { method: 'POST', form: formOf(endUrl.toString()) });
    expect(confirm.status).toBe(200);
    const done = await browser.submit(confirm, '/session/end', { logout: 'yes' }, rp.postLogoutRedirectUri);
    expect(done.status).toBe(0);
    expect(new URL(done.url).searchParams.get('state')).toBe('bye-1');

    // The session is over: the next authorization (again by POST) asks for the password.
    const next = await rp.start();
    const again = await browser.go(meta.authorization_endpoint!, { method: 'POST', form: formOf(next.url) }, rp.redirectUri);
    expect(again.status).toBe(200);
    expect(again.html).toContain('name="password"');
  });

  it('a malformed POST /auth gets an OIDC error, not a 404', async () => {
    const res = await proxied(`${idp.url}/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'financecloud', response_type: 'code', scope: 'openid', redirect_uri: rp.redirectUri }).toString(),
      redirect: 'manual',
    });
    // PKCE is missing: the error goes back to the (valid) redirect URI as the spec asks.
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(rp.redirectUri);
    expect(location.searchParams.get('error')).toBe('invalid_request');
  });
});

describe('plain-http issuer (development)', () => {
  let idp: TestIdp;
  let rp: RelyingParty;

  beforeAll(async () => {
    idp = await startTestIdp({ redis: false });
    rp = await RelyingParty.discover(idp, 'financecloud');
  });
  afterAll(async () => idp.close());

  it('GET /auth works; POST /auth and POST /session/end are not offered (404)', async () => {
    const started = await rp.start();
    const form = formOf(started.url);
    const post = await fetch(`${idp.url}/auth`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString(), redirect: 'manual' });
    expect(post.status).toBe(404);
    const end = await fetch(`${idp.url}/session/end`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'client_id=financecloud', redirect: 'manual' });
    expect(end.status).toBe(404);

    const browser = new Browser();
    const login = await browser.go(started.url, {}, rp.redirectUri);
    expect(login.status).toBe(200);
    expect(login.html).toContain('name="password"');
  });
});
