// Mailing, MailingRecipient and MailingStore — the mailing job contract (BRK-2): a mailing with a fixed recipient list and one state per recipient.
// Each recipient moves pending → claimed → sending → sent | failed, each step a compare-and-set in ONE atomic store
// operation, so two runners can never both send to one recipient. After a crash, `recover` puts `claimed` (nothing
// was transmitted yet) back to pending and turns `sending` (the SMTP transaction may or may not have completed) into
// `unknown`, which is never sent again by itself: no recipient ever gets a mailing twice (at most once).
export const RECIPIENT_STATES = ['pending', 'claimed', 'sending', 'sent', 'failed', 'unknown', 'unreachable'] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];

export interface MailingFilter {
  mobile?: 'yes' | 'no';
  enrolled?: 'yes' | 'no';
  method?: 'app' | 'sms';
  search?: string;
}

export interface Mailing {
  id: string;
  brokerId: string;
  templateId: string;
  /** The template as it was when the mailing was created (later edits do not change a running mailing). */
  subject: string;
  text: string;
  filter: MailingFilter;
  /** Filled into {{brokerName}} and {{guideLink}} of every message. */
  brokerName: string;
  guideLink: string;
  createdBy: string;
  createdAt: number;
}

export interface MailingRecipient {
  accountId: string;
  accessNumber: string;
  name: string;
  email: string | null;
  state: RecipientState;
  /** Message-ID of the sent message. */
  messageId: string | null;
  /** Short reason of a failure. */
  error: string | null;
  at: number | null;
}

export type RecipientCounts = Record<RecipientState, number>;

export interface MailingStore {
  /** Stores the mailing; recipients with an email start `pending`, without one `unreachable`. */
  create(mailing: Mailing, recipients: Omit<MailingRecipient, 'state' | 'messageId' | 'error' | 'at'>[]): Promise<void>;
  get(id: string): Promise<Mailing | null>;
  /** The broker's mailings, newest first. */
  listByBroker(brokerId: string, limit?: number): Promise<Mailing[]>;
  recipients(id: string): Promise<MailingRecipient[]>;
  counts(id: string): Promise<RecipientCounts>;
  /** Ids of mailings that still have pending, claimed or sending recipients. */
  active(): Promise<string[]>;
  /** Takes (or renews, for the same runner) the mailing's lease; false when another runner holds it. */
  lease(id: string, runnerId: string, ttlMs: number): Promise<boolean>;
  release(id: string, runnerId: string): Promise<void>;
  /** After taking the lease: claimed → pending, sending → unknown (see the header). */
  recover(id: string): Promise<{ requeued: number; unknown: number }>;
  /** Takes the next pending recipient (pending → claimed) atomically; null when none is left. */
  claimNext(id: string): Promise<MailingRecipient | null>;
  /** Atomic compare-and-set of one recipient's state; false when it was not in `from`. */
  transition(id: string, accountId: string, from: RecipientState, to: RecipientState, info?: { messageId?: string; error?: string; at: number }): Promise<boolean>;
  /** Puts `unknown` recipients back to pending on the broker's explicit request (they may then get it twice). */
  retryUnknown(id: string): Promise<number>;
  /** Ends the mailing's (and its recipients') data (used by tests and clean-up). */
  remove(id: string): Promise<void>;
}

export const emptyCounts = (): RecipientCounts => Object.fromEntries(RECIPIENT_STATES.map((s) => [s, 0])) as RecipientCounts;

export function mailingStatus(counts: RecipientCounts): 'sending' | 'done' {
  return counts.pending + counts.claimed + counts.sending > 0 ? 'sending' : 'done';
}
