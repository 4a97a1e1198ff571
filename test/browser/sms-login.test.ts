// The SMS path in Chromium: an SMS-only account (200005) types the login code from the SMS into the page and lands
// at the relying party; the ID token names the SMS factor.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { RelyingParty } from '../helpers/relying-party.js';
import { launchChromium, screenshot, type BrowserSession } from '../helpers/chromium.js';
import { catchCallbacks, expectNoHorizontalOverflow, mainText, PHONE, text, typePassword, WAIT, waitForCallback } from './hosted-pages.js';

// A real browser on a busy CI machine: generous per-test time; every wait inside has its own explicit condition.
jest.setTimeout(90_000);

const MOBILE = '+4915122222205';
let idp: TestIdp;
let rp: RelyingParty;
let browser: BrowserSession;

beforeAll(async () => {
  idp = await startTestIdp();
  rp = await RelyingParty.discover(idp, 'financecloud');
  browser = await launchChromium({ locale: 'de-DE', viewport: PHONE });
  await catchCallbacks(browser.page, rp);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await idp?.close();
});

describe('SMS login in Chromium', () => {
  it('the code from the SMS, typed into the page, finishes the login with amr sms', async () => {
    const { page } = browser;
    const started = await rp.start();
    await page.goto(started.url);
    await typePassword(page, 'de', '200005');

    await page.waitForURL(/\/interaction\/[^/]+\/sms$/, WAIT);
    await page.locator('h1', { hasText: text('de', 'sms.heading') }).waitFor(WAIT);
    const shown = await mainText(page);
    expect(shown).toContain(text('de', 'sms.intro', { mobile: '+49 151 ••••• 05' }));
    expect(shown).not.toContain(MOBILE);
    await expectNoHorizontalOverflow(page);
    await screenshot(page, 'sms-login-de');

    const sms = idp.container.smsSink!.lastTo(MOBILE);
    const code = sms && /(\d{6})/.exec(sms.text)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    const field = page.getByLabel(text('de', 'sms.code'), { exact: true });
    await field.fill(code!);
    await screenshot(page, 'sms-login-typed-de');
    await page.getByRole('button', { name: text('de', 'sms.submit'), exact: true }).click();

    const callback = await waitForCallback(page, rp);
    const tokens = await rp.finish(callback, started);
    const claims = await rp.verifyIdToken(tokens.id_token!);
    expect(claims.sub).toBe('acc_smsonly');
    expect(claims.amr).toContain('sms');
    expect(claims.acr).toBe('urn:financeident:acr:mfa');
  });
});
