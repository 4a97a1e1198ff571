// The SMS ledger contract (SMS-4): one line per SMS actually sent, keyed by its idempotency key; amounts in integer cents.
import type { SmsPurpose } from '../channels/sms-channel.js';

export interface SmsLedgerLine {
  id: string;
  /** The message's idempotency key: recording it again keeps the one line. */
  idempotencyKey: string;
  /** The account the SMS was for. */
  accountId: string;
  /** The broker charged (SMS-4). */
  brokerId: string;
  purpose: SmsPurpose;
  /** Milliseconds since the epoch: when the provider accepted the message. */
  at: number;
  providerMessageId: string;
  /** Net price in euro cents (integer). */
  netCents: number;
}

export type NewSmsLedgerLine = Omit<SmsLedgerLine, 'id'>;

export interface SmsLedger {
  /**
   * Records the line once per `idempotencyKey`; a second record of the same key changes nothing and
   * returns the line stored first with `created: false`.
   */
  record(line: NewSmsLedgerLine): Promise<{ line: SmsLedgerLine; created: boolean }>;
  /** The lines charged to `brokerId` with `fromMs <= at < toMs`, oldest first (equal times: recorded first). */
  listForBroker(brokerId: string, fromMs: number, toMs: number): Promise<SmsLedgerLine[]>;
}

/** Rejects what must never be stored: a non-integer or negative amount, a missing key or broker. */
export function assertValidLedgerLine(line: NewSmsLedgerLine): void {
  if (!Number.isSafeInteger(line.netCents) || line.netCents < 0) throw new TypeError(`netCents must be a non-negative integer: ${line.netCents}`);
  if (!Number.isFinite(line.at)) throw new TypeError('at must be a time');
  for (const field of ['idempotencyKey', 'accountId', 'brokerId', 'providerMessageId'] as const) {
    if (typeof line[field] !== 'string' || line[field] === '') throw new TypeError(`${field} is required`);
  }
}
