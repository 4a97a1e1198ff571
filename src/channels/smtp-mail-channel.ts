// Email over SMTP (nodemailer's SMTPConnection): connect and log in first, then mark, then hand over the message.
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import { composeMail } from './mail-compose.js';
import { type MailChannel, type MailSendResult, MailSendError, type OutgoingMail } from '../domain/mail-channel.js';

export interface SmtpSettings {
  /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…:465 (TLS from the start). */
  url: string;
  timeoutMs: number;
  /** Client name in EHLO. */
  name?: string;
}

function connectionOptions(settings: SmtpSettings): SMTPConnection.Options {
  const url = new URL(settings.url);
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
    ...(settings.name ? { name: settings.name } : {}),
  };
}

/** The bare address of "Name <address>" (the SMTP envelope takes only the address). */
function envelopeAddress(value: string): string {
  const [first] = addressparser(value, { flatten: true });
  return first?.address || value;
}

export class SmtpMailChannel implements MailChannel {
  private readonly options: SMTPConnection.Options;
  private readonly auth: { user: string; pass: string } | null;

  constructor(settings: SmtpSettings) {
    this.options = connectionOptions(settings);
    const url = new URL(settings.url);
    this.auth = url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : null;
  }

  async send(mail: OutgoingMail, beforeTransmit: () => Promise<boolean>): Promise<MailSendResult> {
    const raw = await composeMail(mail);
    const conn = new SMTPConnection(this.options);
    let transmitted = false;
    // An error event after a failed callback must not crash the process.
    conn.on('error', () => undefined);
    try {
      await new Promise<void>((resolve, reject) => conn.connect((err) => (err ? reject(err) : resolve())));
      if (this.auth) await new Promise<void>((resolve, reject) => conn.login(this.auth!, (err) => (err ? reject(err) : resolve())));
      if (!(await beforeTransmit())) return { transmitted: false };
      transmitted = true;
      const info = await new Promise<SMTPConnection.SentMessageInfo>((resolve, reject) =>
        conn.send({ from: envelopeAddress(mail.from), to: [envelopeAddress(mail.to)] }, raw, (err, sent) => (err ? reject(err) : resolve(sent))),
      );
      if (info.rejected.length > 0) throw Object.assign(new Error(`rejected: ${info.rejected.join(', ')}`), { responseCode: 550 });
      return { transmitted: true, response: String(info.response ?? '') };
    } catch (err) {
      const e = err as { message?: string; responseCode?: number; code?: string };
      const code = e.responseCode;
      // A server answer (4xx/5xx) means it did not take the message: not delivered, whatever phase we were in. A bad
      // envelope is refused by nodemailer before anything is sent.
      const refused = (typeof code === 'number' && code >= 400) || e.code === 'EENVELOPE';
      throw new MailSendError(code ? `smtp ${code}` : String(e.code ?? e.message ?? 'smtp error').slice(0, 120), transmitted && !refused, refused && (code === undefined || code >= 500));
    } finally {
      try {
        conn.quit();
      } catch {
        conn.close();
      }
    }
  }
}
