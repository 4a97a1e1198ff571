// Issue 13, dead ends and wrong pages, in Chromium (German and English; every page checked at 390 and 1280 px with
// axe and the overflow check): the language switch after a failed POST, reload and Back; the styled "not found";
// error pages with a way on; the CSRF refusal re-renders the form; "Anmeldung abbrechen" ends the login with
// access_denied; the waiting page counts down; the warning before the last password try and the lockout's
// "Passwort vergessen".
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { RelyingParty } from '../helpers/relying-party.js';
import { enrolDevice } from '../helpers/device.js';
import { launchChromium, type BrowserSession } from '../helpers/chromium.js';
import type { Language } from '../../src/i18n/language.js';
import { catchCallbacks, checkPage, mainText, PHONE, text, typePassword, WAIT, waitForCallback } from './hosted-pages.js';
import type { MessageKey } from '../../src/i18n/messages.js';

jest.setTimeout(120_000);

let idp: TestIdp;
let rp: RelyingParty;
/** smartMSC: the portal that admits 100001, a broker (OIDC-5: FinanceCloud is for customers). */
let brokerRp: RelyingParty;

beforeAll(async () => {
  idp = await startTestIdp({ env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' } });
  await enrolDevice(idp, '100001');
  rp = await RelyingParty.discover(idp, 'financecloud');
  brokerRp = await RelyingParty.discover(idp, 'smartmsc');
}, 60_000);
afterAll(async () => idp?.close());

const other = (lang: Language): Language => (lang === 'de' ? 'en' : 'de');

describe.each([
  ['de', 'de-DE'],
  ['en', 'en-US'],
] as const)('dead ends (%s)', (lang, locale) => {
  let browser: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium({ locale, viewport: PHONE });
    page = browser.page;
    await catchCallbacks(page, rp);
    await catchCallbacks(page, brokerRp);
  }, 60_000);
  afterAll(async () => browser?.close());

  const h1 = (l: Language, key: MessageKey) => page.locator('h1', { hasText: text(l, key) }).waitFor(WAIT);
  // Two wrong passwords per language for this id (three would lock it: LOGIN_MAX_FAILURES_PER_ACCOUNT=3).
  const wrongId = lang === 'de' ? '200001' : '200006';

  it('a wrong password, then the language switch, a reload and Back: the form with its message every time', async () => {
    await page.goto((await rp.start()).url);
    const loginUrl = page.url();
    await typePassword(page, lang, wrongId, 'Falsch-1');
    await page.locator('#login-error').waitFor(WAIT);
    // Post/redirect/get: the browser shows the form's own GET address.
    expect(page.url()).toBe(loginUrl);
    expect(await page.locator('#login-error').innerText()).toBe(text(lang, 'login.invalid'));
    expect(await page.getByLabel(text(lang, 'login.loginId')).inputValue()).toBe(wrongId);
    await checkPage(page, `ui-login-wrong-${lang}`);

    await page.getByRole('link', { name: text(lang, 'app.language.switch') }).click();
    await h1(other(lang), 'login.heading');
    expect(await page.locator('html').getAttribute('lang')).toBe(other(lang));
    expect(await page.locator('#login-error').innerText()).toBe(text(other(lang), 'login.invalid'));
    await checkPage(page, `ui-login-wrong-switched-${lang}`);

    const reload = await page.reload();
    expect(reload?.status()).toBe(401);
    expect(await page.locator('#login-error').innerText()).toBe(text(other(lang), 'login.invalid'));
    // Back: the form again (now in the language chosen last), never a "Not Found" or a resubmission.
    await page.goBack();
    await h1(other(lang), 'login.heading');
    expect(await mainText(page)).not.toContain('Not Found');
    // Back to the first language for the next tests.
    await page.goto(`${loginUrl}?lang=${lang}`);
    await h1(lang, 'login.heading');
  });

  it('an unknown address shows the styled "not found" page in the language, with what to do next', async () => {
    const response = await page.goto(`${idp.url}/gibt-es-nicht`);
    expect(response?.status()).toBe(404);
    await h1(lang, 'error.heading');
    expect(await page.getByRole('alert').innerText()).toBe(text(lang, 'error.notFound'));
    expect(await page.locator('#error-next').innerText()).toBe(text(lang, 'error.next.app'));
    await checkPage(page, `ui-not-found-${lang}`);

    // Inside a login, the way on is the login itself.
    await page.goto((await rp.start()).url);
    const loginUrl = page.url();
    await page.goto(`${loginUrl}/gibt-es-nicht`);
    await h1(lang, 'error.heading');
    await checkPage(page, `ui-not-found-in-login-${lang}`);
    await page.getByRole('link', { name: text(lang, 'notice.back') }).click();
    await h1(lang, 'login.heading');
    expect(page.url()).toBe(loginUrl);
  });

  it('error pages say what to do next: "too large" leads back to the form, an ended login to the application', async () => {
    await page.goto((await rp.start()).url);
    await h1(lang, 'login.heading');
    const loginUrl = page.url();
    // A form post far over the size limit (as a broken or hostile page might send).
    await page.evaluate(() => {
      const form = document.querySelector('form[action$="/login"]') as HTMLFormElement;
      const big = document.createElement('input');
      big.type = 'hidden';
      big.name = 'padding';
      big.value = 'x'.repeat(40_000);
      form.append(big);
      form.submit();
    });
    await h1(lang, 'error.heading');
    expect(await page.getByRole('alert').innerText()).toBe(text(lang, 'error.tooLarge'));
    await checkPage(page, `ui-error-too-large-${lang}`);
    await page.getByRole('link', { name: text(lang, 'notice.back') }).click();
    await h1(lang, 'login.heading');
    expect(page.url()).toBe(loginUrl);

    await page.goto(`${idp.url}/interaction/gibt-es-nicht-mehr`);
    await h1(lang, 'error.heading');
    expect(await page.getByRole('alert').innerText()).toBe(text(lang, 'error.interactionExpired'));
    expect(await page.locator('#error-next').innerText()).toBe(text(lang, 'error.next.app'));
    await checkPage(page, `ui-error-expired-${lang}`);
  });

  it('an expired form (CSRF check fails) comes back with a fresh token, says why, and then works', async () => {
    await page.goto((await rp.start()).url);
    await h1(lang, 'login.heading');
    const loginUrl = page.url();
    // The form's cookie is gone (e.g. cleared by the browser): the post cannot be checked.
    await browser.context.clearCookies({ name: 'fi_csrf' });
    await typePassword(page, lang, wrongId, 'egal');
    await page.locator('#page-notice').waitFor(WAIT);
    expect(await page.locator('#page-notice').innerText()).toBe(text(lang, 'error.csrfRetry'));
    expect(new URL(page.url()).pathname).toBe(new URL(loginUrl).pathname);
    await checkPage(page, `ui-csrf-${lang}`);
    // Nothing was counted: the same form now takes the password.
    await typePassword(page, lang, wrongId, 'Falsch-csrf');
    await page.locator('#login-error').waitFor(WAIT);
    expect(await page.locator('#login-error').innerText()).toBe(text(lang, 'login.invalid'));
  });

  it('the waiting page counts down, and "Anmeldung abbrechen" ends the login with access_denied at the relying party', async () => {
    await page.goto((await brokerRp.start()).url);
    await typePassword(page, lang, '100001');
    await page.waitForURL(/\/approval$/, WAIT);
    const seconds = async () => Number(/(\d+)/.exec(await page.locator('#approval-status').innerText())?.[1]);
    const first = await seconds();
    expect(first).toBeGreaterThan(100);
    await page.waitForFunction((start) => {
      const m = /(\d+)/.exec(document.getElementById('approval-status')?.textContent ?? '');
      return m !== null && Number(m[1]) < start;
    }, first, WAIT);
    expect(await seconds()).toBeLessThan(first);
    expect(await page.locator('#approval-status').innerText()).toBe(text(lang, 'approval.waiting', { seconds: await seconds() }));
    await checkPage(page, `ui-waiting-countdown-${lang}`);

    await page.getByRole('button', { name: text(lang, 'approval.cancel'), exact: true }).click();
    const callback = new URL(await waitForCallback(page, brokerRp));
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('code')).toBeNull();
  });

  it('warns before the last password try; the lockout offers "Passwort vergessen"', async () => {
    // LOGIN_MAX_FAILURES_PER_ACCOUNT=3 here; an id that exists nowhere gets the same warning (no enumeration).
    const lockId = lang === 'de' ? '200003' : '200004';
    for (const loginId of [lockId, `niemand-${lang}@example.de`]) {
      await page.goto((await rp.start()).url);
      await typePassword(page, lang, loginId, 'Falsch-1');
      await page.locator('#login-error').waitFor(WAIT);
      expect(await page.locator('#login-warning').count()).toBe(0);
      await typePassword(page, lang, loginId, 'Falsch-2');
      await page.locator('#login-warning').waitFor(WAIT);
      expect(await page.locator('#login-warning').innerText()).toContain(text(lang, 'login.lastTry'));
      if (loginId === lockId) await checkPage(page, `ui-login-last-try-${lang}`);
      await typePassword(page, lang, loginId, 'Falsch-3');
      await page.locator('#login-locked-forgot').waitFor(WAIT);
      expect(await page.locator('#login-error').innerText()).toMatch(lang === 'de' ? /ab \d\d:\d\d Uhr erneut\.$/ : /from \d\d:\d\d\.$/);
      if (loginId === lockId) {
        await checkPage(page, `ui-login-locked-${lang}`);
        await page.getByRole('link', { name: text(lang, 'login.lockedForgot') }).click();
        await h1(lang, 'password.forgot.heading');
      }
    }
  });
});
