// The parts of the broker area (BRK-1, BRK-2, ACC-3) as the composition root (src/composition/) hands them to routes:
// its stores (memory, MongoDB, or Redis for the mailing jobs), services and the mailing runner.
import type { CustomerDirectory } from '../../domain/customer-directory.js';
import type { MailRecorder } from '../../domain/mail-channel.js';
import type { MailingTemplateStore } from '../../domain/mailing-template.js';
import type { MailingStore } from '../../domain/mailing.js';
import type { MobileChangeLog } from '../../domain/mobile-change-log.js';
import type { StaffRightsStore } from '../../domain/staff-rights.js';
import type { MobileChangeService } from '../mobile-change.js';
import type { BrokerCustomerService } from './broker-customers.js';
import type { MailingRunner } from './mailing-runner.js';
import type { MailingService } from './mailing-service.js';
import type { StaffRightsService } from './staff-rights-service.js';

export interface BrokerStores {
  directory: CustomerDirectory;
  rights: StaffRightsStore;
  mobileChanges: MobileChangeLog;
  templates: MailingTemplateStore;
  mailings: MailingStore;
}

export interface BrokerArea {
  stores: BrokerStores;
  customers: BrokerCustomerService;
  staff: StaffRightsService;
  mailings: MailingService;
  mobileChange: MobileChangeService;
  runner: MailingRunner;
  /** The recording mail sink when no SMTP_URL is configured. */
  mailSink: MailRecorder | null;
}
