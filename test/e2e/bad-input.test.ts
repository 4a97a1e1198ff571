// Bad input from relying parties and browsers: clear pages or OIDC errors, never a 500, a stack trace or a stray code.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as client from 'openid-client';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { Browser, alertText, findForm, type Page } from '../helpers/browser.js';
import { RelyingParty, passwordLogin } from '../helpers/relying-party.js';
import { enrolDevice } from '../helpers/device.js';
import { loginWithApproval, type Device } from '../helpers/login-flow.js';
import { MESSAGES } from '../../src/i18n/messages.js';

let idp: TestIdp;
let device: Device;
let rp: RelyingParty;
beforeAll(async () => {
  idp = await startTestIdp();
  device = await enrolDevice(idp, '200001');
  rp = await RelyingParty.discover(idp, 'financecloud');
});
afterAll(async () => idp.close());

/** What a user must never see: stack frames or raw error names. */
function expectNoInternals(body: string) {
  expect(body).not.toMatch(/\n\s+at /);
  expect(body).not.toMatch(/\bat [\w.<>]+ \(/);
  expect(body).not.toContain('Error:');
  expect(body).not.toContain('node_modules');
}

function expectErrorPage(status: number, html: string, contentType: string | null) {
  expect(status).toBeGreaterThanOrEqual(400);
  expect(status).toBeLessThan(500);
  expect(contentType).toMatch(/text\/html/);
  expect(html).toContain(MESSAGES['error.heading'].de);
  expectNoInternals(html);
}

/** A raw request from the browser (its cookies), for bodies no real form would send. */
async function rawPost(browser: Browser, url: string, body: string | Blob, contentType: string): Promise<Response> {
  const cookie = await browser.jar.getCookieString(url);
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...browser.headers, cookie, 'content-type': contentType, accept: 'text/html' },
    body,
  });
}

/** Follows the redirect of a raw POST's answer as the browser would (GET). */
async function followRedirect(browser: Browser, response: Response, from: string): Promise<Page> {
  expect(response.status).toBe(303);
  for (const set of response.headers.getSetCookie()) await browser.jar.setCookie(set, from, { ignoreError: true });
  return browser.go(new URL(response.headers.get('location')!, from).toString());
}

/** Opens the hosted login page of a fresh login. */
async function openLogin(): Promise<{ browser: Browser; page: Page }> {
  const browser = new Browser();
  const started = await rp.start();
  const page = await browser.go(started.url, {}, rp.redirectUri);
  expect(page.status).toBe(200);
  expect(page.url).toMatch(/\/interaction\/[^/]+$/);
  return { browser, page };
}

describe('bad authorization requests', () => {
  it('an unknown client_id gets a German error page, no redirect', async () => {
    const url = new URL('/auth', idp.url);
    url.search = new URLSearchParams({
      client_id: 'no-such-client',
      redirect_uri: 'https://evil.example/callback',
      response_type: 'code',
      scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGEz-3anYw',
      code_challenge_method: 'S256',
    }).toString();
    const response = await new Browser().request(url.toString());
    expect(response.headers.get('location')).toBeNull();
    const html = await response.text();
    expectErrorPage(response.status, html, response.headers.get('content-type'));
    expect(html).toContain(MESSAGES['oidc.invalid_client'].de);
    // the only mention may be the language switch back to this same request, never a link or form to it
    expect(html).not.toMatch(/(href|action)="https?:\/\/evil\.example/);
  });

  it('an unregistered redirect_uri gets an error page, no redirect to it', async () => {
    const started = await rp.start({ redirect_uri: 'https://evil.example/callback' });
    const response = await new Browser().request(started.url);
    expect(response.headers.get('location')).toBeNull();
    const html = await response.text();
    expectErrorPage(response.status, html, response.headers.get('content-type'));
    expect(html).toContain(MESSAGES['oidc.invalid_redirect_uri'].de);
  });

  it('a request without PKCE is refused: invalid_request back to the client, no code', async () => {
    const url = client.buildAuthorizationUrl(rp.config, {
      redirect_uri: rp.redirectUri,
      scope: 'openid',
      state: 'st-1',
      nonce: 'n-1',
    });
    const browser = new Browser();
    const page = await browser.go(url.toString(), {}, rp.redirectUri);
    if (page.status === 0) {
      const params = new URL(page.url).searchParams;
      expect(params.get('error')).toBe('invalid_request');
      expect(params.get('state')).toBe('st-1');
      expect(params.get('code')).toBeNull();
    } else {
      expectErrorPage(page.status, page.html, page.headers.get('content-type'));
      expect(page.html).not.toContain('name="password"');
    }
  });

  it('a plain (non-S256) code challenge is refused too, no code', async () => {
    const url = client.buildAuthorizationUrl(rp.config, {
      redirect_uri: rp.redirectUri,
      scope: 'openid',
      state: 'st-2',
      code_challenge: 'plain-challenge-plain-challenge-plain-challenge-1234',
      code_challenge_method: 'plain',
    });
    const page = await new Browser().go(url.toString(), {}, rp.redirectUri);
    if (page.status === 0) {
      expect(new URL(page.url).searchParams.get('error')).toBe('invalid_request');
      expect(new URL(page.url).searchParams.get('code')).toBeNull();
    } else {
      expectErrorPage(page.status, page.html, page.headers.get('content-type'));
    }
  });
});

describe('bad token requests', () => {
  it('a wrong PKCE verifier gets invalid_grant', async () => {
    const started = await rp.start();
    const callback = await loginWithApproval(new Browser(), rp, started, device, '200001');
    expect(callback.status).toBe(0);
    const wrong = { ...started, verifier: client.randomPKCECodeVerifier() };
    await expect(rp.finish(callback.url, wrong)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('a replayed authorization code gets invalid_grant the second time', async () => {
    const started = await rp.start();
    const callback = await loginWithApproval(new Browser(), rp, started, device, '200001');
    expect(callback.status).toBe(0);
    const tokens = await rp.finish(callback.url, started);
    expect(tokens.access_token).toBeTruthy();
    await expect(rp.finish(callback.url, started)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});

describe('bad form posts to the login', () => {
  it('password sent as an array: a clear 4xx page, no login', async () => {
    const { browser, page } = await openLogin();
    const form = findForm(page.html, '/login');
    const action = new URL(form.action, page.url).toString();
    const body = new URLSearchParams([
      ['_csrf', form.fields._csrf!],
      ['loginId', '200001'],
      ['password', 'Demo-Passwort-2026'],
      ['password', 'Demo-Passwort-2026'],
    ]).toString();
    const response = await rawPost(browser, action, body, 'application/x-www-form-urlencoded');
    // Post/redirect/get: the form page shows the message (a reload or the language switch keeps it).
    const shown = await followRedirect(browser, response, action);
    expect(shown.status).toBeGreaterThanOrEqual(400);
    expect(shown.status).toBeLessThan(500);
    expect(shown.url).toBe(page.url);
    expect(alertText(shown.html)).toBe(MESSAGES['login.missingFields'].de);
    expectNoInternals(shown.html);
  });

  it('bracket-style nested fields: a clear 4xx page, no login', async () => {
    const { browser, page } = await openLogin();
    const form = findForm(page.html, '/login');
    const action = new URL(form.action, page.url).toString();
    const body = `_csrf=${encodeURIComponent(form.fields._csrf!)}&loginId[a]=200001&password[]=x&password[b][c]=y`;
    const response = await rawPost(browser, action, body, 'application/x-www-form-urlencoded');
    const shown = await followRedirect(browser, response, action);
    expect(shown.status).toBeGreaterThanOrEqual(400);
    expect(shown.status).toBeLessThan(500);
    expect(alertText(shown.html)).toBe(MESSAGES['login.missingFields'].de);
    expectNoInternals(shown.html);
  });

  it.each([
    ['garbage content-type', 'loginId=200001&password=x', 'application/x-garbage'],
    ['binary octet-stream', new Blob([new Uint8Array([0, 255, 1, 254, 2])]), 'application/octet-stream'],
    ['broken JSON', '{"loginId": "200001", "password": ', 'application/json'],
    ['malformed multipart', '--x\r\nContent-Disposition: form-data; name="loginId"\r\n\r\n200001', 'multipart/form-data; boundary=x'],
  ])('%s: a clear page, never 500', async (_what, body, contentType) => {
    const { browser, page } = await openLogin();
    const response = await rawPost(browser, `${page.url}/login`, body, contentType);
    expect(response.status).toBeLessThan(500);
    if (response.status === 303) {
      // No form token could be read from the body: the form again, saying why, with a fresh token.
      const shown = await followRedirect(browser, response, `${page.url}/login`);
      expect(shown.url).toBe(`${page.url}?expired=csrf`);
      expect(shown.html).toContain(MESSAGES['error.csrfRetry'].de);
      expect(findForm(shown.html, '/login').fields._csrf).toBeTruthy();
      expectNoInternals(shown.html);
    } else {
      const html = await response.text();
      expectErrorPage(response.status, html, response.headers.get('content-type'));
      expectNoInternals(html);
    }
  });

  it('an oversized form post (> 16 kB) gets 413 with a clear page', async () => {
    const { browser, page } = await openLogin();
    const form = findForm(page.html, '/login');
    const body = new URLSearchParams({ _csrf: form.fields._csrf!, loginId: '200001', password: 'x'.repeat(20_000) }).toString();
    const response = await rawPost(browser, new URL(form.action, page.url).toString(), body, 'application/x-www-form-urlencoded');
    const html = await response.text();
    expectErrorPage(response.status, html, response.headers.get('content-type'));
    expect(response.status).toBe(413);
    expect(html).toContain(MESSAGES['error.tooLarge'].de);
  });

  it('a post without its _csrf token gets the 403 CSRF page and does not log in', async () => {
    const { browser, page } = await openLogin();
    const form = findForm(page.html, '/login');
    const action = new URL(form.action, page.url).toString();
    const response = await browser.request(action, { method: 'POST', form: { loginId: '200001', password: 'Demo-Passwort-2026' } });
    const html = await response.text();
    expect(response.status).toBe(403);
    expect(response.headers.get('location')).toBeNull();
    expect(html).toContain(MESSAGES['error.csrf'].de);
    expectNoInternals(html);

    const after = await browser.go(page.url);
    expect(after.status).toBe(200);
    expect(after.url).toBe(page.url);
    expect(after.html).toContain('name="password"');
    expect((await device.client.pending(device.state)).length).toBe(0);
  });

  it('a post with a forged _csrf token gets the 403 CSRF page too', async () => {
    const { browser, page } = await openLogin();
    const after = await browser.submit(page, '/login', { _csrf: 'forged-token', loginId: '200001', password: 'Demo-Passwort-2026' });
    expect(after.status).toBe(403);
    expect(after.html).toContain(MESSAGES['error.csrf'].de);
    const again = await browser.go(page.url);
    expect(again.html).toContain('name="password"');
  });

  it('a post to an unknown interaction gets the expired page, not a 500', async () => {
    const { browser, page } = await openLogin();
    const bogus = page.url.replace(/\/interaction\/[^/]+$/, '/interaction/not-a-real-uid');
    const form = findForm(page.html, '/login');
    const response = await browser.request(`${bogus}/login`, { method: 'POST', form: { ...form.fields, loginId: '200001', password: 'x' } });
    const html = await response.text();
    expectErrorPage(response.status, html, response.headers.get('content-type'));
    expect(html).toContain(MESSAGES['error.interactionExpired'].de);
  });

  it('the good path still works after all this: password leads on to the approval page', async () => {
    const browser = new Browser();
    const started = await rp.start();
    const waiting = await passwordLogin(browser, rp, started, '200001', 'Demo-Passwort-2026');
    expect(waiting.url).toMatch(/\/approval$/);
    const pending = await device.client.pending(device.state);
    expect(pending).toHaveLength(1);
    await device.client.decide(device.state, pending[0]!.id, 'deny', {});
  });
});
