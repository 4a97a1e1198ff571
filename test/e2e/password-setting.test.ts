// Setting a password (PWD-1, PWD-2): login id → code by SMS to the number on file → code and new password; the new
// password ends every remembered browser, OIDC session and refresh token of the account. No enumeration.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as client from 'openid-client';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { alertText, Browser, findForm, type Page } from '../helpers/browser.js';
import { passwordLogin, RelyingParty, type StartedLogin } from '../helpers/relying-party.js';
import { DAY, ManualClock, MINUTE, SECOND } from '../../src/shared/clock.js';
import { translate, type MessageKey } from '../../src/i18n/messages.js';

const MOBILE = '+4915122222201';
const OLD_PASSWORD = 'Demo-Passwort-2026';
const NEW_PASSWORD = 'Blauer-Wal-tanzt-77';
let idp: TestIdp;
let cloud: RelyingParty;
let app: RelyingParty;
const clock = new ManualClock(); // starts on the hour, so hourly caps are not split by a bucket boundary

beforeAll(async () => {
  idp = await startTestIdp({ clock });
  cloud = await RelyingParty.discover(idp, 'financecloud');
  app = await RelyingParty.discover(idp, 'financeapp');
  // 200001 confirms logins by SMS here, so that the test needs no device; everything else is as in production.
  await idp.container.accounts.update('acc_customer', { twoFactorMethod: 'sms' }, clock.now());
});
afterAll(async () => idp.close());
beforeEach(() => {
  clock.advance(DAY); // fresh hourly and daily caps, no cool-down left over
  idp.container.smsSink!.clear();
});

const de = (key: MessageKey, params?: Record<string, string | number>) => translate('de', key, params);
const sink = () => idp.container.smsSink!;
/** Codes are handed over in the background (the answer must not wait for the SMS provider): wait for that. */
const settled = () => idp.container.passwordSetup.passwords.settled();

function passwordCode(to = MOBILE): string {
  const sms = sink().list().find((m) => m.to === to && m.purpose === 'password');
  expect(sms).toBeDefined();
  return /(?:Passworts|your password): (\d{6}) /.exec(sms!.text)![1]!;
}

function loginCode(): string {
  const sms = sink().list().find((m) => m.to === MOBILE && m.purpose === 'login');
  expect(sms).toBeDefined();
  return /Login-Code: (\d{6}) /.exec(sms!.text)![1]!;
}

const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

/** Opens the forgot-password page (optionally from a login) and asks for a code for `loginId`. */
async function requestCode(browser: Browser, loginId: string, interaction?: string): Promise<Page> {
  const forgot = await browser.go(`${idp.url}/password/forgot${interaction ? `?interaction=${interaction}` : ''}`);
  expect(forgot.status).toBe(200);
  const page = await browser.submit(forgot, '/password/forgot', { loginId });
  await settled();
  return page;
}

async function resend(browser: Browser, page: Page): Promise<Page> {
  const next = await browser.submit(page, '/password/code/resend', {});
  await settled();
  return next;
}

const setPassword = (browser: Browser, page: Page, code: string, password: string, repeat = password) =>
  browser.submit(page, '/password/code', { code, password, repeat });

/** A full login of 200001 with password and SMS code; returns the callback page. */
async function smsLogin(browser: Browser, rp: RelyingParty, started: StartedLogin, password: string): Promise<Page> {
  const smsPage = await passwordLogin(browser, rp, started, '200001', password);
  expect(smsPage.url).toMatch(/\/interaction\/[^/]+\/sms$/);
  return browser.submit(smsPage, '/sms', { code: loginCode() }, rp.redirectUri);
}

describe('setting a password', () => {
  it('end to end: code to the number on file only, policy refusals, then everything of the account ends', async () => {
    // Before: logged in at FinanceCloud (SMS second factor, browser remembered for 7 days) and FinanceApp (refresh token).
    const browser = new Browser();
    const cloudLogin = await cloud.start();
    const cloudCallback = await smsLogin(browser, cloud, cloudLogin, OLD_PASSWORD);
    expect(cloudCallback.status).toBe(0);
    await cloud.finish(cloudCallback.url, cloudLogin);
    expect(await idp.container.rememberedBrowsers.list('acc_customer', 7)).toHaveLength(1);

    const appLogin = await app.start();
    const appCallback = await browser.go(appLogin.url, {}, app.redirectUri);
    expect(appCallback.status).toBe(0); // single sign-on: no password asked
    const appTokens = await app.finish(appCallback.url, appLogin);
    expect(appTokens.refresh_token).toBeDefined();
    const silent = await browser.go((await cloud.start()).url, {}, cloud.redirectUri);
    expect(silent.status).toBe(0); // the SSO session logs in silently

    // The password is set from the login page of another browser ("forgot password" link).
    const other = new Browser();
    const started = await cloud.start();
    const loginPage = await other.go(started.url);
    const uid = /\/interaction\/([^/?]+)/.exec(loginPage.url)![1]!;
    expect(loginPage.html).toContain(`/password/forgot?interaction=${uid}`);
    sink().clear();
    let page = await requestCode(other, '200001', uid);
    expect(page.status).toBe(200);
    expect(page.url).toBe(`${idp.url}/password/code`);
    expect(page.html).toContain('autocomplete="new-password"');
    expect(page.html).not.toContain(MOBILE);
    expect(sink().list()).toHaveLength(1);
    expect(sink().list()[0]).toMatchObject({ to: MOBILE, purpose: 'password' });
    expect(sink().list()[0]!.text).toMatch(/^Ihr financeIDENT Code zum Setzen des Passworts: \d{6} \(gültig 5 Min\.\)\. Niemals weitergeben\.$/);
    const code = passwordCode();

    // Policy refusals, each with its clear message; the right code stays valid meanwhile.
    const refusals: [string, MessageKey, Record<string, number>?][] = [
      ['kurz-12!', 'password.tooShort', { min: 10 }],
      ['x'.repeat(1025), 'password.tooLong', { max: 1024 }],
      ['Mein-200001-Passwort', 'password.containsLoginId'],
      ['ERIKA-liebt-Sommer', 'password.containsLoginId'],
      ['password123', 'password.common'],
      ['Passwort2026!', 'password.common'],
      ['abababababab', 'password.tooSimple'],
    ];
    for (const [password, key, params] of refusals) {
      page = await setPassword(other, page, code, password);
      expect(page.status).toBe(400);
      expect(alertText(page.html)).toBe(de(key, params));
    }
    page = await setPassword(other, page, code, NEW_PASSWORD, `${NEW_PASSWORD}x`);
    expect(alertText(page.html)).toBe(de('password.mismatch'));

    const done = await setPassword(other, page, code, NEW_PASSWORD);
    expect(done.status).toBe(200);
    expect(alertText(done.html)).toBe(de('password.done.text'));
    expect(done.html).toContain(`href="/interaction/${uid}"`);
    expect(sink().list().every((m) => m.to === MOBILE)).toBe(true);

    const [audit] = await idp.container.audit.list({ accountId: 'acc_customer', type: 'password.changed' });
    expect(audit).toMatchObject({ type: 'password.changed', details: { rememberedBrowsersEnded: 1, firstPassword: false } });
    expect((audit!.details.sessionsEnded as number) >= 1).toBe(true);
    expect((audit!.details.grantsEnded as number) >= 2).toBe(true);

    // The refresh token of FinanceApp is refused.
    await expect(client.refreshTokenGrant(app.config, appTokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    // The SSO session of the first browser no longer logs in silently: the login page is shown.
    const noSso = await browser.go((await cloud.start()).url, {}, cloud.redirectUri);
    expect(noSso.status).toBe(200);
    expect(noSso.url).toMatch(/\/interaction\/[^/]+$/);
    // Its remembered browser is gone: the old password is refused, the new one asks for the second factor again.
    expect(await idp.container.rememberedBrowsers.list('acc_customer', 7)).toHaveLength(0);
    const oldRefused = await browser.submit(noSso, '/login', { loginId: '200001', password: OLD_PASSWORD });
    expect(oldRefused.status).toBe(401);
    expect(alertText(oldRefused.html)).toBe(de('login.invalid'));
    clock.advance(31 * SECOND);
    sink().clear();
    const secondFactor = await browser.submit(oldRefused, '/login', { loginId: '200001', password: NEW_PASSWORD }, cloud.redirectUri);
    expect(secondFactor.url).toMatch(/\/interaction\/[^/]+\/sms$/);

    // Back to the login the flow started from: the new password works there too.
    clock.advance(31 * SECOND);
    sink().clear();
    const back = await other.go(`${idp.url}/interaction/${uid}`);
    expect(back.status).toBe(200);
    const smsPage = await other.submit(back, '/login', { loginId: '200001', password: NEW_PASSWORD });
    const callback = await other.submit(smsPage, '/sms', { code: loginCode() }, cloud.redirectUri);
    expect(callback.status).toBe(0);
    const claims = await cloud.verifyIdToken((await cloud.finish(callback.url, started)).id_token!);
    expect(claims.sub).toBe('acc_customer');

    // The code was single-use.
    const reused = await other.go(`${idp.url}/password/code`);
    expect(reused.status).toBe(410);
    expect(alertText(reused.html)).toBe(de('password.flowExpired'));
  });

  it('an unknown id and a shared email get the same neutral page, and no SMS is sent', async () => {
    const real = await requestCode(new Browser(), '200003');
    expect(sink().list()).toHaveLength(1);
    sink().clear();
    const neutral = (html: string) => html.replace(/name="_csrf" value="[^"]*"/g, '');
    for (const loginId of ['999999', 'niemand@example.de', 'familie@example.de']) {
      const browser = new Browser();
      const page = await requestCode(browser, loginId);
      expect(page.status).toBe(200);
      expect(page.url).toBe(`${idp.url}/password/code`);
      expect(neutral(page.html)).toBe(neutral(real.html));
      expect(page.html).toContain(de('password.code.sent'));
      const wrong = await setPassword(browser, page, '123456', NEW_PASSWORD);
      expect(wrong.status).toBe(400);
      expect(alertText(wrong.html)).toBe(de('sms.wrong', { left: 4 }));
    }
    expect(sink().list()).toHaveLength(0);
  });

  it('no mobile number on file (200002): the same neutral code page as everybody, no broker contact (ACC-2 wins)', async () => {
    const page = await requestCode(new Browser(), '200002');
    expect(page.status).toBe(200);
    expect(page.url).toBe(`${idp.url}/password/code`);
    expect(page.html).toContain(de('password.code.noSms'));
    expect(page.html).not.toContain('Maklerbüro Sommer');
    expect(sink().list()).toHaveLength(0);
  });

  it('a wrong code is refused with the tries left; five wrong tries void it', async () => {
    const browser = new Browser();
    let page = await requestCode(browser, '200003');
    const code = passwordCode('+4915122222203');
    for (let i = 1; i <= 4; i++) {
      page = await setPassword(browser, page, wrongCode(code), NEW_PASSWORD);
      expect(page.status).toBe(400);
      expect(alertText(page.html)).toBe(de('sms.wrong', { left: 5 - i }));
    }
    page = await setPassword(browser, page, wrongCode(code), NEW_PASSWORD);
    expect(page.status).toBe(429);
    expect(alertText(page.html)).toBe(de('sms.tooManyTries'));
    page = await setPassword(browser, page, code, NEW_PASSWORD);
    expect(page.status).toBe(429);
    expect(alertText(page.html)).toBe(de('sms.tooManyTries'));
    const account = await idp.container.accounts.findByAccessNumber('200003');
    expect(await idp.container.hasher.verify(account!.passwordHash!, OLD_PASSWORD)).toBe(true);
  });

  it('an expired code is refused; a resend honours the cool-down, then a new code works', async () => {
    const browser = new Browser();
    let page = await requestCode(browser, '200006');
    const old = passwordCode('+4915122222206');
    clock.advance(10 * SECOND);
    page = await resend(browser, page);
    expect(page.status).toBe(429);
    expect(alertText(page.html)).toBe(de('sms.resendTooSoon', { seconds: 20, retryAt: clock.now() + 20 * SECOND }));

    clock.advance(6 * MINUTE);
    page = await setPassword(browser, page, old, NEW_PASSWORD);
    expect(page.status).toBe(410);
    expect(alertText(page.html)).toBe(de('sms.expired'));

    sink().clear();
    page = await resend(browser, page);
    expect(page.status).toBe(200);
    expect(alertText(page.html)).toBe(de('password.code.requested'));
    const fresh = passwordCode('+4915122222206');
    const done = await setPassword(browser, page, fresh, NEW_PASSWORD);
    expect(done.status).toBe(200);
    expect(done.html).toContain(de('password.done.noLogin'));
  });

  it('the caps of SMS codes apply: five codes per account and hour (not told before the code is proven)', async () => {
    const browser = new Browser();
    let page = await requestCode(browser, '200005');
    for (let i = 0; i < 4; i++) {
      clock.advance(31 * SECOND);
      page = await resend(browser, page);
      expect(alertText(page.html)).toBe(de('password.code.requested'));
    }
    clock.advance(31 * SECOND);
    // The sixth is not sent; before the code is proven the page says so only in general words (a stranger typing a
    // foreign id must not learn that it has reached its cap, ACC-2), like for every other id.
    const refused = await resend(browser, page);
    expect(refused.status).toBe(200);
    expect(alertText(refused.html)).toBe(de('password.code.requested'));
    expect(sink().list()).toHaveLength(5);
  });

  it('speaks English', async () => {
    const browser = new Browser({ 'accept-language': 'en-GB,en;q=0.9' });
    const forgot = await browser.go(`${idp.url}/password/forgot`);
    expect(forgot.html).toContain('<html lang="en">');
    expect(forgot.html).toContain(translate('en', 'password.forgot.heading'));
    const page = await browser.submit(forgot, '/password/forgot', { loginId: '200003' });
    await settled();
    expect(page.html).toContain(translate('en', 'password.code.sent'));
    // The SMS is in English too, and the code stays in its field after the policy refusal.
    expect(sink().list().find((m) => m.purpose === 'password')!.text).toMatch(/^Your financeIDENT code for setting your password: \d{6} /);
    const code = passwordCode('+4915122222203');
    const short = await setPassword(browser, page, code, 'short-1');
    expect(alertText(short.html)).toBe(translate('en', 'password.tooShort', { min: 10 }));
    expect(findForm(short.html, '/password/code').fields.code).toBe(code);
    // Saved: post/redirect/get, so a reload or the language switch shows "saved" again.
    const done = await setPassword(browser, short, code, 'A-much-better-passphrase-2026');
    expect(done.url).toBe(`${idp.url}/password/done`);
    expect(done.html).toContain(translate('en', 'password.done.heading'));
    expect((await browser.go(`${idp.url}/password/done?lang=de`)).html).toContain(translate('de', 'password.done.heading'));
  });

  it('forms without the CSRF token are refused', async () => {
    const browser = new Browser();
    await browser.go(`${idp.url}/password/forgot`);
    const response = await browser.request(`${idp.url}/password/forgot`, { form: { loginId: '200003' } });
    expect(response.status).toBe(403);
    await settled();
    expect(sink().list()).toHaveLength(0);
  });
});
