// The development/test email channel: records every message instead of sending it; read back at /dev/mail.
import type { Clock } from '../shared/clock.js';
import type { MailChannel, MailSendResult, OutgoingMail } from '../domain/mail-channel.js';

export interface RecordedMail extends Omit<OutgoingMail, 'date'> {
  /** Milliseconds since the epoch. */
  at: number;
}

export class MemoryMailSink implements MailChannel {
  readonly #messages: RecordedMail[] = [];
  constructor(private readonly clock: Clock, private readonly max = 1000) {}

  async send(mail: OutgoingMail, beforeTransmit: () => Promise<boolean>): Promise<MailSendResult> {
    if (!(await beforeTransmit())) return { transmitted: false };
    this.#messages.push(Object.freeze({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, messageId: mail.messageId, at: this.clock.now() }));
    if (this.#messages.length > this.max) this.#messages.shift();
    return { transmitted: true, response: '250 recorded' };
  }

  /** Newest first. */
  list(): RecordedMail[] {
    return [...this.#messages].reverse();
  }
}
