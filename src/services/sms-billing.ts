// SMS-4: every SMS actually sent is recorded exactly once in the ledger, charged to the responsible broker.
// LedgerRecordingSmsChannel decorates the real channel (gateway or sink); the SmsChannel contract is unchanged.
import type { SmsChannel, SmsMessage, SmsPurpose, SmsSendResult } from '../channels/sms-channel.js';
import type { Config } from '../config/schema.js';
import type { Clock } from '../shared/clock.js';
import type { Account, AccountStore } from '../stores/account-store.js';
import type { SmsLedger, SmsLedgerLine } from '../stores/sms-ledger.js';

export type SubBrokerCustomerCharge = 'broker' | 'subBroker';

export interface SmsBillingSettings {
  /** Net price per purpose in euro cents (integers). */
  priceCents: Record<SmsPurpose, number>;
  /** Who pays for a sub-broker's customer: the broker above the sub-broker, or the sub-broker. */
  chargeSubBrokerCustomersTo: SubBrokerCustomerCharge;
}

export function smsBillingSettings(config: Pick<Config, 'smsPriceLoginCents' | 'smsPriceOtherCents' | 'smsChargeSubBrokerCustomersTo'>): SmsBillingSettings {
  const other = config.smsPriceOtherCents;
  return {
    priceCents: { login: config.smsPriceLoginCents, activation: other, password: other, mobile_change: other },
    chargeSubBrokerCustomersTo: config.smsChargeSubBrokerCustomersTo,
  };
}

export class SmsBillingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SmsBillingError';
  }
}

/**
 * The account charged for an SMS to `account` (SMS-4): a broker pays its own; an employee's or sub-broker's own
 * go to their broker; a customer's to its owner, and a sub-broker's customer to the sub-broker's broker
 * (or the sub-broker itself when configured so).
 */
export async function chargedBrokerId(account: Account, accounts: AccountStore, rule: SubBrokerCustomerCharge): Promise<string> {
  const parentOf = async (child: Account): Promise<Account> => {
    const parent = child.brokerId ? await accounts.findById(child.brokerId) : null;
    if (!parent) throw new SmsBillingError(`account ${child.id} (${child.role}) has no broker to charge`);
    return parent;
  };
  switch (account.role) {
    case 'broker':
      return account.id;
    case 'employee':
    case 'subBroker':
      return (await brokerAbove(account, parentOf)).id;
    case 'customer': {
      const owner = await parentOf(account);
      if (owner.role === 'broker') return owner.id;
      if (owner.role === 'subBroker' && rule === 'subBroker') return owner.id;
      return (await brokerAbove(owner, parentOf)).id;
    }
  }
}

/** The broker an employee or sub-broker works for. */
async function brokerAbove(account: Account, parentOf: (a: Account) => Promise<Account>): Promise<Account> {
  const parent = await parentOf(account);
  if (parent.role !== 'broker') throw new SmsBillingError(`account ${account.id} (${account.role}) belongs to ${parent.id} (${parent.role}), not a broker`);
  return parent;
}

interface BillingLog {
  error(obj: object, msg: string): void;
}

export interface LedgerRecordingDeps {
  inner: SmsChannel;
  ledger: SmsLedger;
  accounts: AccountStore;
  clock: Clock;
  settings: SmsBillingSettings;
  log?: BillingLog;
}

export class LedgerRecordingSmsChannel implements SmsChannel {
  constructor(private readonly deps: LedgerRecordingDeps) {}

  /**
   * Finds the broker to charge first (an SMS that cannot be billed is not sent), then sends; only after a successful
   * send is one line recorded, keyed by the idempotency key, so a retried or duplicate send keeps the one line.
   */
  async send(message: SmsMessage): Promise<SmsSendResult> {
    const { inner, accounts, clock, settings } = this.deps;
    if (!message.accountId) throw new SmsBillingError(`SMS ${message.idempotencyKey} (${message.purpose}) has no accountId to charge`);
    const account = await accounts.findById(message.accountId);
    if (!account) throw new SmsBillingError(`SMS ${message.idempotencyKey}: unknown account ${message.accountId}`);
    const brokerId = await chargedBrokerId(account, accounts, settings.chargeSubBrokerCustomersTo);
    const netCents = settings.priceCents[message.purpose];

    const result = await inner.send(message);

    const line: Omit<SmsLedgerLine, 'id'> = {
      idempotencyKey: message.idempotencyKey,
      accountId: account.id,
      brokerId,
      purpose: message.purpose,
      at: clock.now(),
      providerMessageId: result.messageId,
      netCents,
    };
    await this.recordSent(line);
    return result;
  }

  /** The message is out: the line must be recorded; a ledger outage is retried, then logged in full for reconciliation. */
  private async recordSent(line: Omit<SmsLedgerLine, 'id'>): Promise<void> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        await this.deps.ledger.record(line);
        return;
      } catch (err) {
        lastError = err;
      }
    }
    // Not rethrown: the SMS was sent, failing the caller would only make the user ask for another one.
    this.deps.log?.error({ err: lastError, ledgerLine: line }, 'sms sent but not recorded in the ledger');
  }
}
