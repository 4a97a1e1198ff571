// Composition, login services: password check and limits, approvals, devices, enrolment, codes, remembered browsers,
// each built as a literal of settings from the config.
import { availableParallelism } from 'node:os';
import type { Config } from '../config/schema.js';
import type { AccountSessionEnder } from '../domain/account-session-ender.js';
import { ApprovalService } from '../services/approval-service.js';
import { DeviceAuth } from '../services/device-auth.js';
import { DeviceService } from '../services/device-service.js';
import { activationCodeSettings, EnrolmentService } from '../services/enrolment-service.js';
import { FailureLimiter } from '../services/failure-limiter.js';
import { IntervalService } from '../services/interval-service.js';
import { LoginService } from '../services/login-service.js';
import { argon2Hasher, type PasswordHasher } from '../services/password-hasher.js';
import { PendingLoginStore } from '../services/pending-login.js';
import { PurposeCodeService, type SmsCodeSettings } from '../services/purpose-codes.js';
import { RememberedBrowserService } from '../services/remembered-browsers.js';
import { SmsCodeService } from '../services/sms-code-service.js';
import { WebAuthnRp } from '../services/webauthn.js';
import { DeviceKeyAnswerVerifier } from '../services/second-factor/verifiers/device-key-answer.js';
import { WebAuthnAnswerVerifier } from '../services/second-factor/verifiers/webauthn-answer.js';
import { backgroundTasks, type BackgroundTasks } from '../shared/background-tasks.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics.js';
import type { Random } from '../shared/random.js';
import type { Channels } from './channels.js';
import { REDIS_KEYS } from '../stores/key-layout.js';
import type { Stores } from './stores.js';

export interface LoginServices {
  hasher: PasswordHasher;
  limiter: FailureLimiter;
  login: LoginService;
  pending: PendingLoginStore;
  rememberedBrowsers: RememberedBrowserService;
  approvals: ApprovalService;
  deviceAuth: DeviceAuth;
  deviceService: DeviceService;
  intervals: IntervalService;
  webauthn: WebAuthnRp;
  enrolment: EnrolmentService;
  /** The one one-time-code service for every SMS code (login, activation, password, mobile change). */
  codes: PurposeCodeService;
  smsCodes: SmsCodeService;
  /** Work requests start and do not wait for (push rounds); close() drains it, tests may too. */
  tasks: BackgroundTasks;
  /** One verifier per kind of device answer (device-key JWS, WebAuthn assertion). */
  deviceAnswers: { deviceKey: DeviceKeyAnswerVerifier; webauthn: WebAuthnAnswerVerifier };
}

interface Parts {
  stores: Stores;
  channels: Channels;
  clock: Clock;
  random: Random;
  logger: Logger;
  metrics: Metrics;
  /** Ends an account's OIDC sessions (implemented in src/provider/, built after these services). */
  sessions: AccountSessionEnder;
}

/** SMS-3, for every code by SMS (login, password, mobile change; activation has its own numbers); the digits stay six (the pages read six). */
export function smsCodeSettings(config: Config): Omit<SmsCodeSettings, 'codeDigits'> {
  return {
    codeTtlMs: config.smsCodeTtlSeconds * 1000,
    maxTries: config.smsCodeMaxTries,
    resendCooldownMs: config.smsCodeResendCooldownSeconds * 1000,
    maxPerAccountPerHour: config.smsCodeMaxPerAccountPerHour,
    maxPerAccountPerDay: config.smsCodeMaxPerAccountPerDay,
    maxPerIpPerHour: config.smsCodeMaxPerIpPerHour,
    maxPerIpPerDay: config.smsCodeMaxPerIpPerDay,
  };
}

export function buildLoginServices(config: Config, p: Parts): LoginServices {
  const { kv, bus, accounts, devices, audit } = p.stores;
  const { sms, push, pushEndpoints } = p.channels;
  const { clock, random, logger, metrics, sessions } = p;
  const hasher = argon2Hasher({ memoryCost: config.argon2MemoryKib, timeCost: config.argon2TimeCost, concurrency: config.argon2Concurrency || availableParallelism() });
  const limiter = new FailureLimiter(kv, clock, REDIS_KEYS.limits.prefix);
  const failures = { windowMs: config.loginFailureWindowSeconds * 1000, lockMs: config.loginLockoutSeconds * 1000 };
  const login = new LoginService({
    accounts,
    hasher,
    limiter,
    perAccount: { maxFailures: config.loginMaxFailuresPerAccount, ...failures },
    perIp: { maxFailures: config.loginMaxFailuresPerIp, ...failures },
  });
  const pending = new PendingLoginStore(kv, config.interactionTtlSeconds * 1000);
  const rememberedBrowsers = new RememberedBrowserService({ kv, clock, random, log: logger });
  const tasks = backgroundTasks(logger);
  const approvals = new ApprovalService({
    kv, bus, devices, audit, push, clock, random, metrics, tasks, log: logger,
    channelPrefix: config.redisKeyPrefix,
    settings: {
      ttlMs: config.approvalTtlSeconds * 1000,
      numberMode: config.numberMatching,
      numberDigits: config.numberMatchingDigits,
      maxOpenPerAccount: config.approvalMaxOpenPerAccount,
      maxPerAccountPerHour: config.approvalMaxPerAccountPerHour,
      resendCooldownMs: config.approvalResendCooldownSeconds * 1000,
      maxResends: config.approvalMaxResends,
    },
    onNotMe: async (accountId) => {
      logger.warn({ accountId }, 'approval denied as "this wasn\'t me"');
      if (config.notMeEndsRememberedBrowsers) await rememberedBrowsers.endAll(accountId);
      await sessions.endAll(accountId, 'not_me'); // OIDC-7: the relying parties hear of it
    },
  });
  const deviceService = new DeviceService({
    devices, audit, clock, pushEndpoints,
    onRemoved: async (d) => {
      await rememberedBrowsers.endAll(d.accountId);
      await sessions.endAll(d.accountId, 'device_removed'); // OIDC-7
    },
  });
  const webauthn = WebAuthnRp.forIssuer(config.issuer, { timeoutMs: config.webauthnTimeoutSeconds * 1000 });
  // One one-time-code service for every SMS code; the activation code has its own numbers (ENR-3).
  const codes = new PurposeCodeService({ kv, sms, clock, random, settings: smsCodeSettings(config), purposes: { activation: activationCodeSettings(config) } });
  const enrolment = new EnrolmentService({ accounts, devices, login, codes, audit, kv, clock, random, webauthn, pushEndpoints });
  const deviceAuth = new DeviceAuth({ devices, kv, clock, audience: `${config.issuer}/ident/api`, maxTokenAgeSeconds: config.deviceTokenMaxAgeSeconds });
  return {
    hasher,
    limiter,
    login,
    pending,
    rememberedBrowsers,
    approvals,
    deviceAuth,
    deviceService,
    intervals: new IntervalService({ accounts, audit, clock }),
    webauthn,
    enrolment,
    codes,
    smsCodes: new SmsCodeService(codes),
    tasks,
    deviceAnswers: { deviceKey: new DeviceKeyAnswerVerifier({ deviceAuth, approvals }), webauthn: new WebAuthnAnswerVerifier({ approvals, webauthn, devices: deviceService }) },
  };
}
