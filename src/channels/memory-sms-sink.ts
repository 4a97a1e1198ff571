// The development/test SMS channel: records every message instead of sending it, at most once per idempotency key (SMS-5).
import type { Clock } from '../shared/clock.js';
import type { Random } from '../shared/random.js';
import type { SmsChannel, SmsMessage, SmsPurpose, SmsSendResult } from '../domain/sms-channel.js';

export interface RecordedSms {
  readonly id: string;
  readonly to: string;
  readonly text: string;
  readonly purpose: SmsPurpose;
  readonly idempotencyKey: string;
  /** Milliseconds since the epoch (from the injected clock). */
  readonly at: number;
}

export class MemorySmsSink implements SmsChannel {
  /** Oldest first; `list()` reverses. */
  readonly #messages: RecordedSms[] = [];
  readonly #byKey = new Map<string, SmsSendResult>();

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  async send(message: SmsMessage): Promise<SmsSendResult> {
    const earlier = this.#byKey.get(message.idempotencyKey);
    if (earlier) return { ...earlier };
    const record: RecordedSms = Object.freeze({
      id: `sms_${this.random.token(12)}`,
      to: message.to,
      text: message.text,
      purpose: message.purpose,
      idempotencyKey: message.idempotencyKey,
      at: this.clock.now(),
    });
    this.#messages.push(record);
    const result: SmsSendResult = { messageId: record.id };
    this.#byKey.set(message.idempotencyKey, result);
    return { ...result };
  }

  /** Every recorded message, newest first. */
  list(): RecordedSms[] {
    return [...this.#messages].reverse();
  }

  /** The newest message to `e164`, if any. */
  lastTo(e164: string): RecordedSms | undefined {
    for (let i = this.#messages.length - 1; i >= 0; i--) {
      const message = this.#messages[i];
      if (message?.to === e164) return message;
    }
    return undefined;
  }

  /** Forgets every message and idempotency key. */
  clear(): void {
    this.#messages.length = 0;
    this.#byKey.clear();
  }
}
