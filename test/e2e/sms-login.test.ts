// Accounts set to SMS log in with a login code sent to the number on file (SMS-1…3).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { alertText, Browser, type Page } from '../helpers/browser.js';
import { passwordLogin, RelyingParty } from '../helpers/relying-party.js';
import { DAY, HOUR, ManualClock, MINUTE, SECOND } from '../../src/shared/clock.js';
import { translate, type MessageKey } from '../../src/i18n/messages.js';

const MOBILE = '+4915122222205';
let idp: TestIdp;
let rp: RelyingParty;
const clock = new ManualClock();

beforeAll(async () => {
  idp = await startTestIdp({ clock });
  rp = await RelyingParty.discover(idp, 'financecloud');
});
afterAll(async () => idp.close());
beforeEach(() => {
  clock.advance(DAY); // fresh hourly and daily caps for each test
  idp.container.smsSink!.clear();
});

const de = (key: MessageKey, params?: Record<string, string | number>) => translate('de', key, params);

async function startSmsLogin(loginId = '200005') {
  const browser = new Browser();
  const started = await rp.start();
  const page = await passwordLogin(browser, rp, started, loginId, 'Demo-Passwort-2026');
  return { browser, started, page };
}

function lastCode(): string {
  const sms = idp.container.smsSink!.lastTo(MOBILE);
  expect(sms).toBeDefined();
  return /Login-Code: (\d{6}) /.exec(sms!.text)![1]!;
}

const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
const submitCode = (browser: Browser, page: Page, code: string) => browser.submit(page, '/sms', { code }, rp.redirectUri);

async function smsSentCount(purpose: string): Promise<number> {
  const metric = await idp.container.metrics.registry.getSingleMetric('sms_sent_total')!.get();
  return metric.values.find((v) => v.labels.purpose === purpose)?.value ?? 0;
}

describe('SMS login', () => {
  it('counts each SMS the gateway accepted once in sms_sent_total (the metrics scrape)', async () => {
    const before = await smsSentCount('login');
    await startSmsLogin();
    expect(idp.container.smsSink!.list()).toHaveLength(1);
    expect(await smsSentCount('login')).toBe(before + 1);
  });

  it('sends the code only to the number on file; a wrong code is refused, the right one finishes with amr sms', async () => {
    const { browser, started, page } = await startSmsLogin();
    expect(page.status).toBe(200);
    expect(page.url).toMatch(/\/interaction\/[^/]+\/sms$/);
    expect(page.html).toContain('inputmode="numeric"');
    expect(page.html).toContain('autocomplete="one-time-code"');
    expect(page.html).toContain('+49 151 ••••• 05');
    expect(page.html).not.toContain(MOBILE);

    const sent = idp.container.smsSink!.list();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: MOBILE, purpose: 'login' });
    expect(sent[0]!.text).toMatch(/^Ihr financeIDENT Login-Code: \d{6} \(gültig 5 Min\.\)\. Niemals weitergeben\.$/);
    const code = lastCode();

    const wrong = await submitCode(browser, page, wrongCode(code));
    expect(wrong.status).toBe(400);
    expect(alertText(wrong.html)).toBe(de('sms.wrong', { left: 4 }));

    const callback = await submitCode(browser, wrong, code);
    expect(callback.status).toBe(0);
    const tokens = await rp.finish(callback.url, started);
    const claims = await rp.verifyIdToken(tokens.id_token!);
    expect(claims.sub).toBe('acc_smsonly');
    expect(claims.amr).toEqual(['pwd', 'mfa', 'sms']);
    expect(claims.acr).toBe('urn:financeident:acr:mfa');
    expect(idp.container.smsSink!.list().every((m) => m.to === MOBILE)).toBe(true);
  });

  it('a used code does not complete another login', async () => {
    const first = await startSmsLogin();
    const oldCode = lastCode();
    expect((await submitCode(first.browser, first.page, oldCode)).status).toBe(0);
    clock.advance(31 * SECOND);

    const second = await startSmsLogin();
    expect(second.page.url).toMatch(/\/sms$/);
    expect(lastCode()).not.toBe(oldCode);
    const refused = await submitCode(second.browser, second.page, oldCode);
    expect(refused.status).toBe(400);
    expect(alertText(refused.html)).toBe(de('sms.wrong', { left: 4 }));
  });

  it('an expired code is refused', async () => {
    const { browser, page } = await startSmsLogin();
    const code = lastCode();
    clock.advance(6 * MINUTE);
    const refused = await submitCode(browser, page, code);
    expect(refused.status).toBe(410);
    expect(alertText(refused.html)).toBe(de('sms.expired'));
  });

  it('five wrong tries void the code', async () => {
    const { browser, page } = await startSmsLogin();
    const code = lastCode();
    let current = page;
    for (let i = 1; i <= 4; i++) {
      current = await submitCode(browser, current, wrongCode(code));
      expect(alertText(current.html)).toBe(de('sms.wrong', { left: 5 - i }));
    }
    current = await submitCode(browser, current, wrongCode(code));
    expect(current.status).toBe(429);
    expect(alertText(current.html)).toBe(de('sms.tooManyTries'));
    const refused = await submitCode(browser, current, code);
    expect(refused.status).toBe(429);
    expect(alertText(refused.html)).toBe(de('sms.tooManyTries'));
  });

  it('a resend within 30 seconds is refused with the cool-down; later a new code is sent', async () => {
    const { browser, page } = await startSmsLogin();
    clock.advance(10 * SECOND);
    const tooSoon = await browser.submit(page, '/sms/resend', {});
    expect(tooSoon.status).toBe(429);
    expect(alertText(tooSoon.html)).toBe(de('sms.resendTooSoon', { seconds: 20, retryAt: clock.now() + 20 * SECOND }));
    expect(idp.container.smsSink!.list()).toHaveLength(1);

    clock.advance(21 * SECOND);
    const resent = await browser.submit(tooSoon, '/sms/resend', {});
    expect(resent.status).toBe(200);
    expect(alertText(resent.html)).toBe(de('sms.resent'));
    expect(idp.container.smsSink!.list()).toHaveLength(2);
  });

  it('after five codes in an hour the next is refused', async () => {
    const { browser, page } = await startSmsLogin();
    let current = page;
    for (let i = 0; i < 4; i++) {
      clock.advance(31 * SECOND);
      current = await browser.submit(current, '/sms/resend', {});
      expect(alertText(current.html)).toBe(de('sms.resent'));
    }
    expect(idp.container.smsSink!.list()).toHaveLength(5);
    clock.advance(31 * SECOND);
    const refused = await browser.submit(current, '/sms/resend', {});
    expect(refused.status).toBe(429);
    expect(alertText(refused.html)).toBe(de('sms.tooMany', { retryAt: (Math.floor(clock.now() / HOUR) + 1) * HOUR }));
    expect(idp.container.smsSink!.list()).toHaveLength(5);
  });

  it('an app user may not use the SMS page (SMS_FALLBACK_FOR_APP_USERS=false)', async () => {
    const { browser, page } = await startSmsLogin('200001');
    const uid = /\/interaction\/([^/]+)\//.exec(page.url)![1]!;
    const refused = await browser.go(`${idp.url}/interaction/${uid}/sms`);
    expect(refused.status).toBe(403);
    expect(alertText(refused.html)).toBe(de('sms.notAllowed'));
    expect(refused.html).not.toContain('name="code"');
    expect(idp.container.smsSink!.list()).toHaveLength(0);
  });
});
