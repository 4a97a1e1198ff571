// PushChannel and PushMessage — the push contract: a wake-up call to a device over Web Push (APR-2); the payload is encrypted end to end.
import type { PushSubscription } from './device.js';

export type PushOutcome = 'sent' | 'gone' | 'failed';

export interface PushMessage {
  subscription: PushSubscription;
  /** JSON-serialisable payload; keep it small (a few hundred bytes). */
  payload: Record<string, unknown>;
  /** Seconds the push service may hold the message (the approval's remaining lifetime). */
  ttlSeconds: number;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  /** Replaces an undelivered message with the same topic (RFC 8030). */
  topic?: string;
}

export interface PushChannel {
  /** `gone` = the subscription no longer exists (404/410): the caller removes it. Never throws. */
  send(message: PushMessage): Promise<PushOutcome>;
}
