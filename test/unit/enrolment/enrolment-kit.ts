// The enrolment service on memory stores with the manual clock, and a software WebAuthn authenticator (fmt none).
import { generateKeyPairSync } from 'node:crypto';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { softwareRegistration } from '../../helpers/webauthn-registration.js';
import { activationCodeSettings, EnrolmentService } from '../../../src/services/enrolment-service.js';
import { FailureLimiter } from '../../../src/services/failure-limiter.js';
import { LoginService } from '../../../src/services/login-service.js';
import { argon2Hasher } from '../../../src/services/password-hasher.js';
import { PushEndpointPolicy } from '../../../src/services/push-endpoints.js';
import { WebAuthnRp } from '../../../src/services/webauthn.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { cryptoRandom } from '../../../src/shared/random.js';
import { MemoryAccountStore } from '../../../src/stores/memory/account-store.js';
import { MemoryAuditLog } from '../../../src/stores/memory/audit-log.js';
import { MemoryDeviceStore } from '../../../src/stores/memory/device-store.js';
import { account, codesKit, type CodesKit } from '../unit-kit.js';

export const PASSWORD = 'Unit-Passwort-2026';
export const MOBILE = '+4915100000042';
export const ISSUER = 'https://idp.example';
const hasher = argon2Hasher({ memoryCost: 1024, timeCost: 1 });
let passwordHash: Promise<string> | undefined;

export interface EnrolmentKit extends CodesKit {
  enrolment: EnrolmentService;
  accounts: MemoryAccountStore;
  devices: MemoryDeviceStore;
  audit: MemoryAuditLog;
}

/** An account 'acc_1' (access number 100042) with a password and the mobile on file; 'acc_nomobile' (100043) without. */
export async function enrolmentKit(env: Record<string, string> = {}): Promise<EnrolmentKit> {
  const config = loadConfig(env);
  const kit = codesKit({ activation: activationCodeSettings(config) });
  const accounts = new MemoryAccountStore();
  passwordHash ??= hasher.hash(PASSWORD);
  const hash = await passwordHash;
  await accounts.insertMany([
    account('acc_1', 'customer', null, { accessNumber: '100042', mobile: MOBILE, passwordHash: hash }),
    account('acc_nomobile', 'customer', null, { accessNumber: '100043', passwordHash: hash }),
  ]);
  const devices = new MemoryDeviceStore();
  const audit = new MemoryAuditLog({ random: cryptoRandom });
  const policy = { maxFailures: 100, windowMs: 60_000, lockMs: 60_000 };
  const login = new LoginService({ accounts, hasher, limiter: new FailureLimiter(kit.kv, kit.clock, 'limit'), perAccount: policy, perIp: policy });
  const enrolment = new EnrolmentService({
    accounts, devices, login, codes: kit.codes, audit, kv: kit.kv, clock: kit.clock, random: cryptoRandom,
    webauthn: WebAuthnRp.forIssuer(ISSUER), pushEndpoints: new PushEndpointPolicy(['fcm.googleapis.com']),
  });
  return { ...kit, enrolment, accounts, devices, audit };
}

/** A device key as the app hands it over (public P-256 JWK). */
export function deviceKey(): { kty: string; crv: string; x: string; y: string } {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  return { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y!};
}

/** The facts of an iPhone on iOS 17.2 without notifications, for complete(). */
export const IPHONE = { name: 'Phone', platform: 'ios' as const, osVersion: '17.2', pushSubscription: null, ip: '198.51.100.7' };

/** A platform authenticator's registration (attestation none, user verified) answering `challenge` at `origin` for the issuer's host. */
export function registration(challenge: string, origin = ISSUER): RegistrationResponseJSON {
  return softwareRegistration(challenge, origin, { rpId: new URL(ISSUER).hostname });
}
