// The development/test email channel: records every message instead of sending it; read back at /dev/mail.
import type { Clock } from '../shared/clock.js';
import type { MailRecorder, MailSendResult, OutgoingMail, RecordedMail } from '../domain/mail-channel.js';

export class MemoryMailSink implements MailRecorder {
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
