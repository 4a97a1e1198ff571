// Issue 10.4: user input used as a key never reaches Object.prototype (toString, constructor, __proto__ …).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { Browser, alertText } from '../helpers/browser.js';
import { RelyingParty, passwordLogin } from '../helpers/relying-party.js';
import { enrolDevice, shownNumber } from '../helpers/device.js';
import type { Device } from '../helpers/login-flow.js';
import { translate, translateAny } from '../../src/i18n/messages.js';

let idp: TestIdp;
let rp: RelyingParty;
let device: Device;
beforeAll(async () => {
  idp = await startTestIdp();
  rp = await RelyingParty.discover(idp, 'financecloud');
  device = await enrolDevice(idp, '200001');
});
afterAll(async () => idp.close());

const PROTOTYPE_NAMES = ['toString', 'constructor', 'valueOf', '__proto__', 'hasOwnProperty', '__defineGetter__'];

describe('prototype names as keys', () => {
  it('the waiting page with ?info=toString (and friends) shows the page without a notice; a real notice still shows', async () => {
    const browser = new Browser();
    const waiting = await passwordLogin(browser, rp, await rp.start(), '200001', 'Demo-Passwort-2026');
    expect(waiting.url).toMatch(/\/approval$/);
    for (const name of PROTOTYPE_NAMES) {
      const page = await browser.go(`${waiting.url}?info=${encodeURIComponent(name)}`);
      expect(page.status).toBe(200);
      expect(shownNumber(page.html)).toBe(shownNumber(waiting.html));
      expect(page.html).not.toContain(translate('de', 'error.generic'));
      expect(page.html).not.toContain('native code');
    }
    // Any other catalogue text cannot be put on the page through the URL either.
    expect((await browser.go(`${waiting.url}?info=login.locked`)).html).not.toContain('Zu viele Fehlversuche');
    const resent = await browser.go(`${waiting.url}?info=approval.resent`);
    expect(resent.html).toContain(translate('de', 'approval.resent'));
  });

  it('the account page with ?done=constructor shows no notice (no "unexpected error" either)', async () => {
    const browser = new Browser();
    const first = await browser.go(`${idp.url}/account`);
    const waiting = await browser.submit(first, '/login', { loginId: '200001', password: 'Demo-Passwort-2026' });
    const pending = (await device.client.pending(device.state)).find((a) => a.clientId === 'fi-account');
    await device.client.decide(device.state, pending!.id, 'approve', { number: shownNumber(waiting.html) });
    const account = await browser.go(waiting.url.replace(/\/approval$/, '/finish'));
    expect(account.url).toBe(`${idp.url}/account`);
    for (const name of PROTOTYPE_NAMES) {
      const page = await browser.go(`${idp.url}/account?done=${encodeURIComponent(name)}`);
      expect(page.status).toBe(200);
      expect(page.html).toContain('Erika Mustermann');
      expect(page.html).not.toContain(translate('de', 'error.generic'));
    }
    expect(alertText((await browser.go(`${idp.url}/account?done=interval`)).html)).toContain(translate('de', 'account.done.interval'));
  });

  it('translating a run-time key ignores prototype names; a client_id named like one is an unknown client (400), not a 500', async () => {
    for (const name of PROTOTYPE_NAMES) expect(translateAny('en', name)).toBe(translate('en', 'error.generic'));
    expect(translate('de', 'login.locked', { toString: 'x' } as never)).toContain('{until}');
    // A client_id named like a prototype member is an unknown client (a clear page), not a server error.
    for (const name of PROTOTYPE_NAMES) {
      const query = new URLSearchParams({ client_id: name, response_type: 'code', scope: 'openid', redirect_uri: rp.redirectUri, code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' });
      const response = await fetch(`${idp.url}/auth?${query}`, { redirect: 'manual', headers: { 'accept-language': 'de' } });
      expect(response.status).toBe(400);
    }
  });
});
