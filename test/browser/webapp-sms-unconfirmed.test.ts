// Issue 10.1 in the financeIDENT web app (Chromium): when the SMS provider does not answer in time, the code page says
// it could not confirm the SMS (never "sent"); the code that did arrive still enrols. German and English, phone and desktop.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { addVirtualAuthenticator, launchChromium, type BrowserSession } from '../helpers/chromium.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { FakeSmsProvider } from '../helpers/fake-sms-provider.js';
import { screenshotsAtSizes, seriousViolations } from './hosted-pages.js';
import { heading, mainText, PASSWORD, WAIT } from './webapp-helpers.js';
import { webappMessages } from '../../src/i18n/webapp-messages.js';

jest.setTimeout(90_000);

const provider = new FakeSmsProvider();
let idp: TestIdp;

beforeAll(async () => {
  await provider.start();
  provider.fallback = 'slow';
  provider.slowMs = 700;
  idp = await startTestIdp({ env: { SMS_GATEWAY_URL: provider.url, SMS_GATEWAY_TIMEOUT_MS: '200' } });
}, 60_000);
afterAll(async () => {
  await idp?.close();
  await provider.stop();
});

const msg = (lang: 'de' | 'en', key: string, mobile: string) => (webappMessages(lang) as Record<string, string>)[key]!.replace('{mobile}', mobile);

describe.each([
  ['de', '100001', '+49151 ••••• 01'],
  ['en', '100002', '+49151 ••••• 02'],
] as const)('web app enrolment with an unanswered SMS (%s)', (lang, loginId, masked) => {
  let browser: BrowserSession;
  beforeAll(async () => {
    browser = await launchChromium({ locale: lang === 'de' ? 'de-DE' : 'en-US', viewport: { width: 390, height: 844 } });
    await addVirtualAuthenticator(browser.page);
  }, 60_000);
  afterAll(async () => browser?.close());

  it('says the SMS is unconfirmed, not sent', async () => {
    const { page } = browser;
    await page.goto(`${idp.url}/ident/?enrol=${loginId}`);
    await page.fill('#password', PASSWORD);
    await page.click('#enrol-submit');
    await heading(page, msg(lang, 'enrol.codeHeading', '')).waitFor(WAIT);
    const shown = await mainText(page);
    expect(shown).toContain(msg(lang, 'enrol.codeUnconfirmed', masked));
    expect(shown).not.toContain(msg(lang, 'enrol.codeIntro', masked));
    expect(provider.lastCodeTo(`+491511111110${loginId.slice(-1)}`)).toMatch(/^\d{6}$/);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotsAtSizes(page, `webapp-sms-unconfirmed-${lang}`);
  });
});
