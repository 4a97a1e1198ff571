// SmsLedger, SmsLedgerLine and SmsPurpose — the SMS ledger contract (SMS-4): one line per SMS handed to the provider, recorded BEFORE sending and keyed by its
// idempotency key, with what became of it; only accepted lines are billed. Amounts in integer cents.
/** Why an SMS was sent; each purpose has its own price (SMS-4). */
export type SmsPurpose = 'activation' | 'login' | 'password' | 'mobile_change';

/**
 * accepted: the provider took the message (billed); failed: it did not (never billed); unknown: no answer yet —
 * settled later by retrying with the same idempotency key (the provider deduplicates), shown as unsettled until then.
 */
export type SmsLedgerState = 'accepted' | 'unknown' | 'failed';

export type SmsSettlement = { state: 'accepted'; providerMessageId: string; at: number } | { state: 'failed' };

export interface SmsLedgerLine {
  id: string;
  /** The message's idempotency key: recording it again keeps the one line. */
  idempotencyKey: string;
  /** The account the SMS was for. */
  accountId: string;
  /** The broker charged (SMS-4). */
  brokerId: string;
  purpose: SmsPurpose;
  /** Milliseconds since the epoch: when the message was handed over, and once accepted, when the provider accepted it. */
  at: number;
  /** The provider's id, once it accepted the message; null before. */
  providerMessageId: string | null;
  /** Net price in euro cents (integer); billed only in state `accepted`. */
  netCents: number;
  state: SmsLedgerState;
}

export type NewSmsLedgerLine = Omit<SmsLedgerLine, 'id'>;

export interface SmsLedger {
  /**
   * Records the line once per `idempotencyKey`; a second record of the same key changes nothing and
   * returns the line stored first with `created: false`.
   */
  record(line: NewSmsLedgerLine): Promise<{ line: SmsLedgerLine; created: boolean }>;
  /**
   * Settles the line of `idempotencyKey` in one atomic step: `unknown` or `failed` → `accepted` (with the provider's
   * id), `unknown` → `failed`. An accepted line never changes (it is billed exactly once). Returns the line as it
   * is afterwards, or null when there is none.
   */
  settle(idempotencyKey: string, settlement: SmsSettlement): Promise<SmsLedgerLine | null>;
  /** Every line still `unknown`, oldest first. */
  listUnsettled(): Promise<SmsLedgerLine[]>;
  /** The lines charged to `brokerId` with `fromMs <= at < toMs` (every state), oldest first (equal times: recorded first). */
  listForBroker(brokerId: string, fromMs: number, toMs: number): Promise<SmsLedgerLine[]>;
}

/** Rejects what must never be stored: a non-integer or negative amount, a missing key or broker. */
export function assertValidLedgerLine(line: NewSmsLedgerLine): void {
  if (!Number.isSafeInteger(line.netCents) || line.netCents < 0) throw new TypeError(`netCents must be a non-negative integer: ${line.netCents}`);
  if (!Number.isFinite(line.at)) throw new TypeError('at must be a time');
  for (const field of ['idempotencyKey', 'accountId', 'brokerId'] as const) {
    if (typeof line[field] !== 'string' || line[field] === '') throw new TypeError(`${field} is required`);
  }
  if (!['accepted', 'unknown', 'failed'].includes(line.state)) throw new TypeError(`state must be accepted, unknown or failed: ${String(line.state)}`);
  if (line.state === 'accepted' && (typeof line.providerMessageId !== 'string' || line.providerMessageId === '')) throw new TypeError('providerMessageId is required once accepted');
}
