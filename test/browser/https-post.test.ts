// POST at /auth in a real browser over real TLS: a relying party on another site submits a form to the IdP, and only
// a SameSite=None; Secure session cookie lets single sign-on see that POST (OIDC Core 3.1.2.1, item 2 of issue 12).
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as client from 'openid-client';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { buildContainer, type Container } from '../../src/container.js';
import { createLogger } from '../../src/shared/logger.js';
import { launchChromium, screenshot, type BrowserSession } from '../helpers/chromium.js';
import { text, typePassword, WAIT } from './hosted-pages.js';

jest.setTimeout(90_000);

const MOBILE = '+4915122222205';
let dir: string;
let container: Container;
let idpServer: Server;
let rpServer: Server;
let issuer: string;
let rpOrigin: string;
let browser: BrowserSession;
const callbacks: URL[] = [];

/** A self-signed certificate for localhost (Node 20 cannot make X.509 certificates itself). */
async function localhostCertificate(): Promise<{ key: Buffer; cert: Buffer }> {
  await promisify(execFile)('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost',
  ]);
  return { key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'cert.pem')) };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fi-https-post-'));
  // The relying party: another site (127.0.0.1 vs localhost), plain http, with a form page and a callback.
  rpServer = createHttpServer((req, res) => {
    const url = new URL(req.url!, rpOrigin);
    if (url.pathname === '/cb') callbacks.push(url);
    const form = url.searchParams.get('form');
    const body = form
      ? `<form method="post" action="${issuer}/auth">${[...new URLSearchParams(form)].map(([k, v]) => `<input type="hidden" name="${k}" value="${v.replaceAll('"', '&quot;')}">`).join('')}<button type="submit">Weiter zu financeIDENT</button></form>`
      : '<p>RP</p>';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!DOCTYPE html><html lang="de"><title>RP</title>${body}</html>`);
  });
  await new Promise<void>((resolve) => rpServer.listen(0, '127.0.0.1', resolve));
  rpOrigin = `http://127.0.0.1:${(rpServer.address() as AddressInfo).port}`;

  idpServer = createHttpsServer(await localhostCertificate());
  await new Promise<void>((resolve) => idpServer.listen(0, '127.0.0.1', resolve));
  issuer = `https://localhost:${(idpServer.address() as AddressInfo).port}`;
  const clientsFile = join(dir, 'clients.json');
  await writeFile(clientsFile, JSON.stringify([{ client_id: 'financecloud', client_name: 'FinanceCloud', client_secret: 'financecloud-test-secret-0000000000001', redirect_uris: [`${rpOrigin}/cb`], allowed_roles: ['customer'] }]));
  const config = loadConfig({ NODE_ENV: 'test', PORT: '443', ISSUER: issuer, DEV_STATE_DIR: dir, LOG_LEVEL: 'silent', OIDC_CLIENTS_FILE: clientsFile });
  container = await buildContainer(config, { logger: createLogger({ level: 'silent' }) });
  idpServer.on('request', buildApp(container).app.callback());
  // 200005 may carry its second factor by single sign-on for 7 days (OIDC-6), so a silent request can succeed.
  await container.intervals.setOwnInterval('acc_smsonly', 7);
  browser = await launchChromium({ locale: 'de-DE', ignoreHTTPSErrors: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  idpServer?.closeAllConnections();
  await new Promise((r) => idpServer?.close(r));
  await new Promise((r) => rpServer?.close(r));
  await container?.close();
  await rm(dir, { recursive: true, force: true });
});

/** The relying party's page posts the authorization request to the IdP when the person clicks. */
async function postFromRp(extra: Record<string, string> = {}): Promise<string> {
  const state = client.randomState();
  const form = new URLSearchParams({
    client_id: 'financecloud',
    response_type: 'code',
    scope: 'openid',
    redirect_uri: `${rpOrigin}/cb`,
    state,
    code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
    ...extra,
  });
  await browser.page.goto(`${rpOrigin}/start?form=${encodeURIComponent(form.toString())}`);
  await browser.page.getByRole('button', { name: 'Weiter zu financeIDENT' }).click();
  return state;
}

async function callbackFor(state: string): Promise<URL> {
  await browser.page.waitForURL((u) => u.toString().startsWith(`${rpOrigin}/cb`), WAIT);
  const found = callbacks.find((u) => u.searchParams.get('state') === state);
  expect(found).toBeDefined();
  return found!;
}

describe('POST /auth from another site, over https, in Chromium', () => {
  it('logs in, and a later silent POST (prompt=none) sees the session: the cookie is SameSite=None; Secure', async () => {
    const first = await postFromRp();
    await typePassword(browser.page, 'de', '200005');
    await browser.page.waitForURL(/\/sms$/, WAIT);
    const code = /(\d{6})/.exec(container.smsSink!.lastTo(MOBILE)!.text)![1]!;
    await browser.page.getByLabel(text('de', 'sms.code'), { exact: true }).fill(code);
    await browser.page.getByRole('button', { name: text('de', 'sms.submit'), exact: true }).click();
    expect((await callbackFor(first)).searchParams.get('code')).toBeTruthy();

    const session = (await browser.context.cookies(issuer)).find((c) => c.name === '_session');
    expect(session).toMatchObject({ sameSite: 'None', secure: true, httpOnly: true });

    const silent = await postFromRp({ prompt: 'none' });
    const answer = await callbackFor(silent);
    expect(answer.searchParams.get('error')).toBeNull();
    expect(answer.searchParams.get('code')).toBeTruthy();
    await screenshot(browser.page, 'https-post-silent-callback');
  });

  it('control: were the session cookie SameSite=Lax, the same cross-site POST would not carry it (login_required)', async () => {
    const cookies = await browser.context.cookies(issuer);
    await browser.context.addCookies(cookies.filter((c) => c.name.startsWith('_session')).map((c) => ({ ...c, sameSite: 'Lax' as const })));
    const silent = await postFromRp({ prompt: 'none' });
    expect((await callbackFor(silent)).searchParams.get('error')).toBe('login_required');
  });
});
