// The neutral "code requested" page of the password process (issue 10.2) in Chromium, German and English: the same
// page for an account without mobile number as for any other id, with the general advice if no SMS arrives; no
// serious axe violations, no sideways scrolling on a phone; screenshots at 390 px and 1280 px.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { launchChromium, type BrowserSession } from '../helpers/chromium.js';
import { checkPage, PHONE, screenshotsAtSizes, text, WAIT } from './hosted-pages.js';

jest.setTimeout(90_000);

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp({ redis: false });
}, 60_000);
afterAll(async () => idp?.close());

describe.each([
  ['de', 'de-DE'],
  ['en', 'en-US'],
] as const)('password pages (%s)', (lang, locale) => {
  let browser: BrowserSession;
  beforeAll(async () => {
    browser = await launchChromium({ locale, viewport: PHONE });
  }, 60_000);
  afterAll(async () => browser?.close());

  it('an account without mobile number gets the neutral code page with the general advice', async () => {
    const page = browser.page;
    await page.goto(`${idp.url}/password/forgot`);
    await page.getByLabel(text(lang, 'login.loginId')).fill('200002');
    await page.getByRole('button', { name: text(lang, 'password.forgot.submit') }).click();
    await page.locator('h1', { hasText: text(lang, 'password.code.heading') }).waitFor(WAIT);
    expect(await page.locator('#no-sms').innerText()).toBe(text(lang, 'password.code.noSms'));
    expect(await page.locator('main').innerText()).not.toContain('Maklerbüro Sommer');
    await checkPage(page, `password-code-${lang}`);
    await screenshotsAtSizes(page, `password-code-${lang}`);
  });
});
