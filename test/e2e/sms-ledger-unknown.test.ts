// Issue 10.8: an SMS the provider delivered is billed exactly once, even when its answer was lost. A local HTTP server
// stands in for the provider and answers after the gateway's timeout (it accepted the message): the hand-over is in
// the ledger before sending (unknown), the statement shows it as unsettled, the user signs in with the code, and a
// retry with the same idempotency key settles it — one accepted line, billed once, one SMS on the phone.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { alertText, Browser } from '../helpers/browser.js';
import { passwordLogin, RelyingParty } from '../helpers/relying-party.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { FakeSmsProvider } from '../helpers/fake-sms-provider.js';
import { smartmscAccessToken } from '../helpers/login-flow.js';
import { DeviceClient } from '../../src/ident-client/device-client.js';
import { ManualClock } from '../../src/shared/clock.js';
import { translate } from '../../src/i18n/messages.js';
import type { SmsStatement } from '../../src/services/sms-statement.js';
import { signDeviceTokensWith } from '../helpers/remembered.js';

const MOBILE = '+4915122222205';
const provider = new FakeSmsProvider();
const clock = new ManualClock(Date.now()); // the quarter is read from the clock
// The device signs with the same clock: with real time, a slow start (a busy CI) would age its tokens past the IdP's frozen clock.
signDeviceTokensWith(clock);
let idp: TestIdp;
let brokerToken: string;

beforeAll(async () => {
  await provider.start();
  idp = await startTestIdp({ clock, env: { SMS_GATEWAY_URL: provider.url, SMS_GATEWAY_TIMEOUT_MS: '150' } });
  // The broker enrols its device with an SMS the provider answers in time, and gets a smartMSC access token.
  const client = new DeviceClient(idp.url);
  const started = await client.startEnrolment('100001', 'Demo-Passwort-2026');
  const state = await client.completeEnrolment(started.enrolmentId, provider.lastCodeTo('+4915111111101')!, { name: 'Phone', platform: 'ios', osVersion: '17.2' });
  brokerToken = await smartmscAccessToken(idp, '100001', { client, state });
}, 60_000);
afterAll(async () => {
  await idp.close();
  await provider.stop();
});

/** The quarter of the clock's date, e.g. 2026-Q4 (UTC is close enough away from quarter edges). */
const quarter = () => `${new Date(clock.now()).getUTCFullYear()}-Q${Math.floor(new Date(clock.now()).getUTCMonth() / 3) + 1}`;

async function statement(format: 'json' | 'csv' = 'json') {
  const response = await fetch(`${idp.url}/api/broker/statement?quarter=${quarter()}&format=${format}`, { headers: { authorization: `Bearer ${brokerToken}` } });
  expect(response.status).toBe(200);
  return format === 'json' ? ((await response.json()) as SmsStatement) : await response.text();
}
const logins = (lines: SmsStatement['lines']) => lines.filter((l) => l.purpose === 'login');

describe('an SMS whose answer was lost', () => {
  it('is recorded before sending, shown as unsettled, and after the retry with its key billed exactly once', async () => {
    provider.fallback = 'slow';
    provider.slowMs = 400;
    const rp = await RelyingParty.discover(idp, 'financecloud');
    const browser = new Browser();
    const started = await rp.start();
    const page = await passwordLogin(browser, rp, started, '200005', 'Demo-Passwort-2026');
    // The page does not claim the SMS failed, nor that it was sent.
    expect(alertText(page.html)).toBe(translate('de', 'sms.deliveryUnknown', { retryAt: clock.now() + 30_000 }));
    expect(provider.sent.size).toBe(2); // the activation SMS and this one: it reached the phone

    // Recorded before sending, still unknown: not billed, shown as unsettled.
    const before = (await statement()) as SmsStatement;
    expect(logins(before.lines)).toEqual([]);
    expect(before.unsettled).toEqual([expect.objectContaining({ accountId: 'acc_smsonly', accessNumber: '200005', purpose: 'login', providerMessageId: null, netCents: 10 })]);
    expect(await statement('csv')).toContain('Ungeklärt (nicht berechnet)');

    // The user signs in with the code that arrived.
    const callback = await browser.submit(page, '/sms', { code: provider.lastCodeTo(MOBILE)! }, rp.redirectUri);
    expect(callback.status).toBe(0);

    // Settling retries with the same idempotency key: the provider answers with the message it already sent.
    provider.fallback = 'ok';
    const key = [...provider.sent.entries()].find(([, m]) => m.body.to === MOBILE)![0];
    await expect(idp.container.smsSettlement.settlePending()).resolves.toEqual({ settled: 1, open: 0 });
    expect(provider.received.filter((r) => r.headers['idempotency-key'] === key).length).toBeGreaterThan(1);
    expect(provider.sent.size).toBe(2); // no second SMS to the phone

    const after = (await statement()) as SmsStatement;
    expect(logins(after.lines)).toEqual([expect.objectContaining({ accessNumber: '200005', providerMessageId: provider.sent.get(key)!.messageId, netCents: 10 })]);
    expect(after.unsettled).toEqual([]);
    expect(after.netCents).toBe(10);
    expect(after.grossCents).toBe(12);

    // Settling again (or a late background retry) bills nothing more.
    await expect(idp.container.smsSettlement.settlePending()).resolves.toEqual({ settled: 0, open: 0 });
    expect(logins(((await statement()) as SmsStatement).lines)).toHaveLength(1);
    expect((await idp.container.smsLedger.listForBroker('acc_broker', 0, Number.MAX_SAFE_INTEGER)).filter((l) => l.purpose === 'login')).toEqual([
      expect.objectContaining({ state: 'accepted', idempotencyKey: key }),
    ]);
  });

  it('a provider that refuses outright leaves a failed line that is never billed nor shown as unsettled', async () => {
    provider.fallback = 'refuse400';
    clock.advance(60_000);
    const rp = await RelyingParty.discover(idp, 'financecloud');
    const page = await passwordLogin(new Browser(), rp, await rp.start(), '200005', 'Demo-Passwort-2026');
    expect(alertText(page.html)).toBe(translate('de', 'sms.notSent', { retryAt: clock.now() + 30_000 }));
    const lines = await idp.container.smsLedger.listForBroker('acc_broker', 0, Number.MAX_SAFE_INTEGER);
    expect(lines.filter((l) => l.state === 'failed')).toHaveLength(1);
    const now = (await statement()) as SmsStatement;
    expect(logins(now.lines)).toHaveLength(1);
    expect(now.unsettled).toEqual([]);
  });

  it('a mobile-number change whose SMS is unconfirmed answers delivery "unknown", and the code that arrived confirms it (by the customer)', async () => {
    provider.fallback = 'slow';
    provider.slowMs = 400;
    const api = async (path: string, body: unknown) => {
      const response = await fetch(`${idp.url}/api/broker/customers/200003/mobile${path}`, { method: 'POST', headers: { authorization: `Bearer ${brokerToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const requested = await api('', { mobile: '0151 44444401' });
    expect(requested).toMatchObject({ status: 202, body: { delivery: 'unknown' } });
    provider.fallback = 'ok';
    const code = provider.lastCodeTo('+4915144444401')!;
    // The code is the customer's (ACC-3): the broker cannot use it; the customer confirms with the link that arrived.
    expect(await api('/confirm', { code })).toMatchObject({ status: 403, body: { error: 'mobile.ownerConfirms' } });
    const text = [...provider.sent.values()].filter((m) => m.body.to === '+4915144444401').at(-1)!.body.text;
    const browser = new Browser();
    const page = await browser.go(/(http:\/\/\S+\/mobile\/confirm\/\S+)/.exec(text)![1]!);
    expect(page.status).toBe(200);
    const confirmed = await browser.submit(page, '/mobile/confirm', { code });
    expect(confirmed.status).toBe(200);
    expect((await idp.container.accounts.findByAccessNumber('200003'))!.mobile).toBe('+4915144444401');
  });
});
