// The demo index (embedded default) says which demo logins each relying party admits (OIDC-5), in German and English.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { launchChromium, type BrowserSession } from '../helpers/chromium.js';
import { checkPage, PHONE, screenshotsAtSizes, WAIT } from './hosted-pages.js';

jest.setTimeout(90_000);
let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp({ env: { NODE_ENV: 'development' } });
}, 60_000);
afterAll(async () => idp?.close());

describe.each([
  ['de', 'de-DE', 'Anmeldung für: Vermittler, Mitarbeiter, Untervermittler', 'Anmeldung für: Kunden'],
  ['en', 'en-US', 'Sign-in for: brokers, employees, sub-brokers', 'Sign-in for: customers'],
] as const)('demo index (%s)', (lang, locale, smartmsc, customers) => {
  let browser: BrowserSession;
  beforeAll(async () => {
    browser = await launchChromium({ locale, viewport: PHONE });
  }, 60_000);
  afterAll(async () => browser?.close());

  it('names the accounts each demo application admits', async () => {
    const { page } = browser;
    await page.goto(`${idp.url}/demo`);
    await page.locator('#client-smartmsc').waitFor(WAIT);
    expect(await page.locator('section[aria-labelledby="client-smartmsc"]').innerText()).toContain(smartmsc);
    expect(await page.locator('section[aria-labelledby="client-financecloud"]').innerText()).toContain(customers);
    expect(await page.locator('section[aria-labelledby="client-financeapp"]').innerText()).toContain(customers);
    await checkPage(page, `demo-index-${lang}`);
    await screenshotsAtSizes(page, `demo-index-${lang}`);
  });
});
