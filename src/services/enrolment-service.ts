// Device enrolment (ENR-1…3): password, then an activation code by SMS to the number on file, then the device key.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { JWK } from 'jose';
import type { SmsChannel } from '../channels/sms-channel.js';
import type { Clock } from '../shared/clock.js';
import { AppError, isAppError } from '../shared/errors.js';
import { assertPushKeys, importDeviceKey } from './device-keys.js';
import type { PushEndpointPolicy } from './push-endpoints.js';
import type { Random } from '../shared/random.js';
import type { Account, AccountStore } from '../stores/account-store.js';
import type { AuditLog } from '../stores/audit-log.js';
import type { Device, DeviceStore, Platform, PushSubscription } from '../stores/device-store.js';
import type { KvStore } from '../stores/kv-store.js';
import type { LoginService } from './login-service.js';
import { maskMobile } from './mobile-number.js';
import { isSupportedOsVersion, minimumOsVersion } from './os-version.js';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { WebAuthnRp } from './webauthn.js';
import { HOUR_MS, REDIS_KEYS } from '../stores/key-layout.js';

export interface EnrolmentSettings {
  codeTtlMs: number;
  maxTries: number;
  codeDigits: number;
  /** Activation SMS per account per hour (SMS pumping). */
  maxCodesPerAccountPerHour: number;
}

export interface EnrolmentDeps {
  accounts: AccountStore;
  devices: DeviceStore;
  login: LoginService;
  sms: SmsChannel;
  audit: AuditLog;
  kv: KvStore;
  clock: Clock;
  random: Random;
  settings: EnrolmentSettings;
  /** The web app's WebAuthn relying party (platform 'web' registers a credential). */
  webauthn?: WebAuthnRp;
  /** Which push endpoints the server may call later (SSRF); without it no push subscription is accepted. */
  pushEndpoints?: PushEndpointPolicy;
}

interface PendingEnrolment {
  id: string;
  accountId: string;
  codeHash: string;
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

const HOUR = HOUR_MS;
const hashCode = (id: string, code: string) => createHash('sha256').update(`${id}:${code}`).digest();

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
    const { login, kv, clock, random, settings, sms } = this.deps;
    if (input.device && !isSupportedOsVersion(input.device.platform, input.device.osVersion)) {
      const { platform } = input.device;
      throw new AppError('enrolment.osTooOld', 422, { minimum: minimumOsVersion(platform) ?? '', platform: platform === 'ios' ? 'iOS' : 'Android' });
    }
    const result = await login.authenticate(input.loginId, input.password, input.ip);
    if (result.kind === 'invalid') throw new AppError('login.invalid', 401);
    if (result.kind === 'locked') throw new AppError('login.locked', 429, { until: new Date(result.until).toISOString() });
    if (result.kind === 'ambiguousEmail') throw new AppError('login.ambiguousEmail', 400);
    const account = result.account;
    if (!account.mobile) throw new AppError('enrolment.noMobile', 409);

    const now = clock.now();
    const capKey = REDIS_KEYS.enrolments.activationCount(account.id, Math.floor(now / HOUR));
    const sent = await kv.incr(capKey, HOUR); // INCR before the check: simultaneous starts never pass the cap together
    if (sent > settings.maxCodesPerAccountPerHour) throw new AppError('sms.tooMany', 429, { retryAt: (Math.floor(now / HOUR) + 1) * HOUR });

    const id = `enr_${random.token(18)}`;
    const code = random.digits(settings.codeDigits);
    const pending: PendingEnrolment = { id, accountId: account.id, codeHash: hashCode(id, code).toString('base64url'), expiresAt: now + settings.codeTtlMs, sentTo: account.mobile };
    await kv.set(this.key(id), JSON.stringify(pending), settings.codeTtlMs);
    const minutes = Math.round(settings.codeTtlMs / 60000);
    // Say only what happened: accepted ('sent'), no answer ('unknown': the code may still arrive and then works),
    // or an error (nothing was sent: the enrolment is dropped and the SMS costs no cap).
    let delivery: 'sent' | 'unknown' = 'sent';
    try {
      await sms.send({
        to: account.mobile,
        text:
          input.lang === 'en'
            ? `Your financeIDENT activation code: ${code} (valid for ${minutes} min). Enter it only in the financeIDENT app.`
            : `Ihr financeIDENT Freischaltcode: ${code} (gültig ${minutes} Min.). Geben Sie ihn nur in der financeIDENT App ein.`,
        purpose: 'activation',
        idempotencyKey: id,
        accountId: account.id,
      });
    } catch (err) {
      if (!isAppError(err) || err.code !== 'sms.deliveryUnknown') {
        await kv.del(this.key(id));
        await kv.decrBy(capKey, 1);
        throw err;
      }
      delivery = 'unknown';
    }
    return { enrolmentId: id, mobileMasked: maskMobile(account.mobile), expiresAt: pending.expiresAt, account, delivery };
  }

  /** The web app's WebAuthn registration options; the challenge is kept with the pending enrolment. */
  async webauthnOptions(enrolmentId: string) {
    const { kv, clock, accounts, webauthn } = this.deps;
    if (!webauthn) throw new AppError('error.notFound', 404);
    const raw = /^enr_[A-Za-z0-9_-]{10,40}$/.test(enrolmentId) ? await kv.get(this.key(enrolmentId)) : null;
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
    const { kv, clock, random, settings, devices, audit, accounts } = this.deps;
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
    const raw = /^enr_[A-Za-z0-9_-]{10,40}$/.test(input.enrolmentId) ? await kv.get(this.key(input.enrolmentId)) : null;
    if (!raw) throw new AppError('enrolment.codeExpired', 410);
    const pending = JSON.parse(raw) as PendingEnrolment;
    if (clock.now() >= pending.expiresAt) {
      await kv.del(this.key(pending.id));
      throw new AppError('enrolment.codeExpired', 410);
    }
    // The try is counted BEFORE the comparison (one atomic INCR): simultaneous guesses can never compare more than maxTries.
    const tries = await kv.incr(REDIS_KEYS.enrolments.tries(pending.id), settings.codeTtlMs);
    if (tries > settings.maxTries) throw new AppError('enrolment.tooManyTries', 429);
    const expected = Buffer.from(pending.codeHash, 'base64url');
    const given = hashCode(pending.id, String(input.code).trim());
    if (!timingSafeEqual(expected, given)) {
      if (tries >= settings.maxTries) {
        await kv.del(this.key(pending.id));
        throw new AppError('enrolment.tooManyTries', 429);
      }
      throw new AppError('enrolment.codeWrong', 400, { left: settings.maxTries - tries });
    }
    await kv.decrBy(`${this.key(pending.id)}:tries`, 1); // a right code costs no try (only its holder can give it back)
    let credential: Device['webauthn'] = null;
    if (input.platform === 'web') {
      const challenge = await kv.get(this.challengeKey(pending.id));
      if (!this.deps.webauthn || !input.webauthn || !challenge) throw new AppError('webauthn.required', 400);
      credential = await this.deps.webauthn.verifyRegistration(input.webauthn, challenge);
    }
    // Single use: of simultaneous completions with the right code exactly one takes the enrolment (GETDEL).
    if ((await kv.take(this.key(pending.id))) === null) throw new AppError('enrolment.codeExpired', 410);
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
