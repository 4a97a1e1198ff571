// Policy numbers are configuration (src/config/schema.ts): today's values are the defaults, and a changed key changes
// what a person meets (the activation code's length, an SMS code's tries and cool-down, the WebAuthn wait, the account
// page's sign-in lifetime, a form message's lifetime, the ID token's lifetime, the SMS provider's attempts).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config/load-config.js';
import { ManualClock } from '../../src/shared/clock.js';
import { DeviceClient } from '../../src/ident-client/device-client.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { enrolDevice, shownNumber } from '../helpers/device.js';
import { Browser, findForm } from '../helpers/browser.js';
import { RelyingParty } from '../helpers/relying-party.js';
import { login, signDeviceTokensWith } from '../helpers/remembered.js';
import { FakeSmsProvider } from '../helpers/fake-sms-provider.js';

describe('policy keys: defaults', () => {
  it('keep the values the code had before they were configuration', () => {
    const c = loadConfig({});
    expect({
      approvalResendCooldownSeconds: c.approvalResendCooldownSeconds,
      approvalMaxResends: c.approvalMaxResends,
      enrolmentCodeDigits: c.enrolmentCodeDigits,
      enrolmentCodeMaxPerAccountPerHour: c.enrolmentCodeMaxPerAccountPerHour,
      webauthnTimeoutSeconds: c.webauthnTimeoutSeconds,
      passwordFlowTtlSeconds: c.passwordFlowTtlSeconds,
      mobileChangePendingDays: c.mobileChangePendingDays,
      smsCodeTtlSeconds: c.smsCodeTtlSeconds,
      smsCodeMaxTries: c.smsCodeMaxTries,
      smsCodeResendCooldownSeconds: c.smsCodeResendCooldownSeconds,
      smsCodeMaxPerAccountPerHour: c.smsCodeMaxPerAccountPerHour,
      smsCodeMaxPerAccountPerDay: c.smsCodeMaxPerAccountPerDay,
      smsCodeMaxPerIpPerHour: c.smsCodeMaxPerIpPerHour,
      smsCodeMaxPerIpPerDay: c.smsCodeMaxPerIpPerDay,
      smsUnknownRetryDelaysSeconds: c.smsUnknownRetryDelaysSeconds,
      smsUnknownKeepSeconds: c.smsUnknownKeepSeconds,
      deviceTokenMaxAgeSeconds: c.deviceTokenMaxAgeSeconds,
      mailingPollMs: c.mailingPollMs,
      smtpTimeoutSeconds: c.smtpTimeoutSeconds,
      accountSessionTtlSeconds: c.accountSessionTtlSeconds,
      accountSignInTtlSeconds: c.accountSignInTtlSeconds,
      brokerSessionTtlSeconds: c.brokerSessionTtlSeconds,
      brokerSignInTtlSeconds: c.brokerSignInTtlSeconds,
      idTokenTtlSeconds: c.idTokenTtlSeconds,
      authorizationCodeTtlSeconds: c.authorizationCodeTtlSeconds,
      smsGatewayAttempts: c.smsGatewayAttempts,
      smsGatewayBackoffMs: c.smsGatewayBackoffMs,
      webPushAttempts: c.webPushAttempts,
      webPushRetryDelayMs: c.webPushRetryDelayMs,
      webPushTimeoutMs: c.webPushTimeoutMs,
      webPushMaxRetryAfterMs: c.webPushMaxRetryAfterMs,
      flashMessageTtlSeconds: c.flashMessageTtlSeconds,
      waitingHeartbeatSeconds: c.waitingHeartbeatSeconds,
      waitingLongPollSeconds: c.waitingLongPollSeconds,
      waitingSseRetryMs: c.waitingSseRetryMs,
    }).toEqual({
      approvalResendCooldownSeconds: 15,
      approvalMaxResends: 3,
      enrolmentCodeDigits: 6,
      enrolmentCodeMaxPerAccountPerHour: 5,
      webauthnTimeoutSeconds: 120,
      passwordFlowTtlSeconds: 1800,
      mobileChangePendingDays: 7,
      smsCodeTtlSeconds: 300,
      smsCodeMaxTries: 5,
      smsCodeResendCooldownSeconds: 30,
      smsCodeMaxPerAccountPerHour: 5,
      smsCodeMaxPerAccountPerDay: 10,
      smsCodeMaxPerIpPerHour: 10,
      smsCodeMaxPerIpPerDay: 30,
      smsUnknownRetryDelaysSeconds: [5, 30, 120],
      smsUnknownKeepSeconds: 600,
      deviceTokenMaxAgeSeconds: 120,
      mailingPollMs: 1000,
      smtpTimeoutSeconds: 15,
      accountSessionTtlSeconds: 15 * 60,
      accountSignInTtlSeconds: 10 * 60,
      brokerSessionTtlSeconds: 15 * 60,
      brokerSignInTtlSeconds: 10 * 60,
      idTokenTtlSeconds: 3600,
      authorizationCodeTtlSeconds: 60,
      smsGatewayAttempts: 3,
      smsGatewayBackoffMs: 250,
      webPushAttempts: 3,
      webPushRetryDelayMs: 200,
      webPushTimeoutMs: 5000,
      webPushMaxRetryAfterMs: 2000,
      flashMessageTtlSeconds: 10 * 60,
      waitingHeartbeatSeconds: 15,
      waitingLongPollSeconds: 25,
      waitingSseRetryMs: 2000,
    });
  });

  it.each([
    ['ENROLMENT_CODE_DIGITS', '4'],
    ['SMS_CODE_MAX_TRIES', '0'],
    ['SMS_UNKNOWN_RETRY_DELAYS_SECONDS', '5,soon'],
    ['APPROVAL_MAX_RESENDS', '-1'],
    ['ACCOUNT_SESSION_TTL_SECONDS', '30'],
    ['BROKER_SIGN_IN_TTL_SECONDS', '1h'],
    ['ID_TOKEN_TTL_SECONDS', '86401'],
    ['AUTHORIZATION_CODE_TTL_SECONDS', '601'],
    ['SMS_GATEWAY_ATTEMPTS', '0'],
    ['SMS_GATEWAY_BACKOFF_MS', '2.5'],
    ['WEB_PUSH_ATTEMPTS', '11'],
    ['WEB_PUSH_TIMEOUT_MS', '50'],
    ['FLASH_MESSAGE_TTL_SECONDS', '0'],
    ['WAITING_HEARTBEAT_SECONDS', '0'],
    ['WAITING_LONG_POLL_SECONDS', '301'],
    ['WAITING_SSE_RETRY_MS', 'soon'],
  ])('refuses %s=%s with the variable named', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});

describe('policy keys reach what a person meets', () => {
  let idp: TestIdp;
  const clock = new ManualClock();
  beforeAll(async () => {
    idp = await startTestIdp({
      redis: false,
      clock,
      env: { ENROLMENT_CODE_DIGITS: '8', SMS_CODE_MAX_TRIES: '2', SMS_CODE_RESEND_COOLDOWN_SECONDS: '10', WEBAUTHN_TIMEOUT_SECONDS: '60' },
    });
  }, 60_000);
  afterAll(async () => idp?.close());

  it('ENROLMENT_CODE_DIGITS: the app is told eight digits, the SMS carries eight, and they enrol the device', async () => {
    const started = await new DeviceClient(idp.url).startEnrolment('200001', 'Demo-Passwort-2026');
    expect(started.codeLength).toBe(8);
    const account = await idp.container.accounts.findByAccessNumber('200001');
    expect(idp.container.smsSink!.lastTo(account!.mobile!)!.text).toMatch(/\b\d{8}\b/);
    const { state } = await enrolDevice(idp, '200001');
    expect(state.deviceId).toBeTruthy();
  }, 30_000);

  it('SMS_CODE_MAX_TRIES and SMS_CODE_RESEND_COOLDOWN_SECONDS: the second wrong code voids it; a new one after 10 s', async () => {
    const account = (await idp.container.accounts.findByAccessNumber('200005'))!;
    const send = () => idp.container.smsCodes.send({ accountId: account.id, mobile: account.mobile!, loginUid: 'policy-login', ip: '192.0.2.7' });
    const verify = () => idp.container.smsCodes.verify({ loginUid: 'policy-login', accountId: account.id, code: '000000' });
    await send();
    await expect(verify()).rejects.toMatchObject({ code: 'sms.wrong', params: { left: 1 } });
    await expect(verify()).rejects.toMatchObject({ code: 'sms.tooManyTries' });
    clock.advance(9_000);
    await expect(send()).rejects.toMatchObject({ code: 'sms.resendTooSoon' });
    clock.advance(1_000);
    await expect(send()).resolves.toMatchObject({ mobileMasked: expect.any(String) });
  });

  it('WEBAUTHN_TIMEOUT_SECONDS: the browser is asked to wait 60 s', async () => {
    const options = await idp.container.webauthn.registrationOptions({ id: 'acct-1', name: '200001', displayName: '200001' });
    expect(options.timeout).toBe(60_000);
  });
});

describe('policy keys reach what a browser and a relying party meet', () => {
  let idp: TestIdp;
  const clock = new ManualClock();
  beforeAll(async () => {
    idp = await startTestIdp({
      redis: false,
      clock,
      env: { ACCOUNT_SESSION_TTL_SECONDS: '120', FLASH_MESSAGE_TTL_SECONDS: '30', ID_TOKEN_TTL_SECONDS: '300', WAITING_SSE_RETRY_MS: '500' },
    });
    signDeviceTokensWith(clock); // the device signs by the IdP's clock, which these tests move
  }, 60_000);
  afterAll(async () => idp?.close());

  it('ID_TOKEN_TTL_SECONDS: the relying party gets an ID token valid for 300 s', async () => {
    const rp = await RelyingParty.discover(idp, 'financecloud');
    const device = await enrolDevice(idp, '200001');
    const { approved, claims } = await login(new Browser(), rp, idp.url, '200001', device);
    expect(approved).toBe(true);
    expect(claims.exp! - claims.iat!).toBe(300);
  }, 30_000);

  it('FLASH_MESSAGE_TTL_SECONDS: a wrong password\'s message is shown after the redirect and kept at most 30 s', async () => {
    const rp = await RelyingParty.discover(idp, 'financecloud');
    const browser = new Browser();
    const loginPage = await browser.go((await rp.start()).url);
    const form = findForm(loginPage.html, '/login');
    const posted = await browser.request(new URL(form.action, loginPage.url).toString(), { form: { ...form.fields, loginId: '299999', password: 'Falsches-Passwort-1' } });
    expect(posted.status).toBe(303);
    const flash = (await browser.jar.getCookies(loginPage.url)).find((c) => c.key === 'fi_flash')!;
    const keptMs = flash.expiryTime()! - Date.now();
    expect(keptMs).toBeGreaterThan(20_000);
    expect(keptMs).toBeLessThanOrEqual(30_000);
    const shown = await browser.go(loginPage.url);
    expect(shown.status).toBe(401); // the flash's status: the wrong-password message is on the page
  }, 30_000);

  it('ACCOUNT_SESSION_TTL_SECONDS and WAITING_SSE_RETRY_MS: the waiting page reconnects after 500 ms; /account ends after 120 s', async () => {
    const device = await enrolDevice(idp, '200006');
    const browser = new Browser();
    const first = await browser.go(`${idp.url}/account`);
    const waiting = await browser.submit(first, '/login', { loginId: '200006', password: 'Demo-Passwort-2026' });
    expect(waiting.url).toMatch(/\/interaction\/[^/]+\/approval$/);

    const events = await browser.request(`${waiting.url}/events`);
    expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = events.body!.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toMatch(/^retry: 500\n\n/);
    await reader.cancel();

    const [pending] = await device.client.pending(device.state);
    await device.client.decide(device.state, pending!.id, 'approve', { number: shownNumber(waiting.html) });
    const page = await browser.go(waiting.url.replace(/\/approval$/, '/finish'));
    expect(page.url).toBe(`${idp.url}/account`);
    const session = (await browser.jar.getCookies(`${idp.url}/account`)).find((c) => c.key === 'fi_account')!;
    expect(session.expiryTime()! - Date.now()).toBeLessThanOrEqual(120_000);

    clock.advance(119_000);
    expect((await browser.request(`${idp.url}/account`)).status).toBe(200);
    clock.advance(1_000);
    const ended = await browser.request(`${idp.url}/account`);
    expect(ended.status).toBe(302);
    expect(ended.headers.get('location')).toBe('/account/login');
  }, 30_000);
});

describe('SMS_GATEWAY_ATTEMPTS reaches the HTTP SMS gateway', () => {
  let idp: TestIdp;
  const provider = new FakeSmsProvider();
  beforeAll(async () => {
    await provider.start();
    idp = await startTestIdp({ redis: false, env: { SMS_GATEWAY_URL: provider.url, SMS_GATEWAY_ATTEMPTS: '2', SMS_GATEWAY_BACKOFF_MS: '0' } });
  }, 60_000);
  afterAll(async () => {
    await idp?.close();
    await provider.stop();
  });

  it('a failing provider is asked twice for one activation SMS, both times under one Idempotency-Key; the app hears it was not sent', async () => {
    provider.fallback = 'fail500';
    const response = await fetch(`${idp.url}/ident/api/enrolments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ loginId: '200001', password: 'Demo-Passwort-2026' }),
    });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: string }).error).toBe('sms.gatewayUnavailable');
    expect(provider.received).toHaveLength(2);
    expect(new Set(provider.received.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(provider.sent.size).toBe(0);
  }, 30_000);
});
