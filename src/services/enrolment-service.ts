// Device enrolment (ENR-1…3): password, then an activation code by SMS to the number on file, then the device key.
// The activation code is a one-time code of the shared code service (purpose 'activation': hashed, tries counted
// before the comparison, single use, caps); the enrolment keeps only who it is for and the WebAuthn challenge.
import type { JWK } from 'jose';
import type { Config } from '../config/schema.js';
import type { Clock } from '../shared/clock.js';
import { AppError, isAppError, type ErrorCode } from '../shared/errors.js';
import { assertPushKeys, importDeviceKey } from './device-keys.js';
import type { PushEndpointPolicy } from './push-endpoints.js';
import type { Random } from '../shared/random.js';
import type { Account, AccountStore } from '../domain/account.js';
import type { AuditLog } from '../domain/audit-log.js';
import type { Device, DeviceStore, Platform, PushSubscription } from '../domain/device.js';
import type { KvStore } from '../domain/kv-store.js';
import type { LoginService } from './login-service.js';
import { maskMobile } from './mobile-number.js';
import { isSupportedOsVersion, minimumOsVersion } from './os-version.js';
import { type PurposeCodeService, type SmsCodeSettings, SmsNotSentError } from './purpose-codes.js';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { WebAuthnRp } from './webauthn.js';
import { REDIS_KEYS } from '../stores/key-layout.js';

/**
 * The activation code's numbers for the shared code service (ENR-3): its lifetime, tries, digits and activation SMS
 * per account per hour (SMS pumping); no cool-down, no daily or per-IP cap (a new enrolment may start at once).
 */
export function activationCodeSettings(
  config: Pick<Config, 'enrolmentCodeTtlSeconds' | 'enrolmentCodeMaxTries' | 'enrolmentCodeDigits' | 'enrolmentCodeMaxPerAccountPerHour'>,
): Partial<SmsCodeSettings> {
  return {
    codeTtlMs: config.enrolmentCodeTtlSeconds * 1000,
    maxTries: config.enrolmentCodeMaxTries,
    codeDigits: config.enrolmentCodeDigits,
    resendCooldownMs: 0,
    maxPerAccountPerHour: config.enrolmentCodeMaxPerAccountPerHour,
    maxPerAccountPerDay: Infinity,
    maxPerIpPerHour: Infinity,
    maxPerIpPerDay: Infinity,
  };
}

export interface EnrolmentDeps {
  accounts: AccountStore;
  devices: DeviceStore;
  login: LoginService;
  /** The shared one-time-code service; the activation code is its purpose 'activation'. */
  codes: PurposeCodeService;
  audit: AuditLog;
  kv: KvStore;
  clock: Clock;
  random: Random;
  /** The web app's WebAuthn relying party (platform 'web' registers a credential). */
  webauthn?: WebAuthnRp;
  /** Which push endpoints the server may call later (SSRF); without it no push subscription is accepted. */
  pushEndpoints?: PushEndpointPolicy;
}

interface PendingEnrolment {
  id: string;
  accountId: string;
  expiresAt: number;
  /** The number the activation code went to (a right code confirms it). */
  sentTo?: string;
}

export interface CompleteEnrolment {
  enrolmentId: string;
  code: string;
  publicKeyJwk: JWK;
  pushSubscription: PushSubscription | null;
  name: string;
  platform: Platform;
  osVersion: string;
  ip: string;
  /** Platform 'web': the WebAuthn registration (RegistrationResponseJSON). */
  webauthn?: RegistrationResponseJSON | null;
}

/** The code service's refusals, said as the device API's contract names them (docs/openapi/ident-api.yaml). */
const ACTIVATION_ERRORS: Record<string, ErrorCode> = { 'sms.expired': 'enrolment.codeExpired', 'sms.wrong': 'enrolment.codeWrong', 'sms.tooManyTries': 'enrolment.tooManyTries' };
const asActivationError = (err: unknown): unknown =>
  isAppError(err) && ACTIVATION_ERRORS[err.code] ? new AppError(ACTIVATION_ERRORS[err.code]!, err.status, err.params) : err;
const ENROLMENT_ID = /^enr_[A-Za-z0-9_-]{10,40}$/;

export class EnrolmentService {
  constructor(private readonly deps: EnrolmentDeps) {}

  private key = REDIS_KEYS.enrolments.enrolment;
  /** Kept apart from the pending enrolment, so writing it can never bring back an enrolment already used up. */
  private challengeKey = REDIS_KEYS.enrolments.webauthn;

  /**
   * ENR-1: the password is checked like a login (ACC-2, lockout); the code goes to the number on file only.
   * With `device`, a too old OS is refused (enrolment.osTooOld, 422) before any SMS goes out. `lang`: the SMS text's
   * language (the language the app is used in; German when absent).
   */
  async start(input: { loginId: string; password: string; ip: string; device?: { platform: Platform; osVersion: string }; lang?: 'de' | 'en' }): Promise<{ enrolmentId: string; mobileMasked: string; expiresAt: number; account: Account; delivery: 'sent' | 'unknown' }> {
    const { login, kv, clock, random, codes } = this.deps;
    if (input.device && !isSupportedOsVersion(input.device.platform, input.device.osVersion)) {
      const { platform } = input.device;
      throw new AppError('enrolment.osTooOld', 422, { minimum: minimumOsVersion(platform) ?? '', platform: platform === 'ios' ? 'iOS' : 'Android' });
    }
    const result = await login.authenticate(input.loginId, input.password, input.ip);
    if (result.kind === 'invalid') throw new AppError('login.invalid', 401);
    if (result.kind === 'locked') throw new AppError('login.locked', 429, { until: new Date(result.until).toISOString() });
    if (result.kind === 'ambiguousEmail') throw new AppError('login.ambiguousEmail', 400);
    await result.settled;
    const account = result.account;
    if (!account.mobile) throw new AppError('enrolment.noMobile', 409);

    const id = `enr_${random.token(18)}`;
    // Say only what happened: accepted ('sent'), no answer ('unknown': the code may still arrive and then works),
    // or an error (nothing was sent: no enrolment, the SMS costs no cap, and the channel's own error is said).
    let delivery: 'sent' | 'unknown' = 'sent';
    let expiresAt: number;
    try {
      ({ expiresAt } = await codes.send({ purpose: 'activation', flowId: id, subject: account.id, accountId: account.id, to: account.mobile, ip: input.ip, ...(input.lang ? { lang: input.lang } : {}) }));
    } catch (err) {
      if (err instanceof SmsNotSentError) throw err.channelError;
      if (!isAppError(err) || err.code !== 'sms.deliveryUnknown') throw err;
      delivery = 'unknown';
      expiresAt = (await codes.current('activation', id))?.expiresAt ?? clock.now() + codes.settingsFor('activation').codeTtlMs;
    }
    const pending: PendingEnrolment = { id, accountId: account.id, expiresAt, sentTo: account.mobile };
    const ttl = expiresAt - clock.now();
    if (ttl > 0) await kv.set(this.key(id), JSON.stringify(pending), ttl);
    return { enrolmentId: id, mobileMasked: maskMobile(account.mobile), expiresAt, account, delivery };
  }

  /** The web app's WebAuthn registration options; the challenge is kept with the pending enrolment. */
  async webauthnOptions(enrolmentId: string) {
    const { kv, clock, accounts, webauthn } = this.deps;
    if (!webauthn) throw new AppError('error.notFound', 404);
    const raw = ENROLMENT_ID.test(enrolmentId) ? await kv.get(this.key(enrolmentId)) : null;
    const pending = raw ? (JSON.parse(raw) as PendingEnrolment) : null;
    const now = clock.now();
    if (!pending || now >= pending.expiresAt) throw new AppError('enrolment.codeExpired', 410);
    const account = await accounts.findById(pending.accountId);
    if (!account) throw new AppError('enrolment.codeExpired', 410);
    const options = await webauthn.registrationOptions({ id: account.id, name: account.accessNumber, displayName: account.name });
    await kv.set(this.challengeKey(pending.id), options.challenge, pending.expiresAt - now);
    return options;
  }

  /** ENR-2/3: a single-use, short-lived code with few tries; then the device and its key are stored. */
  async complete(input: CompleteEnrolment): Promise<{ device: Device; account: Account }> {
    const { kv, clock, random, codes, devices, audit, accounts } = this.deps;
    if (!isSupportedOsVersion(input.platform, input.osVersion)) {
      throw new AppError('enrolment.osTooOld', 422, { minimum: minimumOsVersion(input.platform) ?? '', platform: input.platform === 'ios' ? 'iOS' : 'Android' });
    }
    // Everything stored now and trusted later is checked for meaning, not only format: the key imports, the push
    // endpoint is an allowed push service and its keys import.
    const publicKeyJwk = await importDeviceKey(input.publicKeyJwk);
    if (input.pushSubscription) {
      if (!this.deps.pushEndpoints?.allows(input.pushSubscription.endpoint)) throw new AppError('enrolment.badPushSubscription', 400, { field: 'endpoint' });
      await assertPushKeys(input.pushSubscription.keys);
    }
    const raw = ENROLMENT_ID.test(input.enrolmentId) ? await kv.get(this.key(input.enrolmentId)) : null;
    if (!raw) throw new AppError('enrolment.codeExpired', 410);
    const pending = JSON.parse(raw) as PendingEnrolment;
    // The code service counts the try BEFORE the comparison (one atomic INCR): simultaneous guesses can never compare
    // more than its maxTries. An expired or void code ends the enrolment.
    let codeId: string;
    try {
      ({ id: codeId } = await codes.verify({ purpose: 'activation', flowId: pending.id, subject: pending.accountId, code: String(input.code).trim() }, false));
    } catch (err) {
      if (isAppError(err) && (err.code === 'sms.expired' || err.code === 'sms.tooManyTries')) await kv.del(this.key(pending.id));
      throw asActivationError(err);
    }
    let credential: Device['webauthn'] = null;
    if (input.platform === 'web') {
      const challenge = await kv.get(this.challengeKey(pending.id));
      if (!this.deps.webauthn || !input.webauthn || !challenge) throw new AppError('webauthn.required', 400);
      credential = await this.deps.webauthn.verifyRegistration(input.webauthn, challenge);
    }
    // Single use: of simultaneous completions with the right code exactly one uses it up (SET NX in the code service).
    await codes.consume('activation', pending.id, codeId).catch((err: unknown) => {
      throw asActivationError(err);
    });
    await kv.del(this.key(pending.id));
    const account = await accounts.findById(pending.accountId);
    if (!account) throw new AppError('enrolment.codeExpired', 410);
    const now = clock.now();
    // The right activation code proves the number it went to, if that is still the number on file (phone_number_verified).
    if (pending.sentTo && pending.sentTo === account.mobile && account.mobileVerified !== account.mobile) await accounts.update(account.id, { mobileVerified: account.mobile }, now);
    const device: Device = {
      id: `dev_${random.token(18)}`,
      accountId: account.id,
      publicKeyJwk,
      webauthn: credential,
      pushSubscription: input.pushSubscription,
      name: input.name,
      platform: input.platform,
      osVersion: input.osVersion,
      createdAt: now,
      lastUsedAt: null,
    };
    await devices.add(device);
    await audit.append({ at: now, type: 'device.enrolled', accountId: account.id, deviceId: device.id, ip: input.ip, details: { platform: device.platform, osVersion: device.osVersion, name: device.name } });
    return { device, account };
  }
}
