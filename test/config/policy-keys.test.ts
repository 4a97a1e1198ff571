// Policy numbers are configuration (src/config/schema.ts): today's values are the defaults, and a changed key changes
// what a person meets (the activation code's length, an SMS code's tries and cool-down, the WebAuthn wait).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config/load-config.js';
import { ManualClock } from '../../src/shared/clock.js';
import { DeviceClient } from '../../src/ident-client/device-client.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { enrolDevice } from '../helpers/device.js';

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
    });
  });

  it.each([
    ['ENROLMENT_CODE_DIGITS', '4'],
    ['SMS_CODE_MAX_TRIES', '0'],
    ['SMS_UNKNOWN_RETRY_DELAYS_SECONDS', '5,soon'],
    ['APPROVAL_MAX_RESENDS', '-1'],
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
