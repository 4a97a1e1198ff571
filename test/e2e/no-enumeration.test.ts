// Issue 10.2: before a password is proven, nothing tells a stranger whether an account exists, has a mobile number,
// or is in a cool-down, nor that two ids belong to one account (ACC-2, PWD-1). POST /password/forgot with the id of
// an account without a mobile number answered 403 with the broker's name, email and mobile; two requests in a row
// (access number, then that account's email) showed a cool-down only when both named the same account.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { alertText, Browser, type Page } from '../helpers/browser.js';
import { passwordLogin, RelyingParty } from '../helpers/relying-party.js';
import { translate, type MessageKey } from '../../src/i18n/messages.js';

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp();
});
afterAll(async () => idp?.close());

const de = (key: MessageKey, params?: Record<string, string | number>) => translate('de', key, params);
const settled = (target: TestIdp = idp) => target.container.passwordSetup.passwords.settled();
/** The page without what differs on every request anyway (CSRF token). */
const neutral = (page: Page) => ({ status: page.status, url: page.url.replace(/^http:\/\/[^/]+/, ''), html: page.html.replace(/name="_csrf" value="[^"]*"/g, '') });

async function requestCode(target: TestIdp, browser: Browser, loginId: string): Promise<{ first: Response; page: Page }> {
  const forgot = await browser.go(`${target.url}/password/forgot`);
  const csrf = /name="_csrf" value="([^"]*)"/.exec(forgot.html)![1]!;
  const first = await browser.request(`${target.url}/password/forgot`, { form: { _csrf: csrf, loginId } });
  const page = await browser.go(new URL(first.headers.get('location') ?? '/password/forgot', target.url).toString());
  return { first, page };
}

const BROKER = ['Maklerbüro Sommer', 'makler@example.de', '+4915111111101', '11111101'];

describe('no enumeration before the password is proven', () => {
  it('/password/forgot: a real account, an unknown id, an account without mobile number (by number and by email), a shared email — same status, same page', async () => {
    const answers = [];
    for (const loginId of ['200003', '999999', '200002', 'max@example.de', 'familie@example.de', 'niemand@example.de']) {
      const { first, page } = await requestCode(idp, new Browser(), loginId);
      expect({ loginId, status: first.status, location: first.headers.get('location') }).toEqual({ loginId, status: 303, location: '/password/code' });
      for (const text of BROKER) expect(page.html).not.toContain(text);
      expect(page.html).toContain(de('password.code.noSms'));
      answers.push(neutral(page));
    }
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    await settled();
  });

  it('an account in cool-down: its access number, then its email, answer like an unknown id — also on resend', async () => {
    const unknownFirst = await requestCode(idp, new Browser(), 'fremd-1@example.de');
    const byNumber = await requestCode(idp, new Browser(), '200006');
    const unknownSecond = await requestCode(idp, new Browser(), 'fremd-2@example.de');
    const emailBrowser = new Browser();
    const byEmail = await requestCode(idp, emailBrowser, 'paul@example.de'); // same account, within 30 s
    expect(byEmail.first.status).toBe(303);
    expect(neutral(byEmail.page)).toEqual(neutral(unknownSecond.page));
    expect(neutral(byNumber.page)).toEqual(neutral(unknownFirst.page));
    await settled();

    // Resend at once: every flow is in its own cool-down, with the same seconds for all.
    const unknownBrowser = new Browser();
    const unknown = await requestCode(idp, unknownBrowser, 'fremd-3@example.de');
    const resendUnknown = await unknownBrowser.submit(unknown.page, '/password/code/resend', {});
    const resendEmail = await emailBrowser.submit(byEmail.page, '/password/code/resend', {});
    expect(resendEmail.status).toBe(resendUnknown.status);
    expect(alertText(resendEmail.html)).toBe(alertText(resendUnknown.html));
    // Both in the flow's own cool-down (the same for every flow), told as such.
    expect(resendEmail.status).toBe(429);
    expect(alertText(resendEmail.html)?.startsWith(de('sms.resendTooSoon').split('{seconds}')[0]!)).toBe(true);
    await settled();
  });

  it('the answer does not wait for the SMS provider: /password/forgot is answered while the provider still holds the SMS', async () => {
    const held: ServerResponse[] = [];
    let received = 0;
    const provider: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
      received += 1;
      req.resume();
      held.push(res); // answered only at the end of the test
    });
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    const gateway = await startTestIdp({ redis: false, env: { SMS_GATEWAY_URL: `http://127.0.0.1:${(provider.address() as AddressInfo).port}/v1/messages`, SMS_GATEWAY_TIMEOUT_MS: '60000' } });
    try {
      const real = await requestCode(gateway, new Browser(), '200003');
      expect(real.first.status).toBe(303);
      const deadline = Date.now() + 10_000;
      while (received === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(received).toBe(1); // the SMS is with the provider, unanswered — and the page was already answered
      const unknown = await requestCode(gateway, new Browser(), '999999');
      expect(neutral(real.page)).toEqual(neutral(unknown.page));
    } finally {
      for (const res of held) res.writeHead(202, { 'content-type': 'application/json' }).end('{"id":"m1"}');
      await settled(gateway);
      await gateway.close();
      provider.closeAllConnections();
      await new Promise((resolve) => provider.close(resolve));
    }
  });

  it('the broker’s contact appears only after a correct password (ACC-4): wrong password → the neutral login error', async () => {
    const rp = await RelyingParty.discover(idp, 'financecloud');
    const wrong = await passwordLogin(new Browser(), rp, await rp.start(), '200002', 'falsches-passwort');
    expect(wrong.status).toBe(401);
    expect(alertText(wrong.html)).toBe(de('login.invalid'));
    for (const text of BROKER) expect(wrong.html).not.toContain(text);
    const right = await passwordLogin(new Browser(), rp, await rp.start(), '200002', 'Demo-Passwort-2026');
    expect(right.status).toBe(403);
    expect(right.html).toContain('Maklerbüro Sommer');
  });
});
