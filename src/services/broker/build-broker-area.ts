// Builds the broker area (BRK-1, BRK-2, ACC-3) from the container's parts: its stores (memory, MongoDB, or Redis for
// the mailing jobs, which must survive a restart and be shared by all instances), services and the mailing runner.
import type { RedisConnection } from '../../stores/redis/redis-client.js';
import type { Connection } from 'mongoose';
import type { MailChannel } from '../../channels/mail-channel.js';
import { MemoryMailSink } from '../../channels/memory-mail-sink.js';
import { SmtpMailChannel } from '../../channels/smtp-mail-channel.js';
import type { Config } from '../../config/schema.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { Random } from '../../shared/random.js';
import type { AccountStore } from '../../stores/account-store.js';
import type { AuditLog } from '../../stores/audit-log.js';
import type { CustomerDirectory } from '../../stores/customer-directory.js';
import type { DeviceStore } from '../../stores/device-store.js';
import type { MailingTemplateStore } from '../../stores/mailing-templates.js';
import type { MailingStore } from '../../stores/mailings.js';
import type { MobileChangeLog } from '../../stores/mobile-change-log.js';
import type { StaffRightsStore } from '../../stores/staff-rights.js';
import { MemoryCustomerDirectory } from '../../stores/memory/customer-directory.js';
import { MemoryMailingTemplateStore } from '../../stores/memory/mailing-templates.js';
import { MemoryMailingStore } from '../../stores/memory/mailings.js';
import { MemoryMobileChangeLog } from '../../stores/memory/mobile-change-log.js';
import { MemoryStaffRightsStore } from '../../stores/memory/staff-rights.js';
import { MongoMailingTemplateStore, MongoMobileChangeLog, MongoStaffRightsStore } from '../../stores/mongo/broker-stores.js';
import { MongoCustomerDirectory } from '../../stores/mongo/customer-directory.js';
import { RedisMailingStore } from '../../stores/redis/mailings.js';
import { MongoMailingStore } from '../../stores/mongo/mailings.js';
import type { DeviceService } from '../device-service.js';
import type { MobileChangeService } from '../mobile-change.js';
import type { RememberedBrowserService } from '../remembered-browsers.js';
import { BrokerCustomerService } from './broker-customers.js';
import { MailingRunner } from './mailing-runner.js';
import { MailingService } from './mailing-service.js';
import { StaffRightsService } from './staff-rights-service.js';

export interface BrokerStores {
  directory: CustomerDirectory;
  rights: StaffRightsStore;
  mobileChanges: MobileChangeLog;
  templates: MailingTemplateStore;
  mailings: MailingStore;
}

/** How long a number a broker entered waits for its owner's confirmation (ACC-3). */
export const MOBILE_CHANGE_PENDING_MS = 7 * 24 * 3600_000;

export function buildBrokerStores(p: { mongo?: Connection; redis?: RedisConnection; accounts: AccountStore; devices: DeviceStore; clock: Clock }): BrokerStores {
  return {
    directory: p.mongo ? new MongoCustomerDirectory(p.mongo) : new MemoryCustomerDirectory({ accounts: p.accounts, devices: p.devices }),
    rights: p.mongo ? new MongoStaffRightsStore(p.mongo) : new MemoryStaffRightsStore(),
    mobileChanges: p.mongo ? new MongoMobileChangeLog(p.mongo) : new MemoryMobileChangeLog(),
    templates: p.mongo ? new MongoMailingTemplateStore(p.mongo) : new MemoryMailingTemplateStore(),
    // MongoDB keeps mailings and results for good; without it, Redis still lets a job survive a restart.
    mailings: p.mongo ? new MongoMailingStore(p.mongo, p.clock) : p.redis ? new RedisMailingStore(p.redis) : new MemoryMailingStore(p.clock),
  };
}

export interface BrokerArea {
  stores: BrokerStores;
  customers: BrokerCustomerService;
  staff: StaffRightsService;
  mailings: MailingService;
  mobileChange: MobileChangeService;
  runner: MailingRunner;
  /** The recording mail sink when no SMTP_URL is configured. */
  mailSink: MemoryMailSink | null;
}

export interface BrokerAreaParts {
  config: Config;
  stores: BrokerStores;
  accounts: AccountStore;
  audit: AuditLog;
  deviceService: DeviceService;
  rememberedBrowsers: RememberedBrowserService;
  mobileChange: MobileChangeService;
  clock: Clock;
  random: Random;
  logger: Logger;
  /** Replaces the mail channel (tests). */
  mail?: MailChannel;
}

export function buildBrokerArea(p: BrokerAreaParts): BrokerArea {
  const customers = new BrokerCustomerService({ accounts: p.accounts, directory: p.stores.directory, devices: p.deviceService, rememberedBrowsers: p.rememberedBrowsers, audit: p.audit, clock: p.clock, log: p.logger });
  const staff = new StaffRightsService({ accounts: p.accounts, rights: p.stores.rights, audit: p.audit, clock: p.clock });
  const issuer = new URL(p.config.issuer);
  const mailings = new MailingService({
    templates: p.stores.templates,
    mailings: p.stores.mailings,
    customers,
    accounts: p.accounts,
    audit: p.audit,
    clock: p.clock,
    random: p.random,
    guideUrl: p.config.mailGuideUrl ?? `${p.config.issuer.replace(/\/+$/, '')}/ident/`,
  });
  const mailSink = p.mail || p.config.smtpUrl ? null : new MemoryMailSink(p.clock);
  const channel = p.mail ?? (p.config.smtpUrl ? new SmtpMailChannel({ url: p.config.smtpUrl, timeoutMs: 15_000, name: issuer.hostname }) : mailSink!);
  const runner = new MailingRunner({
    store: p.stores.mailings,
    channel,
    clock: p.clock,
    random: p.random,
    log: p.logger,
    from: p.config.mailFrom,
    messageIdDomain: issuer.hostname,
    leaseMs: p.config.mailingLeaseSeconds * 1000,
    pollMs: 1000,
  });
  return { stores: p.stores, customers, staff, mailings, mobileChange: p.mobileChange, runner, mailSink };
}
