// axe-core on the financeIDENT web app (/ident/) in German and English on a phone: no serious or critical violations
// and no sideways scrolling. Screens: the empty account list, the enrolment form, the activation-code screen, the
// account list with one account, and "Freigabe" with one pending approval (a real login started by a relying party),
// before and after the number is typed. Each screen is kept as a screenshot.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { addVirtualAuthenticator, launchChromium, type BrowserSession } from '../helpers/chromium.js';
import { lastCode } from '../helpers/device.js';
import { Browser } from '../helpers/browser.js';
import { passwordLogin, RelyingParty } from '../helpers/relying-party.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { webappMessages } from '../../src/i18n/webapp-messages.js';
import { checkPage, PHONE } from './hosted-pages.js';
import { heading, PASSWORD, WAIT } from './webapp-helpers.js';

// A real browser on a busy CI machine: generous per-test time; every wait inside has its own explicit condition.
jest.setTimeout(90_000);

let idp: TestIdp;
let rp: RelyingParty;

beforeAll(async () => {
  idp = await startTestIdp();
  rp = await RelyingParty.discover(idp, 'financecloud');
}, 60_000);
afterAll(async () => idp?.close());


// Each language enrols its own account, so one language's pending approval never shows in the other's app.
describe.each([
  ['de', 'de-DE', '200001'],
  ['en', 'en-US', '100001'],
] as const)('accessibility of the financeIDENT web app (%s)', (lang, locale, loginId) => {
  const m = webappMessages(lang);
  let browser: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium({ locale, viewport: PHONE });
    page = browser.page;
    await addVirtualAuthenticator(page);
  }, 60_000);
  afterAll(async () => browser?.close());

  it('empty account list', async () => {
    await page.goto(`${idp.url}/ident/#accounts`);
    await heading(page, m['accounts.heading']!).waitFor(WAIT);
    expect(await page.locator('html').getAttribute('lang')).toBe(lang);
    await page.getByText(m['accounts.none']!).waitFor(WAIT);
    await checkPage(page, `webapp-a11y-accounts-empty-${lang}`);
  });

  it('enrolment form, activation-code screen, account list with one account', async () => {
    const account = (await idp.container.accounts.findByAccessNumber(loginId))!;
    await page.goto(`${idp.url}/ident/#enrol`);
    await heading(page, m['enrol.heading']!).waitFor(WAIT);
    await page.getByLabel(m['enrol.loginId']!).fill(loginId);
    await page.getByLabel(m['enrol.password']!, { exact: true }).fill(PASSWORD);
    await checkPage(page, `webapp-a11y-enrol-${lang}`);

    await page.getByRole('button', { name: m['enrol.submit']!, exact: true }).click();
    await heading(page, m['enrol.codeHeading']!).waitFor(WAIT);
    await page.getByLabel(m['enrol.code']!).fill(lastCode(idp, account.mobile!));
    await checkPage(page, `webapp-a11y-enrol-code-${lang}`);

    await page.getByRole('button', { name: m['enrol.register']!, exact: true }).click();
    await heading(page, m['enrol.doneHeading']!).waitFor(WAIT);
    await page.click('#tab-accounts');
    await heading(page, m['accounts.heading']!).waitFor(WAIT);
    expect(await page.locator('.account h2').allInnerTexts()).toEqual([account.name]);
    await checkPage(page, `webapp-a11y-accounts-${lang}`);
  });

  it('"Freigabe" with one pending approval, before and after the number is typed', async () => {
    const account = (await idp.container.accounts.findByAccessNumber(loginId))!;
    // The broker signs in where brokers may: smartMSC (OIDC-5).
    const client = account.role === 'customer' ? rp : await RelyingParty.discover(idp, 'smartmsc');
    const started = await client.start();
    await passwordLogin(new Browser(), client, started, loginId, PASSWORD);
    const [approval] = await idp.container.approvals.listPending(account.id);
    expect(approval).toBeDefined();

    await page.click('#tab-approvals');
    await heading(page, m['approvals.heading']!).waitFor(WAIT);
    const card = page.locator(`#approval-${approval!.id}`);
    await card.waitFor(WAIT);
    await checkPage(page, `webapp-a11y-approval-${lang}`);

    await card.getByLabel(m['approval.typeNumber']!).fill(approval!.number!);
    await checkPage(page, `webapp-a11y-approval-number-${lang}`);

    await card.getByRole('button', { name: m['approval.approve']!, exact: true }).click();
    await page.locator('#approvals-notice [role=status]', { hasText: m['approval.approved']!.replace('{client}', approval!.clientName) }).waitFor(WAIT);
    expect(await idp.container.approvals.outcome(approval!.id)).toMatchObject({ status: 'approved', method: 'webauthn' });
  });
});
