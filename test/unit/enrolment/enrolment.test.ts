// Unit rules of device enrolment (ENR-1…3): the activation code (a code of the shared service) turns into exactly one
// device, the OS version rule, bad keys, the WebAuthn challenge kept in its own key, and what the app is told.
import { describe, expect, it } from '@jest/globals';
import { MINUTE } from '../../../src/shared/clock.js';
import type { CompleteEnrolment } from '../../../src/services/enrolment-service.js';
import { refusal } from '../unit-kit.js';
import { deviceKey, enrolmentKit, IPHONE, MOBILE, PASSWORD, registration, type EnrolmentKit } from './enrolment-kit.js';

const start = (kit: EnrolmentKit, over: Partial<Parameters<EnrolmentKit['enrolment']['start']>[0]> = {}) =>
  kit.enrolment.start({ loginId: '100042', password: PASSWORD, ip: '198.51.100.7', ...over });
const complete = (kit: EnrolmentKit, enrolmentId: string, code: string, over: Partial<CompleteEnrolment> = {}) =>
  kit.enrolment.complete({ enrolmentId, code, publicKeyJwk: deviceKey(), ...IPHONE, ...over });
const wrong = (code: string) => String((Number(code) + 1) % 10 ** code.length).padStart(code.length, '0');

describe('rule: the activation code turns into exactly one device', () => {
  it('the code goes by SMS (purpose activation) to the number on file; with it the device is stored, audited, and the number counts as verified', async () => {
    const kit = await enrolmentKit();
    const started = await start(kit);
    expect(started).toMatchObject({ mobileMasked: expect.stringMatching(/42$/), delivery: 'sent', expiresAt: kit.clock.now() + 5 * MINUTE });
    expect(kit.sms.all().map((m) => ({ to: m.to, purpose: m.purpose }))).toEqual([{ to: MOBILE, purpose: 'activation' }]);
    const { device } = await complete(kit, started.enrolmentId, kit.sms.codeTo(MOBILE));
    expect(await kit.devices.listByAccount('acc_1')).toEqual([expect.objectContaining({ id: device.id, platform: 'ios', osVersion: '17.2', webauthn: null })]);
    expect(await kit.audit.list({ accountId: 'acc_1', type: 'device.enrolled' })).toHaveLength(1);
    expect((await kit.accounts.findById('acc_1'))!.mobileVerified).toBe(MOBILE);
  });

  it('used once: a second completion with the same code is enrolment.codeExpired (410); of 30 at once exactly one stores a device', async () => {
    const kit = await enrolmentKit();
    const first = await start(kit);
    await complete(kit, first.enrolmentId, kit.sms.codeTo(MOBILE));
    expect(await refusal(() => complete(kit, first.enrolmentId, kit.sms.codeTo(MOBILE)))).toMatchObject({ code: 'enrolment.codeExpired', status: 410 });
    const second = await start(kit);
    const code = kit.sms.codeTo(MOBILE);
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => complete(kit, second.enrolmentId, code)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await kit.devices.listByAccount('acc_1')).toHaveLength(2);
  });

  it('wrong codes say how many tries are left (enrolment.codeWrong); the fifth ends the enrolment (enrolment.tooManyTries, then codeExpired)', async () => {
    const kit = await enrolmentKit();
    const { enrolmentId } = await start(kit);
    const code = kit.sms.codeTo(MOBILE);
    for (const left of [4, 3, 2, 1]) expect(await refusal(() => complete(kit, enrolmentId, wrong(code)))).toEqual({ code: 'enrolment.codeWrong', status: 400, params: { left } });
    expect(await refusal(() => complete(kit, enrolmentId, wrong(code)))).toMatchObject({ code: 'enrolment.tooManyTries', status: 429 });
    expect(await refusal(() => complete(kit, enrolmentId, code))).toMatchObject({ code: 'enrolment.codeExpired', status: 410 });
    expect(await kit.devices.listByAccount('acc_1')).toHaveLength(0);
  });

  it('ENROLMENT_CODE_MAX_TRIES, _TTL_SECONDS and _DIGITS set the activation code’s numbers', async () => {
    const kit = await enrolmentKit({ ENROLMENT_CODE_MAX_TRIES: '2', ENROLMENT_CODE_TTL_SECONDS: '120', ENROLMENT_CODE_DIGITS: '8' });
    const { enrolmentId, expiresAt } = await start(kit);
    const code = kit.sms.codeTo(MOBILE);
    expect({ digits: code.length, ttl: expiresAt - kit.clock.now() }).toEqual({ digits: 8, ttl: 2 * MINUTE });
    expect(await refusal(() => complete(kit, enrolmentId, wrong(code)))).toMatchObject({ code: 'enrolment.codeWrong', params: { left: 1 } });
    expect(await refusal(() => complete(kit, enrolmentId, wrong(code)))).toMatchObject({ code: 'enrolment.tooManyTries' });
  });

  it('an expired code is enrolment.codeExpired, and the enrolment is gone', async () => {
    const kit = await enrolmentKit();
    const { enrolmentId } = await start(kit);
    kit.clock.advance(5 * MINUTE);
    expect(await refusal(() => complete(kit, enrolmentId, kit.sms.codeTo(MOBILE)))).toMatchObject({ code: 'enrolment.codeExpired', status: 410 });
    expect(await refusal(() => kit.enrolment.webauthnOptions(enrolmentId))).toMatchObject({ code: 'enrolment.codeExpired' });
  });

  it('unknown and malformed enrolment ids look the same: enrolment.codeExpired', async () => {
    const kit = await enrolmentKit();
    for (const id of ['enr_doesNotExist1234', '../etc', '']) expect(await refusal(() => complete(kit, id, '123456'))).toMatchObject({ code: 'enrolment.codeExpired' });
  });
});

describe('rule: the activation SMS is capped and said truthfully', () => {
  it('a sixth start within the hour is sms.tooMany until the end of the hour; no SMS goes out', async () => {
    const kit = await enrolmentKit();
    for (let i = 0; i < 5; i++) await start(kit);
    const refused = await refusal(() => start(kit));
    expect(refused).toMatchObject({ code: 'sms.tooMany', status: 429 });
    expect(refused.params.retryAt).toBeGreaterThan(kit.clock.now());
    expect(kit.sms.all()).toHaveLength(5);
  });

  it('refused by the provider: the provider’s error (sms.gatewayRefused), no enrolment, no cap spent; no answer: delivery unknown and the code works', async () => {
    const kit = await enrolmentKit();
    kit.sms.outcome = 'refuse';
    expect(await refusal(() => start(kit))).toMatchObject({ code: 'sms.gatewayRefused', status: 502 });
    kit.sms.outcome = 'noAnswer';
    const started = await start(kit);
    expect(started.delivery).toBe('unknown');
    kit.sms.outcome = 'accept';
    await expect(complete(kit, started.enrolmentId, kit.sms.codeTo(MOBILE))).resolves.toBeDefined();
    for (let i = 0; i < 4; i++) await start(kit); // 1 unknown + 4 = 5: the refused one did not count
    expect(await refusal(() => start(kit))).toMatchObject({ code: 'sms.tooMany' });
  });

  it('without a mobile on file: enrolment.noMobile (409); a wrong password: login.invalid (401); nothing is sent', async () => {
    const kit = await enrolmentKit();
    expect(await refusal(() => start(kit, { loginId: '100043' }))).toMatchObject({ code: 'enrolment.noMobile', status: 409 });
    expect(await refusal(() => start(kit, { password: 'wrong-password-1' }))).toMatchObject({ code: 'login.invalid', status: 401 });
    expect(kit.sms.all()).toHaveLength(0);
  });
});

describe('rule: the OS version (iOS 15.4, Android 7.0 at least)', () => {
  it('a too old OS at the start is enrolment.osTooOld (422, minimum and platform named) before any SMS', async () => {
    const kit = await enrolmentKit();
    expect(await refusal(() => start(kit, { device: { platform: 'ios', osVersion: '15.3' } }))).toEqual({ code: 'enrolment.osTooOld', status: 422, params: { minimum: '15.4', platform: 'iOS' } });
    expect(kit.sms.all()).toHaveLength(0);
    await expect(start(kit, { device: { platform: 'android', osVersion: '7.0' } })).resolves.toBeDefined();
  });

  it('a too old OS at completion is refused before the code is tried: the code still works afterwards', async () => {
    const kit = await enrolmentKit();
    const { enrolmentId } = await start(kit);
    const code = kit.sms.codeTo(MOBILE);
    expect(await refusal(() => complete(kit, enrolmentId, code, { platform: 'android', osVersion: '6.0.1' }))).toEqual({ code: 'enrolment.osTooOld', status: 422, params: { minimum: '7.0', platform: 'Android' } });
    await expect(complete(kit, enrolmentId, code)).resolves.toBeDefined();
  });
});

describe('rule: the device key must be a public P-256 key', () => {
  it('a key off the curve or with its private part is enrolment.badKey (400), costs no try, and stores nothing', async () => {
    const kit = await enrolmentKit();
    const { enrolmentId } = await start(kit);
    const code = kit.sms.codeTo(MOBILE);
    const good = deviceKey();
    const offCurve = { ...good, y: good.x };
    const withPrivate = { ...good, d: Buffer.alloc(32, 1).toString('base64url') };
    for (const key of [offCurve, withPrivate, { kty: 'RSA', n: 'AQAB', e: 'AQAB' }]) {
      expect(await refusal(() => complete(kit, enrolmentId, code, { publicKeyJwk: key as never }))).toMatchObject({ code: 'enrolment.badKey', status: 400 });
    }
    expect(await kit.devices.listByAccount('acc_1')).toHaveLength(0);
    for (let i = 0; i < 4; i++) await refusal(() => complete(kit, enrolmentId, wrong(code)));
    await expect(complete(kit, enrolmentId, code)).resolves.toBeDefined(); // the three bad keys cost no try
  });
});

describe('rule: the web app registers a WebAuthn credential answering the challenge of its own enrolment', () => {
  const web = { name: 'Browser', platform: 'web' as const, osVersion: 'Chrome 130' };

  it('the registration answering the challenge stores a device with its credential', async () => {
    const kit = await enrolmentKit();
    const { enrolmentId } = await start(kit);
    const options = await kit.enrolment.webauthnOptions(enrolmentId);
    const answer = registration(options.challenge);
    const { device } = await complete(kit, enrolmentId, kit.sms.codeTo(MOBILE), { ...web, webauthn: answer });
    expect((await kit.devices.get(device.id))?.webauthn).toMatchObject({ credentialId: answer.id, counter: 0 });
  });

  it('no challenge asked for, or no registration: webauthn.required (400), and the code is not used up', async () => {
    const kit = await enrolmentKit();
    const { enrolmentId } = await start(kit);
    const code = kit.sms.codeTo(MOBILE);
    expect(await refusal(() => complete(kit, enrolmentId, code, { ...web, webauthn: registration('bm90LWFza2Vk') }))).toMatchObject({ code: 'webauthn.required', status: 400 });
    const options = await kit.enrolment.webauthnOptions(enrolmentId);
    expect(await refusal(() => complete(kit, enrolmentId, code, web))).toMatchObject({ code: 'webauthn.required' });
    await expect(complete(kit, enrolmentId, code, { ...web, webauthn: registration(options.challenge) })).resolves.toBeDefined();
  });

  it('a registration answering another challenge or origin is webauthn.invalid; the code is not used up', async () => {
    const kit = await enrolmentKit();
    const { enrolmentId } = await start(kit);
    const code = kit.sms.codeTo(MOBILE);
    const options = await kit.enrolment.webauthnOptions(enrolmentId);
    expect(await refusal(() => complete(kit, enrolmentId, code, { ...web, webauthn: registration('b3RoZXItY2hhbGxlbmdl') }))).toMatchObject({ code: 'webauthn.invalid' });
    expect(await refusal(() => complete(kit, enrolmentId, code, { ...web, webauthn: registration(options.challenge, 'https://evil.example') }))).toMatchObject({ code: 'webauthn.invalid' });
    await expect(complete(kit, enrolmentId, code, { ...web, webauthn: registration(options.challenge) })).resolves.toBeDefined();
  });

  it('the challenge lives in its own key: asking for options after the enrolment was used never brings it back', async () => {
    const kit = await enrolmentKit();
    const { enrolmentId } = await start(kit);
    await kit.enrolment.webauthnOptions(enrolmentId);
    await complete(kit, enrolmentId, kit.sms.codeTo(MOBILE));
    expect(await refusal(() => kit.enrolment.webauthnOptions(enrolmentId))).toMatchObject({ code: 'enrolment.codeExpired' });
    expect(await refusal(() => complete(kit, enrolmentId, kit.sms.codeTo(MOBILE)))).toMatchObject({ code: 'enrolment.codeExpired' });
  });
});
