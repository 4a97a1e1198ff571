// SMS-4: every SMS handed to the provider is recorded in the ledger BEFORE sending, with what became of it, and
// billed exactly once when the provider accepted it — also when its answer was lost (settled by retrying with the same
// idempotency key). LedgerRecordingSmsChannel decorates the real channel (gateway or sink); the SmsChannel contract is unchanged.
import type { SmsChannel, SmsMessage, SmsPurpose, SmsSendResult } from '../domain/sms-channel.js';
import type { Config } from '../config/schema.js';
import type { Clock } from '../shared/clock.js';
import { isAppError } from '../shared/errors.js';
import type { AccountStore } from '../domain/account.js';
import type { SmsLedger, SmsSettlement } from '../domain/sms-ledger.js';
import { BrokerHierarchyError, chargedBrokerId, type SubBrokerCustomerCharge } from './broker/broker-hierarchy.js';


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

interface BillingLog {
  error(obj: object, msg: string): void;
  warn?(obj: object, msg: string): void;
}

export interface LedgerRecordingDeps {
  inner: SmsChannel;
  ledger: SmsLedger;
  accounts: AccountStore;
  clock: Clock;
  settings: SmsBillingSettings;
  log?: BillingLog;
  /** Counts each SMS the provider accepted, once, by purpose (`sms_sent_total`). */
  countAccepted?: (purpose: string) => void;
  /**
   * Waits before each background retry of a message whose delivery is unknown (same idempotency key). Default
   * 5 s, 30 s, 2 min; [] = no background retries (settlePending() only).
   */
  retryDelaysMs?: readonly number[];
  /** How long a message is kept in this process for such retries (it holds the code: memory only). Default 10 min. */
  keepMs?: number;
}

const DEFAULT_RETRY_DELAYS_MS = [5_000, 30_000, 120_000];
const DEFAULT_KEEP_MS = 10 * 60_000;

export class LedgerRecordingSmsChannel implements SmsChannel {
  /** Messages whose delivery is unknown, kept (in this process only) to retry them with the same key. */
  private readonly unsettled = new Map<string, { message: SmsMessage; keepUntil: number }>();
  /** The latest background settlement, for tests and shutdown to await. */
  settling: Promise<void> = Promise.resolve();

  constructor(private readonly deps: LedgerRecordingDeps) {}

  /**
   * Finds the broker to charge first (an SMS that cannot be billed is not sent), records the hand-over (state
   * `unknown`), then sends: accepted → the line is settled `accepted` (billed once); refused → `failed` (never billed);
   * no answer (sms.deliveryUnknown) → the line stays `unknown` and is settled by retries with the same key.
   */
  async send(message: SmsMessage): Promise<SmsSendResult> {
    const { accounts, clock, settings, ledger } = this.deps;
    if (!message.accountId) throw new SmsBillingError(`SMS ${message.idempotencyKey} (${message.purpose}) has no accountId to charge`);
    const account = await accounts.findById(message.accountId);
    if (!account) throw new SmsBillingError(`SMS ${message.idempotencyKey}: unknown account ${message.accountId}`);
    // Who pays is the hierarchy's rule (src/services/broker/broker-hierarchy.ts); a broken hierarchy sends nothing.
    const brokerId = await chargedBrokerId(account, accounts, settings.chargeSubBrokerCustomersTo).catch((err: unknown) => {
      throw err instanceof BrokerHierarchyError ? new SmsBillingError(err.message) : err;
    });

    const { line } = await ledger.record({
      idempotencyKey: message.idempotencyKey,
      accountId: account.id,
      brokerId,
      purpose: message.purpose,
      at: clock.now(),
      providerMessageId: null,
      netCents: settings.priceCents[message.purpose],
      state: 'unknown',
    });
    // The same key again after the provider accepted it: the provider would deduplicate anyway; nothing is sent twice.
    if (line.state === 'accepted' && line.providerMessageId) return { messageId: line.providerMessageId };
    return this.attempt(message, true);
  }

  /**
   * One send of a recorded message and its settlement. `first`: the original hand-over, whose failure proves nothing
   * went out; a retry of an unknown message proves that only by an explicit refusal of its key (sms.gatewayRefused) —
   * an outage during a retry says nothing about the first attempt, so the line stays unknown.
   */
  private async attempt(message: SmsMessage, first: boolean): Promise<SmsSendResult> {
    const key = message.idempotencyKey;
    let result: SmsSendResult;
    try {
      result = await this.deps.inner.send(message);
    } catch (err) {
      const code = isAppError(err) ? err.code : '';
      const stillUnknown = code === 'sms.deliveryUnknown' || (!first && code !== 'sms.gatewayRefused');
      if (stillUnknown) {
        if (first) this.unsettled.set(key, { message, keepUntil: this.deps.clock.now() + (this.deps.keepMs ?? DEFAULT_KEEP_MS) });
        if (first) this.retryInBackground(key);
      } else {
        this.unsettled.delete(key);
        await this.settle(key, { state: 'failed' });
      }
      throw err;
    }
    this.unsettled.delete(key);
    await this.settle(key, { state: 'accepted', providerMessageId: result.messageId, at: this.deps.clock.now() });
    this.deps.countAccepted?.(message.purpose);
    return result;
  }

  /**
   * Retries every unknown message still kept here, with its own idempotency key: the provider answers with the
   * message it already accepted (or sends it now); either way the line is billed once. Returns how many lines were
   * settled and how many stay unknown (messages no longer kept stay unknown: the statement shows them as unsettled).
   */
  async settlePending(): Promise<{ settled: number; open: number }> {
    let settled = 0;
    const now = this.deps.clock.now();
    for (const [key, kept] of [...this.unsettled]) {
      if (kept.keepUntil <= now) {
        this.unsettled.delete(key);
        continue;
      }
      try {
        await this.attempt(kept.message, false);
        settled++;
      } catch {
        // Expected: the channel logged the failed send; the line stays unknown unless the provider refused the key.
        if (!this.unsettled.has(key)) settled++; // refused by now: settled as failed
      }
    }
    return { settled, open: (await this.deps.ledger.listUnsettled()).length };
  }

  private retryInBackground(key: string): void {
    const delays = this.deps.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    const run = async () => {
      for (const delay of delays) {
        await new Promise<void>((resolve) => setTimeout(resolve, delay).unref());
        const kept = this.unsettled.get(key);
        if (!kept || kept.keepUntil <= this.deps.clock.now()) return;
        try {
          await this.attempt(kept.message, false);
          return;
        } catch {
          // Expected: the channel logged the failed send; the line stays unknown and the next delay tries again.
          if (!this.unsettled.has(key)) return;
        }
      }
    };
    // run() catches each attempt's failure itself; this only keeps a rejection out of `settling` (awaited by tests and shutdown).
    this.settling = Promise.all([this.settling, run().catch(() => undefined)]).then(() => undefined);
  }

  /** The line must follow what happened: a ledger outage is retried, then logged in full for reconciliation. */
  private async settle(key: string, settlement: SmsSettlement): Promise<void> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        await this.deps.ledger.settle(key, settlement);
        return;
      } catch (err) {
        lastError = err;
      }
    }
    // Not rethrown: the SMS went out (or not) already; failing the caller would only make the user ask for another one.
    this.deps.log?.error({ err: lastError, idempotencyKey: key, settlement }, 'sms ledger line not settled');
  }
}
