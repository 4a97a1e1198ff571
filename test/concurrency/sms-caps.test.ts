// Issue 9: SMS caps and cool-downs hold when requests arrive at once — the per-account hourly cap across simultaneous
// new logins, and the resend cool-down of one login (also once the store lags behind the clock) — on Redis and memory.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Browser, findForm } from '../helpers/browser.js';
import { RelyingParty } from '../helpers/relying-party.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { STORES, tally } from '../helpers/concurrency.js';
import { DAY, ManualClock, SECOND } from '../../src/shared/clock.js';

const PASSWORD = 'Demo-Passwort-2026';
const MOBILE = '+4915122222205';
const N = 30;

describe.each(STORES)('SMS caps and cool-downs under simultaneous requests ($name)', ({ name, redis }) => {
  let idp: TestIdp;
  const clock = new ManualClock();
  beforeAll(async () => {
    idp = await startTestIdp({ redis, clock });
  });
  afterAll(async () => idp.close());
  beforeEach(() => {
    clock.advance(DAY); // fresh caps
    idp.container.smsSink!.clear();
  });
  const smsTo = () => idp.container.smsSink!.list().filter((m) => m.to === MOBILE).length;

  /** `n` logins of the SMS account past the password (one after the other), each just before its code page. */
  async function pastPassword(n: number): Promise<{ browser: Browser; url: string }[]> {
    const rp = await RelyingParty.discover(idp, 'financecloud');
    const logins: { browser: Browser; url: string }[] = [];
    for (let i = 0; i < n; i++) {
      const browser = new Browser();
      const page = await browser.go((await rp.start()).url, {}, rp.redirectUri);
      const form = findForm(page.html, '/login');
      const response = await browser.request(new URL(form.action, page.url).toString(), { method: 'POST', form: { ...form.fields, loginId: '200005', password: PASSWORD } });
      expect(response.status).toBe(302);
      // The password step sends the browser straight to the code page (no hop through …/second-factor).
      logins.push({ browser, url: new URL(response.headers.get('location')!, page.url).toString() });
    }
    return logins;
  }

  it(`${N} new logins open their code page at once: exactly 5 codes go out (the account's hourly cap), 25 pages say none was sent`, async () => {
    const logins = await pastPassword(N);
    const statuses = await Promise.all(logins.map(async ({ browser, url }) => (await browser.go(url)).status));
    expect(tally(statuses.map(String))).toEqual({ '200': 5, '429': N - 5 });
    expect(smsTo()).toBe(5);
  }, 120_000); // 30 password logins one after the other: minutes on a busy shared machine

  const lag = name !== 'memory' ? ' (Redis still holds the expired cool-down: compare-and-set)' : ' (memory: the cool-down expired with the clock)';
  it(`${N} resends of one login at once after the cool-down: exactly one new code${lag}`, async () => {
    const [login] = await pastPassword(1);
    const page = await login!.browser.go(login!.url);
    expect(smsTo()).toBe(1);
    clock.advance(31 * SECOND);
    const form = findForm(page.html, '/sms/resend');
    const action = new URL(form.action, page.url).toString();
    const statuses = await Promise.all(Array.from({ length: N }, async () => (await login!.browser.request(action, { method: 'POST', form: form.fields })).status));
    expect(tally(statuses.map(String))).toEqual({ '302': 1, '429': N - 1 });
    expect(smsTo()).toBe(2);
  }, 120_000);
});
