// Issue 13, forms and layout, in Chromium (German and English; pages checked at 390 and 1280 px with axe and the
// overflow check): SMS non-codes cost no try and plurals; the password form keeps a valid code; phone numbers for
// people; the no-device page by platform; the account page ("dieser Browser", removal asks first); the web app's
// validation, local lockout time, brand and turning notifications on later; the demo pages and the SMS inbox.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { RelyingParty } from '../helpers/relying-party.js';
import { enrolDevice, lastCode } from '../helpers/device.js';
import type { Device } from '../helpers/login-flow.js';
import { addVirtualAuthenticator, launchChromium, type BrowserSession } from '../helpers/chromium.js';
import type { Language } from '../../src/i18n/language.js';
import { DEFAULT_PUSH_SERVICE_HOSTS } from '../../src/services/push-endpoints.js';
import { webappMessages } from '../../src/i18n/webapp-messages.js';
import { catchCallbacks, checkPage, mainText, PHONE, text, typePassword, WAIT, waitForCallback } from './hosted-pages.js';
import type { MessageKey } from '../../src/i18n/messages.js';

jest.setTimeout(150_000);

const IPHONE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1';
const ANDROID_UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';

let idp: TestIdp;
let demoIdp: TestIdp;
let rp: RelyingParty;
/** smartMSC: the portal of brokers, their employees and sub-brokers (OIDC-5: FinanceCloud admits customers only). */
let brokerRp: RelyingParty;
let customer: Device;
/** The device of 100001 on the demo IdP. */
let demoDevice: Device;

beforeAll(async () => {
  // push.example stands in for the browser's push service (the web app test): a test-only allow-list entry.
  idp = await startTestIdp({ env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', PUSH_SERVICE_HOSTS: [...DEFAULT_PUSH_SERVICE_HOSTS, 'push.example'].join(',') } });
  demoIdp = await startTestIdp({ env: { NODE_ENV: 'development' } });
  customer = await enrolDevice(idp, '200001');
  // A second SMS account, so the English round does not wait out the first one's 30 s resend cool-down.
  await idp.container.accounts.update('acc_subbroker', { twoFactorMethod: 'sms' }, Date.now());
  demoDevice = await enrolDevice(demoIdp, '100001');
  rp = await RelyingParty.discover(idp, 'financecloud');
  brokerRp = await RelyingParty.discover(idp, 'smartmsc');
}, 60_000);
afterAll(async () => {
  await idp?.close();
  await demoIdp?.close();
});

/** Approves the one pending request of `device` with the number the waiting page shows. */
async function approve(page: Page, device: Device): Promise<void> {
  await page.waitForURL(/\/approval$/, WAIT);
  const number = (await page.locator('#approval-number').innerText()).trim();
  const [pending] = await device.client.pending(device.state);
  await device.client.decide(device.state, pending!.id, 'approve', { number });
}

describe.each([
  ['de', 'de-DE'],
  ['en', 'en-US'],
] as const)('forms and layout (%s)', (lang: Language, locale) => {
  let browser: BrowserSession;
  let page: Page;
  const app = webappMessages(lang);

  beforeAll(async () => {
    browser = await launchChromium({ locale, viewport: PHONE });
    page = browser.page;
    await catchCallbacks(page, rp);
    await catchCallbacks(page, brokerRp);
  }, 60_000);
  afterAll(async () => browser?.close());

  const h1 = (key: MessageKey) => page.locator('h1', { hasText: text(lang, key) }).waitFor(WAIT);
  const alert = () => page.locator('#sms-error').innerText();

  it('SMS code: non-codes cost no try, wrong codes count down with the right plural, the right code signs in', async () => {
    const smsId = lang === 'de' ? '200005' : '100003';
    const smsRp = lang === 'de' ? rp : brokerRp; // 100003 is a sub-broker: smartMSC
    await page.goto((await smsRp.start()).url);
    await typePassword(page, lang, smsId);
    await page.waitForURL(/\/sms$/, WAIT);
    const mobile = (await idp.container.accounts.findByAccessNumber(smsId))!.mobile!;
    const code = lastCode(idp, mobile);
    // The SMS is written in the language the person uses.
    expect(idp.container.smsSink!.lastTo(mobile)!.text).toMatch(lang === 'de' ? /^Ihr financeIDENT Login-Code: \d{6} / : /^Your financeIDENT sign-in code: \d{6} /);
    const submit = async (typed: string) => {
      await page.getByLabel(text(lang, 'sms.code')).fill(typed);
      await page.getByRole('button', { name: text(lang, 'sms.submit'), exact: true }).click();
      await page.locator('#sms-error').waitFor(WAIT);
    };
    for (const notACode of ['', 'abcdef', '12345']) {
      await submit(notACode);
      expect(await alert()).toBe(text(lang, 'sms.notACode'));
    }
    await checkPage(page, `ui-sms-not-a-code-${lang}`);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let left = 4; left >= 1; left--) {
      await submit(wrong);
      expect(await alert()).toBe(text(lang, 'sms.wrong', { left }));
      if (left === 4) {
        // Post/redirect/get: a reload shows the form again and sends nothing (no try is spent).
        expect(new URL(page.url()).pathname).toMatch(/\/sms$/);
        await page.reload();
        await page.getByLabel(text(lang, 'sms.code')).waitFor(WAIT);
        expect(await page.locator('#sms-error').count()).toBe(0);
      }
    }
    expect(await alert()).toBe(lang === 'de' ? 'Der Code ist nicht richtig. Noch 1 Versuch.' : 'The code is not correct. 1 try left.');
    await checkPage(page, `ui-sms-one-try-left-${lang}`);
    await page.getByLabel(text(lang, 'sms.code')).fill(code.replace(/(\d{3})/, '$1 '));
    await page.getByRole('button', { name: text(lang, 'sms.submit'), exact: true }).click();
    expect(new URL(await waitForCallback(page, smsRp)).searchParams.get('code')).toBeTruthy();
  });

  it('password form: after a mismatch the still valid code stays in its field; then the password is saved', async () => {
    const loginId = lang === 'de' ? '200006' : '100003';
    await page.goto(`${idp.url}/password/forgot?lang=${lang}`);
    await h1('password.forgot.heading');
    await page.getByLabel(text(lang, 'login.loginId')).fill(loginId);
    await page.getByRole('button', { name: text(lang, 'password.forgot.submit') }).click();
    await h1('password.code.heading');
    await idp.container.passwordSetup.passwords.settled(); // the code is handed over in the background
    const passwordMobile = (await idp.container.accounts.findByAccessNumber(loginId))!.mobile!;
    const code = lastCode(idp, passwordMobile);
    expect(idp.container.smsSink!.lastTo(passwordMobile)!.text).toMatch(lang === 'de' ? /^Ihr financeIDENT Code zum Setzen des Passworts/ : /^Your financeIDENT code for setting your password/);
    await page.getByLabel(text(lang, 'password.code.code')).fill(code);
    await page.getByLabel(text(lang, 'password.code.new'), { exact: true }).fill('Neues-Passwort-2026!');
    await page.getByLabel(text(lang, 'password.code.repeat')).fill('Anderes-Passwort-2026!');
    await page.getByRole('button', { name: text(lang, 'password.code.submit') }).click();
    await page.locator('#code-error').waitFor(WAIT);
    expect(await page.locator('#code-error').innerText()).toBe(text(lang, 'password.mismatch'));
    expect(await page.getByLabel(text(lang, 'password.code.code')).inputValue()).toBe(code);
    expect(await page.getByLabel(text(lang, 'password.code.new'), { exact: true }).inputValue()).toBe('');
    await checkPage(page, `ui-password-kept-code-${lang}`);
    await page.getByLabel(text(lang, 'password.code.new'), { exact: true }).fill('Neues-Passwort-2026!');
    await page.getByLabel(text(lang, 'password.code.repeat')).fill('Neues-Passwort-2026!');
    await page.getByRole('button', { name: text(lang, 'password.code.submit') }).click();
    await h1('password.done.heading');
    // A GET page: reloading it shows "saved" again, not an expired form.
    expect(new URL(page.url()).pathname).toBe('/password/done');
    await page.reload();
    await h1('password.done.heading');
    await checkPage(page, `ui-password-done-${lang}`);
  });

  it('no mobile number on file: the broker\'s number is shown for people, and the copy does not assume a gender', async () => {
    await browser.context.clearCookies(); // the SMS test signed in: a new sign-in, not the session
    await page.goto((await rp.start()).url);
    await typePassword(page, lang, '200002');
    await h1('notice.noMobile.heading');
    expect(await page.locator('address a[href^="tel:"]').innerText()).toBe('+49 151 1111 1101');
    expect(await page.locator('address a[href^="tel:"]').getAttribute('href')).toBe('tel:+4915111111101');
    expect(await mainText(page)).toContain(text(lang, 'notice.noMobile.customer'));
    if (lang === 'de') expect(await mainText(page)).not.toMatch(/\ber\b/);
    await checkPage(page, `ui-no-mobile-${lang}`);
    // A reload (and the language switch) shows the same notice: it is a GET page now.
    await page.reload();
    await h1('notice.noMobile.heading');
  });

  it('no device yet: on a desktop the QR code and both stores; the steps name the app\'s own buttons', async () => {
    await page.goto((await brokerRp.start()).url); // 100002 is a broker's employee: smartMSC
    await typePassword(page, lang, '100002');
    await h1('noDevice.heading');
    const steps = await page.locator('#no-device-steps').innerText();
    for (const button of [app['nav.add'], app['enrol.submit'], app['enrol.register']]) expect(steps).toContain(`${lang === 'de' ? '„' : '"'}${button}${lang === 'de' ? '“' : '"'}`);
    expect(await page.locator('.qr').count()).toBe(1);
    expect(await page.getByRole('link', { name: /App Store/ }).count()).toBe(1);
    expect(await page.getByRole('link', { name: /Google Play/ }).count()).toBe(1);
    await checkPage(page, `ui-no-device-desktop-ua-${lang}`);
  });

  it.each([
    ['iPhone', IPHONE_UA, /App Store/, /Google Play/],
    ['Android', ANDROID_UA, /Google Play/, /App Store/],
  ])('no device yet on an %s: no QR code, only its own store, the main action near the top', async (name, userAgent, shown, hidden) => {
    const phone = await launchChromium({ locale, viewport: PHONE, userAgent });
    try {
      await phone.page.goto((await brokerRp.start()).url); // 100002 is a broker's employee: smartMSC
      await typePassword(phone.page, lang, '100002');
      await phone.page.locator('h1', { hasText: text(lang, 'noDevice.heading') }).waitFor(WAIT);
      expect(await phone.page.locator('.qr').count()).toBe(0);
      expect(await phone.page.getByRole('link', { name: shown }).count()).toBe(1);
      expect(await phone.page.getByRole('link', { name: hidden }).count()).toBe(0);
      expect(await phone.page.locator('#no-device-steps li').first().innerText()).toContain(text(lang, 'noDevice.step1Phone'));
      // "Eingerichtet – weiter" is visible without scrolling on the phone.
      const done = await phone.page.locator('#no-device-done').boundingBox();
      expect(done!.y + done!.height).toBeLessThanOrEqual(PHONE.height);
      await checkPage(phone.page, `ui-no-device-${name.toLowerCase()}-${lang}`);
    } finally {
      await phone.close();
    }
  });

  it('account page: wide tables that fit, "dieser Browser" marked, removing a device asks first', async () => {
    const second = await enrolDevice(idp, '200001', undefined, { name: `Zweithandy ${lang}`, platform: 'android', osVersion: '14' });
    await page.goto(`${idp.url}/account?lang=${lang}`);
    await typePassword(page, lang, '200001');
    await page.waitForURL(/\/approval$/, WAIT);
    const number = (await page.locator('#approval-number').innerText()).trim();
    const pending = await customer.client.pending(customer.state);
    await customer.client.decide(customer.state, pending.at(-1)!.id, 'approve', { number });
    await page.waitForURL((u) => u.pathname === '/account', { ...WAIT, waitUntil: 'load' });
    await h1('account.heading');
    expect(await page.locator('#browsers #this-browser').innerText()).toBe(text(lang, 'account.browsers.this'));
    expect(await page.locator('#this-browser').count()).toBe(1);
    await checkPage(page, `ui-account-${lang}`);

    const removeName = `Zweithandy ${lang}`;
    await page.getByRole('link', { name: text(lang, 'account.devices.removeLabel', { name: removeName }) }).click();
    await page.locator('#confirm-remove').waitFor(WAIT);
    expect(await page.locator('#confirm-remove-question').innerText()).toBe(text(lang, 'account.devices.confirm', { name: removeName }));
    await checkPage(page, `ui-account-remove-confirm-${lang}`);
    await page.getByRole('link', { name: text(lang, 'account.devices.confirmNo') }).click();
    await page.locator('#confirm-remove').waitFor({ ...WAIT, state: 'detached' });
    expect((await idp.container.devices.listByAccount('acc_customer')).map((d) => d.id)).toContain(second.state.deviceId);

    await page.getByRole('link', { name: text(lang, 'account.devices.removeLabel', { name: removeName }) }).click();
    await page.getByRole('button', { name: text(lang, 'account.devices.confirmYes') }).click();
    await page.locator('#account-done').waitFor(WAIT);
    expect(await page.locator('#account-done').innerText()).toBe(text(lang, 'account.done.device'));
    expect((await idp.container.devices.listByAccount('acc_customer')).map((d) => d.id)).not.toContain(second.state.deviceId);
  });

  it('web app: real validation messages, the lockout in local time, the brand written "financeIDENT"', async () => {
    const webapp = await launchChromium({ locale, viewport: PHONE });
    try {
      const p = webapp.page;
      await addVirtualAuthenticator(p);
      await p.goto(`${idp.url}/ident/?lang=${lang}#enrol`);
      await p.locator('h1', { hasText: app['enrol.heading'] }).waitFor(WAIT);
      expect((await p.locator('.brand').innerText()).replace(/\s+/g, ' ')).toBe('fi financeIDENT');
      await p.click('#enrol-submit');
      await p.locator('#enrol-error [role=alert]').waitFor(WAIT);
      expect(await p.locator('#enrol-error').innerText()).toBe(app['enrol.missingFields']);
      await checkPage(p, `ui-webapp-missing-${lang}`);

      const lockId = lang === 'de' ? '200004' : '200003';
      await p.fill('#loginId', lockId);
      for (let i = 1; i <= 4; i++) {
        await p.fill('#password', `Falsch-${i}`);
        await p.click('#enrol-submit');
        await p.locator('#enrol-error [role=alert]').waitFor(WAIT);
        await p.waitForFunction(() => !document.getElementById('enrol-submit')?.hasAttribute('disabled'));
      }
      const locked = await p.locator('#enrol-error').innerText();
      expect(locked).toMatch(lang === 'de' ? /^Zu viele Fehlversuche\. Bitte versuchen Sie es ab \d\d:\d\d Uhr erneut\.$/ : /^Too many failed attempts\. Please try again from \d\d:\d\d\.$/);
      expect(locked).not.toMatch(/\d{4}-\d\d-\d\dT/);
      await checkPage(p, `ui-webapp-locked-${lang}`);

      await p.fill('#loginId', '200006');
      await p.fill('#password', 'Neues-Passwort-2026!'); // set by the password test (German round)
      await p.click('#enrol-submit');
      await p.locator('h1', { hasText: app['enrol.codeHeading'] }).waitFor(WAIT);
      await p.fill('#code', 'abc');
      await p.click('#enrol-register');
      await p.locator('#enrol-error [role=alert]').waitFor(WAIT);
      expect(await p.locator('#enrol-error').innerText()).toBe(app['enrol.codeInvalid']!.replace('{digits}', '6'));
      await checkPage(p, `ui-webapp-code-invalid-${lang}`);
    } finally {
      await webapp.close();
    }
  });

  it('web app: notifications can be turned on after enrolment (and it says so when the browser refuses)', async () => {
    const webapp = await launchChromium({ locale, viewport: PHONE });
    try {
      const p = webapp.page;
      // The browser's push service, stood in for: subscribe() answers with a fixed subscription.
      await webapp.context.addInitScript(() => {
        const fake = { endpoint: 'https://push.example/sub/ui', expirationTime: null, toJSON: () => ({ endpoint: 'https://push.example/sub/ui', keys: { p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM', auth: 'tBHItJI5svbpez7KI4CCXg' } }) };
        PushManager.prototype.subscribe = async () => fake as unknown as PushSubscription;
        PushManager.prototype.getSubscription = async () => null;
      });
      await addVirtualAuthenticator(p);
      await p.goto(`${idp.url}/ident/?lang=${lang}&enrol=100001`);
      await p.locator('h1', { hasText: app['enrol.heading'] }).waitFor(WAIT);
      await p.fill('#password', 'Demo-Passwort-2026');
      await p.click('#enrol-submit');
      await p.locator('h1', { hasText: app['enrol.codeHeading'] }).waitFor(WAIT);
      const brokerMobile = (await idp.container.accounts.findByAccessNumber('100001'))!.mobile!;
      expect(idp.container.smsSink!.lastTo(brokerMobile)!.text).toMatch(lang === 'de' ? /^Ihr financeIDENT Freischaltcode/ : /^Your financeIDENT activation code/);
      await p.fill('#code', lastCode(idp, brokerMobile));
      await p.click('#enrol-register');
      await p.locator('h1', { hasText: app['enrol.doneHeading'] }).waitFor(WAIT);
      expect(await p.locator('#enrol-push').innerText()).toBe(app['enrol.doneNoPush']);
      await checkPage(p, `ui-webapp-done-no-push-${lang}`);
      await p.click('#enrol-push-later');
      const button = p.getByRole('button', { name: app['accounts.pushOn'] });
      await button.last().waitFor(WAIT);
      // Not allowed yet: the app says so plainly.
      await button.last().click();
      await p.getByText(app['accounts.pushUnavailable']!).waitFor(WAIT);
      await checkPage(p, `ui-webapp-push-refused-${lang}`);
      await webapp.context.grantPermissions(['notifications'], { origin: idp.url });
      await button.last().click();
      await p.getByText(app['accounts.pushDone']!.replace('{number}', '100001')).waitFor(WAIT);
      await checkPage(p, `ui-webapp-push-on-${lang}`);
      const devices = await idp.container.devices.listByAccount('acc_broker');
      expect(devices.some((d) => d.platform === 'web' && d.pushSubscription?.endpoint === 'https://push.example/sub/ui')).toBe(true);
    } finally {
      await webapp.close();
    }
  });

  it('demo pages: wide layout that fits, links to everything a newcomer needs, the enrol command; the SMS inbox as a page', async () => {
    const demo = await launchChromium({ locale, viewport: PHONE });
    try {
      const p = demo.page;
      await p.goto(`${demoIdp.url}/demo?lang=${lang}`);
      await p.locator('h1').first().waitFor(WAIT);
      for (const href of ['/account', '/ident/', '/dev/sms', '/broker']) expect(await p.locator(`#demo-links a[href="${href}"]`).count()).toBe(1);
      expect(await p.locator('#enrol-command').innerText()).toBe('npm run ident -- enrol --login 200001 --password Demo-Passwort-2026');
      await checkPage(p, `ui-demo-index-${lang}`);
      // 100001 is a broker: the demo of smartMSC, the portal that admits brokers.
      await p.goto(`${demoIdp.url}/demo/smartmsc`);
      await checkPage(p, `ui-demo-client-${lang}`);
      await p.goto(`${demoIdp.url}/demo/smartmsc/login`);
      await typePassword(p, lang, '100001');
      await approve(p, demoDevice);
      await p.waitForURL(/\/demo\/smartmsc\/callback/, { ...WAIT, waitUntil: 'load' });
      await p.locator('#id-token-claims').waitFor(WAIT);
      await checkPage(p, `ui-demo-result-${lang}`);

      await p.goto(`${demoIdp.url}/dev/sms`);
      await p.locator('#sms-list').waitFor(WAIT);
      const times = await p.locator('#sms-list li').count();
      expect(times).toBeGreaterThan(0);
      const newest = demoIdp.container.smsSink!.list()[0]!;
      expect(await p.locator('#sms-list li .sms-text').first().innerText()).toBe(newest.text);
      await checkPage(p, `ui-dev-sms-${lang}`);
    } finally {
      await demo.close();
    }
  });
});

