// axe-core on every hosted page a person meets, in German and English: no serious or critical violations.
// Pages: login, waiting, SMS, no device yet, no mobile number, error (unknown application), logout confirmation and
// "signed out", and the account page. Each page is kept as a screenshot.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { RelyingParty } from '../helpers/relying-party.js';
import { enrolDevice } from '../helpers/device.js';
import type { Device } from '../helpers/login-flow.js';
import { launchChromium, type BrowserSession } from '../helpers/chromium.js';
import type { Language } from '../../src/i18n/language.js';
import { catchCallbacks, checkPage, PHONE, screenshotsAtSizes, text, typePassword, WAIT, waitForCallback } from './hosted-pages.js';
import type { MessageKey } from '../../src/i18n/messages.js';

// A real browser on a busy CI machine: generous per-test time; every wait inside has its own explicit condition.
jest.setTimeout(90_000);

let idp: TestIdp;
let rp: RelyingParty;
let device: Device; // 200006, a customer with interval 0 (FinanceCloud admits customers, OIDC-5)

beforeAll(async () => {
  idp = await startTestIdp();
  device = await enrolDevice(idp, '200006');
  rp = await RelyingParty.discover(idp, 'financecloud');
}, 60_000);
afterAll(async () => idp?.close());


async function heading(page: Page, lang: Language, key: MessageKey): Promise<void> {
  await page.locator('h1', { hasText: text(lang, key) }).waitFor(WAIT);
}

describe.each([
  ['de', 'de-DE'],
  ['en', 'en-US'],
] as const)('accessibility of the hosted pages (%s)', (lang, locale) => {
  let browser: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium({ locale, viewport: PHONE });
    page = browser.page;
    await catchCallbacks(page, rp);
  }, 60_000);
  afterAll(async () => browser?.close());

  async function passwordFor(loginId: string): Promise<void> {
    await page.goto((await rp.start()).url);
    await typePassword(page, lang, loginId);
  }

  it('login page', async () => {
    await page.goto((await rp.start()).url);
    await heading(page, lang, 'login.heading');
    expect(await page.locator('html').getAttribute('lang')).toBe(lang);
    await checkPage(page, `login-${lang}`);
  });

  it('login page with a wrong password', async () => {
    await passwordFor('200006-wrong');
    await page.getByRole('alert').waitFor(WAIT);
    expect(await page.getByRole('alert').innerText()).toBe(text(lang, 'login.invalid'));
    await checkPage(page, `login-error-${lang}`);
  });

  it('waiting page, then logout confirmation and the signed-out page', async () => {
    const started = await rp.start();
    await page.goto(started.url);
    await typePassword(page, lang, '200006');
    await page.waitForURL(/\/approval$/, WAIT);
    await heading(page, lang, 'approval.heading');
    await checkPage(page, `waiting-${lang}`);

    const number = (await page.locator('#approval-number').innerText()).trim();
    const [pending] = await device.client.pending(device.state);
    await device.client.decide(device.state, pending!.id, 'approve', { number });
    await waitForCallback(page, rp);

    await page.goto(rp.config.serverMetadata().end_session_endpoint!);
    await heading(page, lang, 'logout.heading');
    await page.getByRole('button', { name: text(lang, 'logout.yes'), exact: true }).waitFor(WAIT);
    await checkPage(page, `logout-${lang}`);
    await page.getByRole('button', { name: text(lang, 'logout.yes'), exact: true }).click();
    await page.getByText(text(lang, 'logout.done')).waitFor(WAIT);
    await checkPage(page, `logout-success-${lang}`);
  });

  it('SMS code page', async () => {
    await passwordFor('200005');
    await page.waitForURL(/\/sms$/, WAIT);
    await heading(page, lang, 'sms.heading');
    await checkPage(page, `sms-${lang}`);
  });

  it('no device set up yet', async () => {
    await passwordFor('200003');
    await heading(page, lang, 'noDevice.heading');
    await checkPage(page, `no-device-${lang}`);
  });

  it('an account the application does not admit (a broker at FinanceCloud, OIDC-5)', async () => {
    await passwordFor('100001');
    await page.locator('h1', { hasText: text(lang, 'notice.roleRefused.heading', { client: 'FinanceCloud' }) }).waitFor(WAIT);
    expect(await page.getByRole('alert').innerText()).toContain('FinanceCloud');
    await checkPage(page, `role-refused-${lang}`);
    await screenshotsAtSizes(page, `role-refused-${lang}`);
  });

  it('no mobile number on file', async () => {
    await passwordFor('200002');
    await heading(page, lang, 'notice.noMobile.heading');
    await checkPage(page, `no-mobile-${lang}`);
  });

  it('error page for an unknown application', async () => {
    const url = new URL(rp.config.serverMetadata().authorization_endpoint!);
    url.search = new URLSearchParams({ client_id: 'unknown-app', response_type: 'code', scope: 'openid', redirect_uri: 'https://unknown.example/callback' }).toString();
    await page.goto(url.toString());
    await heading(page, lang, 'error.heading');
    expect(await page.getByRole('alert').innerText()).toBe(text(lang, 'oidc.invalid_client'));
    await checkPage(page, `error-unknown-client-${lang}`);
  });

  it('account page', async () => {
    await page.goto(`${idp.url}/account`);
    // The account page signs in first when there is no session (as 200006, whose device approves).
    const password = page.locator('input[name="password"]');
    const accountShown = page.waitForURL((u) => u.pathname.startsWith('/account'), { ...WAIT, waitUntil: 'load' }).catch(() => undefined);
    await Promise.race([password.waitFor(WAIT), accountShown]);
    if (await password.isVisible()) {
      await typePassword(page, lang, '200006');
      await page.waitForURL(/\/approval$/, WAIT);
      const number = (await page.locator('#approval-number').innerText()).trim();
      const [pending] = await device.client.pending(device.state);
      await device.client.decide(device.state, pending!.id, 'approve', { number });
      await page.waitForURL((u) => u.pathname.startsWith('/account'), { ...WAIT, waitUntil: 'load' });
    }
    await page.locator('main h1').waitFor(WAIT);
    await checkPage(page, `account-${lang}`);
  });
});
