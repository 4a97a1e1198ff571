// Device tokens (APR-4): only an enrolled key's fresh, unused JWS authenticates the app; a decision token answers one approval only.
import { beforeEach, describe, expect, it } from '@jest/globals';
import { importJWK, SignJWT, type JWK } from 'jose';
import { ManualClock } from '../../src/shared/clock.js';
import { isAppError } from '../../src/shared/errors.js';
import { MemoryKvStore } from '../../src/stores/memory/kv-store.js';
import { MemoryDeviceStore } from '../../src/stores/memory/device-store.js';
import { DECISION_TOKEN_TYP, DEVICE_TOKEN_TYP, DeviceAuth, MAX_TOKEN_AGE_SECONDS } from '../../src/services/device-auth.js';
import { DeviceKeyAnswerVerifier } from '../../src/services/second-factor/verifiers/device-key-answer.js';
import type { Device } from '../../src/domain/device.js';
import { newDevice } from './world.js';

const AUDIENCE = 'https://id.example/ident/api';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (e) {
    if (!isAppError(e)) throw e;
    return e.code;
  }
}

describe('device tokens', () => {
  let clock: ManualClock;
  let auth: DeviceAuth;
  let device: Device;
  let privateJwk: JWK;
  let jtis = 0;

  /** A token signed by `key` (the device's own unless given), issued `ageSeconds` ago by the manual clock. */
  async function token(opts: { ageSeconds?: number; typ?: string; jti?: string; kid?: string; audience?: string; claims?: Record<string, unknown>; key?: JWK } = {}) {
    const key = await importJWK(opts.key ?? privateJwk, 'ES256');
    return new SignJWT(opts.claims ?? {})
      .setProtectedHeader({ alg: 'ES256', typ: opts.typ ?? DEVICE_TOKEN_TYP, kid: opts.kid ?? device.id })
      .setAudience(opts.audience ?? AUDIENCE)
      .setIssuedAt(Math.floor(clock.now() / 1000) - (opts.ageSeconds ?? 0))
      .setJti(opts.jti ?? `jti-unit-test-${String(++jtis).padStart(8, '0')}`)
      .sign(key);
  }

  beforeEach(async () => {
    clock = new ManualClock();
    const devices = new MemoryDeviceStore();
    ({ device, privateJwk } = await newDevice('acc_unit', 'dev_unit'));
    await devices.add(device);
    auth = new DeviceAuth({ devices, kv: new MemoryKvStore(clock), clock, audience: AUDIENCE });
  });

  it('a fresh token of an enrolled device is accepted and names that device', async () => {
    const verified = await auth.verify(await token(), DEVICE_TOKEN_TYP);
    expect(verified.device.id).toBe('dev_unit');
  });

  it(`age: accepted up to ${MAX_TOKEN_AGE_SECONDS} s after its iat, refused (device.tokenInvalid) after that`, async () => {
    expect(await codeOf(auth.verify(await token({ ageSeconds: MAX_TOKEN_AGE_SECONDS }), DEVICE_TOKEN_TYP))).toBe('accepted');
    expect(await codeOf(auth.verify(await token({ ageSeconds: MAX_TOKEN_AGE_SECONDS + 10 }), DEVICE_TOKEN_TYP))).toBe('device.tokenInvalid');
  });

  it('replay: the same token (same jti) a second time is refused as device.tokenReplayed', async () => {
    const once = await token();
    expect(await codeOf(auth.verify(once, DEVICE_TOKEN_TYP))).toBe('accepted');
    expect(await codeOf(auth.verify(once, DEVICE_TOKEN_TYP))).toBe('device.tokenReplayed');
  });

  it('replay: a reused jti is refused while a token with it could still be accepted', async () => {
    expect(await codeOf(auth.verify(await token({ jti: 'jti-reused-0123456789' }), DEVICE_TOKEN_TYP))).toBe('accepted');
    clock.advance(MAX_TOKEN_AGE_SECONDS * 1000);
    expect(await codeOf(auth.verify(await token({ jti: 'jti-reused-0123456789' }), DEVICE_TOKEN_TYP))).toBe('device.tokenReplayed');
  });

  it('a token of an unknown device is refused as device.unknown; another key under the device id as device.tokenInvalid', async () => {
    expect(await codeOf(auth.verify(await token({ kid: 'dev_nobody' }), DEVICE_TOKEN_TYP))).toBe('device.unknown');
    const { privateJwk: otherKey } = await newDevice('acc_unit');
    expect(await codeOf(auth.verify(await token({ key: otherKey }), DEVICE_TOKEN_TYP))).toBe('device.tokenInvalid');
  });

  it('a token for another audience or of another type is refused (device.tokenInvalid)', async () => {
    expect(await codeOf(auth.verify(await token({ audience: 'https://elsewhere.example/ident/api' }), DEVICE_TOKEN_TYP))).toBe('device.tokenInvalid');
    expect(await codeOf(auth.verify(await token({ typ: DECISION_TOKEN_TYP }), DEVICE_TOKEN_TYP))).toBe('device.tokenInvalid');
  });

  describe('decision tokens (the device-key answer verifier)', () => {
    const decision = (approvalId: string, extra: Record<string, unknown> = {}) =>
      token({ typ: DECISION_TOKEN_TYP, claims: { approvalId, decision: 'approve', number: '42', ...extra } });

    it('become one verified answer: this device, this approval, its decision and number, signed by the device key (hwk)', async () => {
      const verifier = new DeviceKeyAnswerVerifier({ deviceAuth: auth });
      const answer = await verifier.verify(await decision('apr_unit_0000000000'), 'apr_unit_0000000000');
      expect(answer).toMatchObject({ approvalId: 'apr_unit_0000000000', decision: 'approve', number: '42', notMe: false, method: 'hwk' });
      expect(answer.device.id).toBe('dev_unit');
    });

    it('answer only the approval they name (device.tokenInvalid for another)', async () => {
      const verifier = new DeviceKeyAnswerVerifier({ deviceAuth: auth });
      expect(await codeOf(verifier.verify(await decision('apr_unit_0000000000'), 'apr_unit_1111111111'))).toBe('device.tokenInvalid');
    });

    it('are refused without a valid decision in the payload (device.tokenInvalid)', async () => {
      const verifier = new DeviceKeyAnswerVerifier({ deviceAuth: auth });
      expect(await codeOf(verifier.verify(await decision('apr_unit_0000000000', { decision: 'maybe' }), 'apr_unit_0000000000'))).toBe('device.tokenInvalid');
    });
  });
});
