// MailChannel, OutgoingMail, MailSendError and MailRecorder — the email channel contract (BRK-2): one message at a time, with a hook right before the message is handed over,
// so that the caller can record "from here on it may have arrived" (see services/broker/mailing-runner.ts).
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** RFC 5322 Message-ID including the angle brackets; stable per mailing and recipient. */
  messageId: string;
  date: Date;
}

export type MailSendResult = { transmitted: true; response: string } | { transmitted: false };

/** A failure; `transmitted` says whether the message had already been handed to the server (outcome unknown). */
export class MailSendError extends Error {
  constructor(message: string, readonly transmitted: boolean, readonly permanent: boolean) {
    super(message);
    this.name = 'MailSendError';
  }
}

export interface MailChannel {
  /**
   * Sends `mail`. `beforeTransmit` runs once the connection is ready, immediately before the message is handed over;
   * when it resolves false nothing is sent ({ transmitted: false }). Throws MailSendError.
   */
  send(mail: OutgoingMail, beforeTransmit: () => Promise<boolean>): Promise<MailSendResult>;
}

/** A message as a recording mail channel keeps it. */
export interface RecordedMail extends Omit<OutgoingMail, 'date'> {
  /** Milliseconds since the epoch. */
  at: number;
}

/** A mail channel that records every message instead of sending it (no SMTP_URL); read back at /dev/mail. */
export interface MailRecorder extends MailChannel {
  /** Newest first. */
  list(): RecordedMail[];
}
