// OIDC-5: each client names the roles that may use it; anyone else is refused after the password with a clear page,
// before any approval or SMS, and the relying party gets access_denied. The internal account client admits everyone.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as client from 'openid-client';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { Browser, type Page } from '../helpers/browser.js';
import { passwordLogin, RelyingParty } from '../helpers/relying-party.js';
import { enrolDevice, shownNumber } from '../helpers/device.js';
import { loginWithApproval, type Device } from '../helpers/login-flow.js';
import { translate } from '../../src/i18n/messages.js';
import { ROLES } from '../../src/domain/account.js';
import { ACCOUNT_CLIENT_ID } from '../../src/config/account-client.js';
import { ClientConfigError, parseClients } from '../../src/config/clients.js';

const PASSWORD = 'Demo-Passwort-2026';
let idp: TestIdp;
let cloud: RelyingParty;
let app: RelyingParty;
let smartmsc: RelyingParty;
const devices: Record<string, Device> = {};

beforeAll(async () => {
  idp = await startTestIdp();
  cloud = await RelyingParty.discover(idp, 'financecloud');
  app = await RelyingParty.discover(idp, 'financeapp');
  smartmsc = await RelyingParty.discover(idp, 'smartmsc');
  for (const loginId of ['100001', '200001']) devices[loginId] = await enrolDevice(idp, loginId);
});
afterAll(async () => idp.close());

const heading = (html: string) => /<h1>([^<]*)<\/h1>/.exec(html)?.[1]?.replace('&amp;', '&');

/** The refusal page's own link back: the relying party's callback, parsed by openid-client as a real RP would. */
async function followBack(browser: Browser, page: Page, rp: RelyingParty, started: Awaited<ReturnType<RelyingParty['start']>>) {
  const link = /href="(\/interaction\/[^"]+\/refused)"/.exec(page.html)?.[1];
  expect(link).toBeDefined();
  const callback = await browser.go(new URL(link!, page.url).toString(), {}, rp.redirectUri);
  expect(callback.status).toBe(0);
  return rp.finish(callback.url, started).catch((e: unknown) => e);
}

describe.each([
  ['a broker at FinanceCloud', 'financecloud', '100001', 'FinanceCloud', 'Kunden'],
  ['a broker at FinanceApp', 'financeapp', '100001', 'FinanceApp', 'Kunden'],
  ['a customer at smartMSC', 'smartmsc', '200001', 'smartMSC', 'Vermittlern, Mitarbeitern von Vermittlern und Untervermittlern'],
  ['an SMS customer at smartMSC', 'smartmsc', '200005', 'smartMSC', 'Vermittlern, Mitarbeitern von Vermittlern und Untervermittlern'],
])('%s', (_name, clientId, loginId, clientName, audience) => {
  it('is refused after the password with a page saying why; no approval, push or SMS; the RP gets access_denied', async () => {
    const rp = { financecloud: cloud, financeapp: app, smartmsc }[clientId]!;
    const smsBefore = idp.container.smsSink!.list().length;
    const approvalsBefore = (await idp.container.audit.list({ type: 'approval.created' })).length;
    const browser = new Browser();
    const started = await rp.start();
    const page = await passwordLogin(browser, rp, started, loginId, PASSWORD);

    expect(page.status).toBe(403);
    expect(heading(page.html)).toBe(translate('de', 'notice.roleRefused.heading', { client: clientName }));
    expect(page.html).toContain(translate('de', 'notice.roleRefused.text', { client: clientName, audience }));
    expect(idp.container.smsSink!.list()).toHaveLength(smsBefore);
    expect(await idp.container.audit.list({ type: 'approval.created' })).toHaveLength(approvalsBefore);
    if (devices[loginId]) expect(await devices[loginId]!.client.pending(devices[loginId]!.state)).toEqual([]);

    const outcome = await followBack(browser, page, rp, started);
    expect(outcome).toBeInstanceOf(client.AuthorizationResponseError);
    expect(outcome).toMatchObject({ error: 'access_denied' });
  });
});

describe('the refusal page', () => {
  it('speaks English when asked', async () => {
    const browser = new Browser({ 'accept-language': 'en-GB,en;q=0.9' });
    const page = await passwordLogin(browser, cloud, await cloud.start(), '100001', PASSWORD);
    expect(page.status).toBe(403);
    expect(heading(page.html)).toBe('No access to FinanceCloud');
    expect(page.html).toContain(translate('en', 'notice.roleRefused.text', { client: 'FinanceCloud', audience: 'customers' }));
  });

  it('its language link leads back to the login form in the other language (not to an error)', async () => {
    const browser = new Browser();
    const page = await passwordLogin(browser, cloud, await cloud.start(), '100001', PASSWORD);
    const link = /<a class="lang" href="([^"]+)"/.exec(page.html)![1]!.replaceAll('&amp;', '&');
    const english = await browser.go(new URL(link, page.url).toString());
    expect(english.status).toBe(200);
    expect(english.html).toContain('<html lang="en">');
    expect(english.html).toContain('name="password"');
  });

  it('a wrong password says "wrong password", not which portal the account belongs to', async () => {
    const page = await passwordLogin(new Browser(), cloud, await cloud.start(), '100001', 'falsch-falsch-falsch');
    expect(page.status).toBe(401);
    expect(page.html).not.toContain(translate('de', 'notice.roleRefused.heading', { client: 'FinanceCloud' }));
  });
});

describe('single sign-on does not carry an account into a client its role may not use', () => {
  it('a customer signed in at FinanceCloud is asked to sign in at smartMSC; prompt=none gets login_required', async () => {
    const browser = new Browser();
    const started = await cloud.start();
    expect((await loginWithApproval(browser, cloud, started, devices['200001']!, '200001')).status).toBe(0);

    const silent = await smartmsc.start({ prompt: 'none' });
    const answer = await browser.go(silent.url, {}, smartmsc.redirectUri);
    expect(answer.status).toBe(0);
    expect(new URL(answer.url).searchParams.get('error')).toBe('login_required');
    expect(new URL(answer.url).searchParams.get('code')).toBeNull();

    const normal = await smartmsc.start();
    const page = await browser.go(normal.url, {}, smartmsc.redirectUri);
    expect(page.status).toBe(200);
    expect(page.html).toContain('name="password"');
  });
});

describe('the internal account client (fi-account)', () => {
  it('admits every role', () => {
    for (const role of ROLES) expect(idp.container.clientRoles.allows(ACCOUNT_CLIENT_ID, role)).toBe(true);
    expect(idp.container.clientRoles.allows('no-such-client', 'customer')).toBe(false);
  });

  it('a broker signs in to the account page (approval asked, no refusal)', async () => {
    const browser = new Browser();
    const first = await browser.go(`${idp.url}/account`);
    const waiting = await browser.submit(first, '/login', { loginId: '100001', password: PASSWORD });
    expect(waiting.url).toMatch(/\/approval$/);
    const device = devices['100001']!;
    const [pending] = await device.client.pending(device.state);
    expect(pending!.clientId).toBe(ACCOUNT_CLIENT_ID);
    await device.client.decide(device.state, pending!.id, 'approve', { number: shownNumber(waiting.html) });
    const account = await browser.go(waiting.url.replace(/\/approval$/, '/finish'));
    expect(account.url).toBe(`${idp.url}/account`);
  });
});

describe('allowed_roles in OIDC_CLIENTS_FILE', () => {
  const base = { client_id: 'x', client_secret: 'a-secret-of-at-least-thirty-two-chars!', redirect_uris: ['https://rp.example/cb'] };

  it('accepts known roles and leaves it out for every role', () => {
    expect(parseClients([{ ...base, allowed_roles: ['broker', 'subBroker'] }], 'https://idp.example')[0]!.allowed_roles).toEqual(['broker', 'subBroker']);
    expect(parseClients([base], 'https://idp.example')[0]!.allowed_roles).toBeUndefined();
  });

  it.each([[['admin']], [[]], ['customer']])('refuses %j with the key named', (value) => {
    let error: unknown;
    try {
      parseClients([{ ...base, allowed_roles: value }], 'https://idp.example');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ClientConfigError);
    expect((error as ClientConfigError).problems.join('\n')).toMatch(/allowed_roles/);
  });
});
