// Builds the password-setting flow (PWD-1, PWD-2) and the mobile number change (ACC-3) from the container's parts.
import type { SmsChannel } from '../channels/sms-channel.js';
import type { Config } from '../config/schema.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Random } from '../shared/random.js';
import type { AccountStore } from '../stores/account-store.js';
import type { AuditLog } from '../stores/audit-log.js';
import type { KvStore } from '../stores/kv-store.js';
import type { AccountSessionEnder } from './account-session-ender.js';
import type { LoginService } from './login-service.js';
import { MobileChangeService } from './mobile-change.js';
import type { PasswordHasher } from './password-hasher.js';
import { PasswordPolicy } from './password-policy.js';
import { PasswordSettingService } from './password-setting.js';
import { PurposeCodeService } from './purpose-codes.js';
import type { RememberedBrowserService } from './remembered-browsers.js';

export interface PasswordSetup {
  policy: PasswordPolicy;
  codes: PurposeCodeService;
  /** Ends every OIDC session and grant of an account (src/provider/account-sessions.ts). */
  sessions: AccountSessionEnder;
  passwords: PasswordSettingService;
  mobileChange: MobileChangeService;
  /** How long a started password flow may take. */
  flowTtlMs: number;
}

export interface PasswordSetupParts {
  config: Config;
  kv: KvStore;
  sms: SmsChannel;
  clock: Clock;
  random: Random;
  logger: Logger;
  accounts: AccountStore;
  login: LoginService;
  hasher: PasswordHasher;
  audit: AuditLog;
  rememberedBrowsers: RememberedBrowserService;
  /** The shared one-time-code service (built here with the default numbers when not given). */
  codes?: PurposeCodeService;
  /** Ends an account's OIDC sessions (a new password ends them all, PWD-2). */
  sessions: AccountSessionEnder;
  /** ACC-3 as the broker area uses it: requests kept for the broker, a confirmation link in the SMS, a longer wait. */
  mobileChangeOptions?: Pick<import('./mobile-change.js').MobileChangeDeps, 'log' | 'random' | 'confirmUrl' | 'pendingTtlMs'>;
}

const FLOW_TTL_MS = 30 * 60_000;

export function buildPasswordSetup(p: PasswordSetupParts): PasswordSetup {
  const policy = new PasswordPolicy(p.config.passwordMinLength);
  // The limits of SMS login codes (SMS-3) hold for password and mobile-change codes too.
  const codes = p.codes ?? new PurposeCodeService({ kv: p.kv, sms: p.sms, clock: p.clock, random: p.random });
  const sessions = p.sessions;
  const passwords = new PasswordSettingService({
    accounts: p.accounts,
    login: p.login,
    codes,
    hasher: p.hasher,
    policy,
    rememberedBrowsers: p.rememberedBrowsers,
    sessions,
    audit: p.audit,
    kv: p.kv,
    clock: p.clock,
    random: p.random,
    flowTtlMs: FLOW_TTL_MS,
    resendCooldownMs: codes.settingsFor('password').resendCooldownMs,
    log: p.logger,
  });
  const mobileChange = new MobileChangeService({ accounts: p.accounts, codes, audit: p.audit, kv: p.kv, clock: p.clock, ...p.mobileChangeOptions });
  return { policy, codes, sessions, passwords, mobileChange, flowTtlMs: FLOW_TTL_MS };
}
