// SmsChannel and SmsMessage — the SMS channel contract: the gateway in production, a recording sink in development and tests (SMS-5).
import type { SmsPurpose } from './sms-ledger.js';

export type { SmsPurpose };

export interface SmsMessage {
  /** E.164; always a number on file (SMS-1), never one typed on a page. */
  to: string;
  text: string;
  purpose: SmsPurpose;
  /** The same key never sends (or bills) twice. */
  idempotencyKey: string;
  /** The account the message is for; the SMS ledger charges its broker (SMS-4). */
  accountId?: string;
}

export interface SmsSendResult {
  /** The provider's message id. */
  messageId: string;
}

export interface SmsChannel {
  send(message: SmsMessage): Promise<SmsSendResult>;
}
