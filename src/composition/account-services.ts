// Composition, account services: setting a password (PWD-1, PWD-2), changing a mobile number (ACC-3), the broker area
// (BRK-1, BRK-2) with its mailing runner, and the SMS statements (SMS-4).
import type { Config } from '../config/schema.js';
import type { AccountSessionEnder } from '../domain/account-session-ender.js';
import { BrokerCustomerService } from '../services/broker/broker-customers.js';
import type { BrokerArea } from '../services/broker/build-broker-area.js';
import { MailingRunner } from '../services/broker/mailing-runner.js';
import { MailingService } from '../services/broker/mailing-service.js';
import { StaffRightsService } from '../services/broker/staff-rights-service.js';
import { MobileChangeService } from '../services/mobile-change.js';
import { PasswordPolicy } from '../services/password-policy.js';
import { PasswordSettingService } from '../services/password-setting.js';
import type { PasswordSetup } from '../services/password-setup.js';
import { SmsStatementService } from '../services/sms-statement.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Random } from '../shared/random.js';
import type { Channels } from './channels.js';
import type { LoginServices } from './services.js';
import type { Stores } from './stores.js';

export interface AccountServices {
  passwordSetup: PasswordSetup;
  broker: BrokerArea;
  /** Quarterly SMS statements of a broker (API and broker pages). */
  statements: SmsStatementService;
}

interface Parts {
  stores: Stores;
  channels: Channels;
  services: LoginServices;
  sessions: AccountSessionEnder;
  clock: Clock;
  random: Random;
  logger: Logger;
}

export function buildAccountServices(config: Config, p: Parts): AccountServices {
  const { kv, accounts, audit } = p.stores;
  const { clock, random, logger, sessions } = p;
  const { login, hasher, rememberedBrowsers, deviceService, codes } = p.services;
  const issuer = config.issuer.replace(/\/+$/, '');
  const flowTtlMs = config.passwordFlowTtlSeconds * 1000;

  const policy = new PasswordPolicy(config.passwordMinLength);
  // The shared code service: the limits of SMS login codes (SMS-3) hold for password and mobile-change codes too.
  const passwords = new PasswordSettingService({
    accounts, login, codes, hasher, policy, rememberedBrowsers, sessions, audit, kv, clock, random,
    flowTtlMs,
    resendCooldownMs: codes.settingsFor('password').resendCooldownMs,
    log: logger,
  });
  const mobileChange = new MobileChangeService({
    accounts, codes, audit, kv, clock, random,
    log: p.stores.broker.mobileChanges,
    confirmUrl: (token) => `${issuer}/mobile/confirm/${token}`,
    pendingTtlMs: config.mobileChangePendingDays * 24 * 3600_000,
  });

  const customers = new BrokerCustomerService({ accounts, directory: p.stores.broker.directory, devices: deviceService, rememberedBrowsers, audit, clock, log: logger });
  const mailings = new MailingService({
    templates: p.stores.broker.templates,
    mailings: p.stores.broker.mailings,
    customers, accounts, audit, clock, random,
    guideUrl: config.mailGuideUrl ?? `${issuer}/ident/`,
  });
  const runner = new MailingRunner({
    store: p.stores.broker.mailings,
    channel: p.channels.mail,
    clock, random,
    log: logger,
    from: config.mailFrom,
    messageIdDomain: new URL(config.issuer).hostname,
    leaseMs: config.mailingLeaseSeconds * 1000,
    pollMs: config.mailingPollMs,
  });
  return {
    passwordSetup: { policy, codes, sessions, passwords, mobileChange, flowTtlMs },
    broker: {
      stores: p.stores.broker,
      customers,
      staff: new StaffRightsService({ accounts, rights: p.stores.broker.rights, audit, clock }),
      mailings,
      mobileChange,
      runner,
      mailSink: p.channels.mailSink,
    },
    statements: new SmsStatementService({ ledger: p.stores.smsLedger, accounts, vatPercent: config.vatPercent }),
  };
}
