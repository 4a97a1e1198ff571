// A whole login as a person does it in Debian's Chromium: the relying party's authorization URL → hosted login →
// waiting page with the number → the financeIDENT device (simulator, in-process) approves with that number → the page
// continues by itself (SSE, public/js/waiting.js) to the relying party → code exchange → ID token with MFA claims.
// Then second logins in the same browser (interval 7 skips the approval, interval 0 does not) and the English pages.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { RelyingParty, type StartedLogin } from '../helpers/relying-party.js';
import { enrolDevice } from '../helpers/device.js';
import type { Device } from '../helpers/login-flow.js';
import { launchChromium, screenshot, type BrowserSession } from '../helpers/chromium.js';
import type { Language } from '../../src/i18n/language.js';
import { catchCallbacks, logOut, mainText, PHONE, screenshotsAtSizes, text, typePassword, WAIT, waitForCallback } from './hosted-pages.js';

// A real browser on a busy CI machine: generous per-test time; every wait inside has its own explicit condition.
jest.setTimeout(90_000);

const MFA = 'urn:financeident:acr:mfa';
let idp: TestIdp;
let rp: RelyingParty;
let always: Device; // 200006, interval 0 (a customer: FinanceCloud admits customers, OIDC-5)
let customer: Device; // 200001, interval 7
let browser: BrowserSession;
let page: Page;

beforeAll(async () => {
  idp = await startTestIdp();
  always = await enrolDevice(idp, '200006');
  customer = await enrolDevice(idp, '200001');
  rp = await RelyingParty.discover(idp, 'financecloud');
  browser = await launchChromium({ locale: 'de-DE', viewport: PHONE });
  page = browser.page;
  await catchCallbacks(page, rp);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await idp?.close();
});

/** Opens the relying party's authorization URL; the hosted login page shows. */
async function openLogin(lang: Language, extra: Record<string, string> = {}): Promise<StartedLogin> {
  const started = await rp.start(extra);
  await page.goto(started.url);
  await page.waitForURL(/\/interaction\/[^/?]+(\?.*)?$/, WAIT);
  await page.locator('h1', { hasText: text(lang, 'login.heading') }).waitFor(WAIT);
  return started;
}

/** After the password: the waiting page shows a number; returns it. */
async function waitingNumber(lang: Language): Promise<string> {
  await page.waitForURL(/\/interaction\/[^/]+\/approval$/, WAIT);
  await page.locator('h1', { hasText: text(lang, 'approval.heading') }).waitFor(WAIT);
  const number = (await page.locator('#approval-number').innerText()).trim();
  expect(number).toMatch(/^\d{2,8}$/);
  expect(await page.locator('#number-label').innerText()).toMatch(/^(Geben Sie|Wählen Sie|Enter|Pick) /);
  return number;
}

/** The device approves the one pending request with the number the page shows. */
async function approveOnDevice(device: Device, number: string): Promise<void> {
  const pending = await device.client.pending(device.state);
  expect(pending).toHaveLength(1);
  expect(pending[0]!.clientId).toBe('financecloud');
  expect(await device.client.decide(device.state, pending[0]!.id, 'approve', { number })).toMatchObject({ status: 'approved' });
}

async function claimsOf(callbackUrl: string, started: StartedLogin) {
  const tokens = await rp.finish(callbackUrl, started);
  return rp.verifyIdToken(tokens.id_token!);
}

describe('hosted login in Chromium', () => {
  it('password, then the number approved in the financeIDENT app: the page continues by itself and the ID token says MFA', async () => {
    const started = await openLogin('de');
    expect(await mainText(page)).toContain(text('de', 'login.intro', { client: 'FinanceCloud' }).slice(0, 20));
    await screenshot(page, 'login-de');
    await screenshotsAtSizes(page, 'login-de');

    await typePassword(page, 'de', '200006');
    const number = await waitingNumber('de');
    await expect(page.locator('#approval-status').innerText()).resolves.toMatch(/^Warte auf Ihre Bestätigung/);
    await screenshot(page, 'waiting-de');
    await screenshotsAtSizes(page, 'waiting-de');

    await approveOnDevice(always, number);
    const callback = await waitForCallback(page, rp); // no click: SSE tells the page
    expect(new URL(callback).searchParams.get('code')).toBeTruthy();
    const claims = await claimsOf(callback, started);
    expect(claims.sub).toBe('acc_subcustomer');
    expect(claims.acr).toBe(MFA);
    expect(claims.amr).toEqual(['pwd', 'mfa', 'hwk']);
  });

  it('a second login in the same browser within the 7-day interval skips the approval (amr pwd)', async () => {
    await logOut(page, rp, 'de', 'logout-flow-de');

    // First login of 200001 in this browser: with the approval; the browser is remembered for 7 days.
    const first = await openLogin('de');
    await typePassword(page, 'de', '200001');
    await approveOnDevice(customer, await waitingNumber('de'));
    const firstClaims = await claimsOf(await waitForCallback(page, rp), first);
    expect(firstClaims.sub).toBe('acc_customer');
    expect(firstClaims.amr).toEqual(['pwd', 'mfa', 'hwk']);
    await logOut(page, rp, 'de');

    // Second login: straight from the password to the relying party, no waiting page.
    const second = await openLogin('de');
    const visited: string[] = [];
    const onNavigate = (frame: import('playwright-core').Frame) => {
      if (frame === page.mainFrame()) visited.push(frame.url());
    };
    page.on('framenavigated', onNavigate);
    await typePassword(page, 'de', '200001');
    const callback = await waitForCallback(page, rp);
    page.off('framenavigated', onNavigate);
    expect(visited.filter((u) => /\/approval$|\/sms$|\/second-factor$/.test(new URL(u).pathname))).toEqual([]);
    expect(await customer.client.pending(customer.state)).toHaveLength(0);
    const claims = await claimsOf(callback, second);
    expect(claims.sub).toBe('acc_customer');
    expect(claims.amr).toEqual(['pwd']);
    expect(claims.acr).not.toBe(MFA);
  });

  it('with interval 0 a second login in the same browser shows the waiting page again', async () => {
    await logOut(page, rp, 'de');
    const started = await openLogin('de');
    await typePassword(page, 'de', '200006');
    const number = await waitingNumber('de');
    await screenshot(page, 'waiting-again-de');
    await approveOnDevice(always, number);
    const claims = await claimsOf(await waitForCallback(page, rp), started);
    expect(claims.sub).toBe('acc_subcustomer');
    expect(claims.amr).toEqual(['pwd', 'mfa', 'hwk']);
  });

  it('the language link shows the pages in English, the waiting page included', async () => {
    await logOut(page, rp, 'de');
    const started = await openLogin('de');
    const link = page.getByRole('link', { name: 'English', exact: true });
    expect(await link.getAttribute('lang')).toBe('en');
    await link.click();
    await page.locator('h1', { hasText: text('en', 'login.heading') }).waitFor(WAIT);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('link', { name: 'Deutsch', exact: true }).isVisible()).toBe(true);
    const shown = await mainText(page);
    expect(shown).toContain(text('en', 'login.loginId'));
    expect(shown).not.toContain('Passwort');
    await screenshot(page, 'login-en');
    await screenshotsAtSizes(page, 'login-en');

    await typePassword(page, 'en', '200006');
    const number = await waitingNumber('en');
    expect(await mainText(page)).not.toMatch(/Bitte|Warte|Anmeldung/);
    await screenshot(page, 'waiting-en');
    await screenshotsAtSizes(page, 'waiting-en');
    await approveOnDevice(always, number);
    const claims = await claimsOf(await waitForCallback(page, rp), started);
    expect(claims.amr).toEqual(['pwd', 'mfa', 'hwk']);
  });
});
