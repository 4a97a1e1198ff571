// Unit rules of the one shared one-time-code service (SMS-3, ENR-3, PWD-1, ACC-3): expiry, tries, single use,
// cool-down, hourly and daily caps, each per purpose (the activation code with its own numbers), and what a failed
// or unanswered SMS leaves behind. Memory store, manual clock.
import { describe, expect, it } from '@jest/globals';
import type { CodePurpose, SendCodeInput } from '../../../src/services/purpose-codes.js';
import { SmsNotSentError } from '../../../src/services/purpose-codes.js';
import { HOUR, MINUTE, SECOND } from '../../../src/shared/clock.js';
import { codesKit, refusal, type CodesKit } from '../unit-kit.js';

const MOBILE = '+4915100000001';
/** The activation code's numbers as the container sets them from the defaults (ENROLMENT_CODE_*). */
const ACTIVATION = { codeTtlMs: 10 * MINUTE, maxTries: 3, codeDigits: 8, resendCooldownMs: 0, maxPerAccountPerHour: 5, maxPerAccountPerDay: Infinity, maxPerIpPerHour: Infinity, maxPerIpPerDay: Infinity };

function sender(kit: CodesKit, purpose: CodePurpose) {
  return (over: Partial<SendCodeInput> = {}) => kit.codes.send({ purpose, flowId: 'flow-1', subject: 'acc_1', accountId: 'acc_1', to: MOBILE, ip: '198.51.100.7', ...over });
}
const check = (kit: CodesKit, purpose: CodePurpose, code: string, over: { flowId?: string; subject?: string } = {}, consume = true) =>
  kit.codes.verify({ purpose, flowId: over.flowId ?? 'flow-1', subject: over.subject ?? 'acc_1', code }, consume);
const wrong = (code: string) => String((Number(code) + 1) % 10 ** code.length).padStart(code.length, '0');

describe('rule: a code expires after its lifetime (per purpose)', () => {
  it('a login code works until 5 minutes and is refused from then on (sms.expired, 410)', async () => {
    const kit = codesKit();
    const sent = await sender(kit, 'login')();
    expect(sent.expiresAt - sent.sentAt).toBe(5 * MINUTE);
    const code = kit.sms.codeTo(MOBILE);
    kit.clock.advance(5 * MINUTE);
    expect(await refusal(() => check(kit, 'login', code))).toMatchObject({ code: 'sms.expired', status: 410 });
  });

  it('the activation code lives as long as its own setting says (10 minutes here), not the login code’s 5', async () => {
    const kit = codesKit({ activation: ACTIVATION });
    await sender(kit, 'activation')();
    const code = kit.sms.codeTo(MOBILE);
    expect(code).toHaveLength(8);
    kit.clock.advance(10 * MINUTE - SECOND);
    await expect(check(kit, 'activation', code)).resolves.toMatchObject({ id: expect.any(String) });
    const kit2 = codesKit({ activation: ACTIVATION });
    await sender(kit2, 'activation')();
    kit2.clock.advance(10 * MINUTE);
    expect(await refusal(() => check(kit2, 'activation', kit2.sms.codeTo(MOBILE)))).toMatchObject({ code: 'sms.expired' });
  });
});

describe('rule: few tries, each counted before the comparison', () => {
  it('wrong codes count down (sms.wrong, left 4…1); the fifth voids the code, and then the right one is refused too', async () => {
    const kit = codesKit();
    await sender(kit, 'password')();
    const code = kit.sms.codeTo(MOBILE);
    for (const left of [4, 3, 2, 1]) expect(await refusal(() => check(kit, 'password', wrong(code)))).toEqual({ code: 'sms.wrong', status: 400, params: { left } });
    expect(await refusal(() => check(kit, 'password', wrong(code)))).toMatchObject({ code: 'sms.tooManyTries', status: 429 });
    expect(await refusal(() => check(kit, 'password', code))).toMatchObject({ code: 'sms.tooManyTries', status: 429 });
    expect((await kit.codes.current('password', 'flow-1'))?.void).toBe(true);
  });

  it('a right code gives its try back: four wrong, then the right one still works', async () => {
    const kit = codesKit();
    await sender(kit, 'login')();
    const code = kit.sms.codeTo(MOBILE);
    for (let i = 0; i < 4; i++) await refusal(() => check(kit, 'login', wrong(code)));
    await expect(check(kit, 'login', code)).resolves.toBeDefined();
  });

  it('the activation code has its own number of tries (3 here): the third wrong one voids it', async () => {
    const kit = codesKit({ activation: ACTIVATION });
    await sender(kit, 'activation')();
    const code = kit.sms.codeTo(MOBILE);
    expect(await refusal(() => check(kit, 'activation', wrong(code)))).toMatchObject({ code: 'sms.wrong', params: { left: 2 } });
    expect(await refusal(() => check(kit, 'activation', wrong(code)))).toMatchObject({ code: 'sms.wrong', params: { left: 1 } });
    expect(await refusal(() => check(kit, 'activation', wrong(code)))).toMatchObject({ code: 'sms.tooManyTries' });
    expect(await refusal(() => check(kit, 'activation', code))).toMatchObject({ code: 'sms.tooManyTries' });
  });

  it('30 wrong guesses at once: exactly 4 are told how many are left, the rest find the code void', async () => {
    const kit = codesKit();
    await sender(kit, 'login')();
    const code = kit.sms.codeTo(MOBILE);
    const outcomes = await Promise.all(Array.from({ length: 30 }, () => refusal(() => check(kit, 'login', wrong(code)))));
    expect(outcomes.filter((o) => o.code === 'sms.wrong')).toHaveLength(4);
    expect(outcomes.filter((o) => o.code === 'sms.tooManyTries')).toHaveLength(26);
  });
});

describe('rule: a code is used once, in its own flow and purpose', () => {
  it('the right code works once; the second time it is sms.expired', async () => {
    const kit = codesKit();
    await sender(kit, 'login')();
    const code = kit.sms.codeTo(MOBILE);
    await check(kit, 'login', code);
    expect(await refusal(() => check(kit, 'login', code))).toMatchObject({ code: 'sms.expired', status: 410 });
  });

  it('checked without using it up, it is used by exactly one consume(); of 30 simultaneous consumes one succeeds', async () => {
    const kit = codesKit({ activation: ACTIVATION });
    await sender(kit, 'activation')();
    const code = kit.sms.codeTo(MOBILE);
    const { id } = await check(kit, 'activation', code, {}, false);
    await check(kit, 'activation', code, {}, false); // still valid until consumed
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => kit.codes.consume('activation', 'flow-1', id)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await refusal(() => check(kit, 'activation', code, {}, false))).toMatchObject({ code: 'sms.expired' });
  });

  it('a code belongs to its flow, its subject and its purpose: anywhere else it is sms.expired', async () => {
    const kit = codesKit();
    await sender(kit, 'login')();
    const code = kit.sms.codeTo(MOBILE);
    expect(await refusal(() => check(kit, 'login', code, { flowId: 'flow-2' }))).toMatchObject({ code: 'sms.expired' });
    expect(await refusal(() => check(kit, 'login', code, { subject: 'acc_2' }))).toMatchObject({ code: 'sms.expired' });
    expect(await refusal(() => check(kit, 'password', code))).toMatchObject({ code: 'sms.expired' });
    await expect(check(kit, 'login', code)).resolves.toBeDefined();
  });

  it('the data sent with a code comes back with it (a mobile change confirms exactly the number the code went to)', async () => {
    const kit = codesKit();
    await sender(kit, 'mobile_change')({ data: '+4915199999999', to: '+4915199999999' });
    await expect(check(kit, 'mobile_change', kit.sms.codeTo('+4915199999999'))).resolves.toMatchObject({ data: '+4915199999999' });
  });
});

describe('rule: resend cool-down (per purpose)', () => {
  it('a second login code for the same login within 30 s is refused with the time it may be asked for; another login sends at once', async () => {
    const kit = codesKit();
    const send = sender(kit, 'login');
    await send();
    kit.clock.advance(10 * SECOND);
    expect(await refusal(() => send())).toEqual({ code: 'sms.resendTooSoon', status: 429, params: { seconds: 20, retryAt: kit.clock.now() + 20 * SECOND } });
    await expect(send({ flowId: 'flow-2' })).resolves.toBeDefined();
    kit.clock.advance(20 * SECOND);
    await expect(send()).resolves.toBeDefined();
    expect(kit.sms.all()).toHaveLength(3);
  });

  it('password and mobile-change codes cool down per account (a new flow does not skip it)', async () => {
    const kit = codesKit();
    await sender(kit, 'password')();
    expect(await refusal(() => sender(kit, 'password')({ flowId: 'flow-2' }))).toMatchObject({ code: 'sms.resendTooSoon' });
    await expect(sender(kit, 'mobile_change')()).resolves.toBeDefined(); // another purpose has its own cool-down
  });

  it('the activation code has none: a new enrolment right away gets its code', async () => {
    const kit = codesKit({ activation: ACTIVATION });
    await sender(kit, 'activation')({ flowId: 'enr-1' });
    await expect(sender(kit, 'activation')({ flowId: 'enr-2' })).resolves.toBeDefined();
    expect(kit.sms.all()).toHaveLength(2);
  });
});

describe('rule: hourly and daily caps per account and per IP (SMS pumping), counted per purpose', () => {
  it('the sixth login code of an account in one hour is refused until the end of that hour (sms.tooMany); nothing is sent', async () => {
    const kit = codesKit();
    for (let i = 0; i < 5; i++) await sender(kit, 'login')({ flowId: `f${i}` });
    const hourEnd = (Math.floor(kit.clock.now() / HOUR) + 1) * HOUR;
    expect(await refusal(() => sender(kit, 'login')({ flowId: 'f5' }))).toEqual({ code: 'sms.tooMany', status: 429, params: { retryAt: hourEnd } });
    expect(kit.sms.all()).toHaveLength(5);
    await expect(sender(kit, 'password')()).resolves.toBeDefined(); // caps are counted per purpose
  });

  it('the eleventh login code of an account in one day is refused until the end of the day', async () => {
    const kit = codesKit();
    for (let h = 0; h < 2; h++) {
      for (let i = 0; i < 5; i++) await sender(kit, 'login')({ flowId: `f${h}-${i}` });
      kit.clock.advance(HOUR);
    }
    const dayEnd = (Math.floor(kit.clock.now() / (24 * HOUR)) + 1) * 24 * HOUR;
    expect(await refusal(() => sender(kit, 'login')({ flowId: 'late' }))).toMatchObject({ code: 'sms.tooMany', params: { retryAt: dayEnd } });
  });

  it('one IP gets at most 10 login codes an hour, whichever accounts they are for', async () => {
    const kit = codesKit();
    for (let i = 0; i < 10; i++) await sender(kit, 'login')({ flowId: `f${i}`, subject: `acc_${i}` });
    expect(await refusal(() => sender(kit, 'login')({ flowId: 'f10', subject: 'acc_10' }))).toMatchObject({ code: 'sms.tooMany' });
    await expect(sender(kit, 'login')({ flowId: 'f11', subject: 'acc_11', ip: '203.0.113.9' })).resolves.toBeDefined();
  });

  it('the activation code: 5 per account and hour, no per-IP and no daily cap', async () => {
    const kit = codesKit({ activation: ACTIVATION });
    for (let h = 0; h < 3; h++) {
      for (let i = 0; i < 5; i++) await sender(kit, 'activation')({ flowId: `enr-${h}-${i}` });
      expect(await refusal(() => sender(kit, 'activation')({ flowId: `enr-${h}-x` }))).toMatchObject({ code: 'sms.tooMany' });
      kit.clock.advance(HOUR);
    }
    for (let i = 0; i < 12; i++) await sender(kit, 'activation')({ flowId: `other-${i}`, subject: `acc_${i + 2}` });
    expect(kit.sms.all()).toHaveLength(15 + 12);
  });

  it('30 sends at once for one account: exactly 5 go out (INCR before the check)', async () => {
    const kit = codesKit();
    const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => sender(kit, 'login')({ flowId: `f${i}` })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(kit.sms.all()).toHaveLength(5);
  });

  it('without a recipient nothing is sent but everything is counted, and no code matches', async () => {
    const kit = codesKit();
    for (let i = 0; i < 5; i++) await sender(kit, 'login')({ flowId: `f${i}`, to: null });
    expect(kit.sms.all()).toHaveLength(0);
    expect(await refusal(() => sender(kit, 'login')({ flowId: 'f5', to: null }))).toMatchObject({ code: 'sms.tooMany' });
    expect(await refusal(() => check(kit, 'login', '123456', { flowId: 'f0' }))).toMatchObject({ code: 'sms.wrong' });
  });
});

describe('rule: say only what happened to the SMS', () => {
  it('refused by the provider: sms.notSent with the provider’s own error kept, the code is void, and it costs no cap', async () => {
    const kit = codesKit({ activation: ACTIVATION });
    kit.sms.outcome = 'refuse';
    const error = await kit.codes.send({ purpose: 'activation', flowId: 'enr-0', subject: 'acc_1', to: MOBILE, ip: '198.51.100.7' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmsNotSentError);
    expect(error).toMatchObject({ code: 'sms.notSent', status: 503, channelError: { code: 'sms.gatewayRefused' } });
    expect((await kit.codes.current('activation', 'enr-0'))?.delivery).toBe('failed');
    kit.sms.outcome = 'accept';
    for (let i = 1; i <= 5; i++) await sender(kit, 'activation')({ flowId: `enr-${i}` }); // the refused one cost nothing
    expect(await refusal(() => sender(kit, 'activation')({ flowId: 'enr-6' }))).toMatchObject({ code: 'sms.tooMany' });
  });

  it('no answer from the provider: sms.deliveryUnknown with retryAt, and the code that may arrive works', async () => {
    const kit = codesKit();
    kit.sms.outcome = 'noAnswer';
    expect(await refusal(() => sender(kit, 'login')())).toEqual({ code: 'sms.deliveryUnknown', status: 503, params: { retryAt: kit.clock.now() + 30 * SECOND } });
    expect((await kit.codes.current('login', 'flow-1'))?.delivery).toBe('unknown');
    await expect(check(kit, 'login', kit.sms.codeTo(MOBILE))).resolves.toBeDefined();
  });
});
