// Issue 10.1 in Chromium: when the SMS provider fails, the code page says that no SMS was sent and from when to ask
// again, never "sent" — German and English, phone and desktop (screenshots), no serious accessibility findings.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { RelyingParty } from '../helpers/relying-party.js';
import { FakeSmsProvider } from '../helpers/fake-sms-provider.js';
import { launchChromium, type BrowserSession } from '../helpers/chromium.js';
import { catchCallbacks, mainText, PHONE, screenshotsAtSizes, seriousViolations, text, typePassword, WAIT } from './hosted-pages.js';

jest.setTimeout(90_000);

const MASKED = '+49151 ••••• 05';
let idp: TestIdp;
let rp: RelyingParty;
let browser: BrowserSession;
const provider = new FakeSmsProvider();

beforeAll(async () => {
  await provider.start();
  provider.fallback = 'fail500';
  idp = await startTestIdp({ env: { SMS_GATEWAY_URL: provider.url, SMS_GATEWAY_TIMEOUT_MS: '500' } });
  rp = await RelyingParty.discover(idp, 'financecloud');
  browser = await launchChromium({ locale: 'de-DE', viewport: PHONE });
  await catchCallbacks(browser.page, rp);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await idp?.close();
  await provider.stop();
});

describe('SMS code page when nothing was sent', () => {
  it('says so with the time to ask again, in German and English', async () => {
    const { page } = browser;
    await page.goto((await rp.start()).url);
    await typePassword(page, 'de', '200005');
    await page.waitForURL(/\/interaction\/[^/]+\/sms$/, WAIT);
    await page.locator('#sms-error').waitFor(WAIT);
    const de = await mainText(page);
    expect(de).toContain(text('de', 'sms.notSent', { time: '§' }).split('§')[0]!);
    expect(de).toContain(text('de', 'sms.introPending', { mobile: MASKED }));
    expect(de).not.toContain(text('de', 'sms.intro', { mobile: MASKED }));
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotsAtSizes(page, 'sms-not-sent-de');

    await page.goto(`${page.url()}?lang=en`);
    await page.locator('#sms-error').waitFor(WAIT);
    const en = await mainText(page);
    expect(en).toContain(text('en', 'sms.notSent', { time: '§' }).split('§')[0]!);
    expect(en).not.toContain(text('en', 'sms.intro', { mobile: MASKED }));
    await screenshotsAtSizes(page, 'sms-not-sent-en');
    expect(provider.sent.size).toBe(0);
  });
});
