// Sends mailing jobs in the background (BRK-2) so that no recipient ever gets the same mailing twice.
//
// Per recipient: claim (pending → claimed, atomic) → connect to the server → mark sending (claimed → sending, atomic)
// → hand over the message → mark sent. A crash before "sending" leaves the recipient claimed: nothing was transmitted,
// so the next runner puts it back to pending and sends it (exactly once). A crash after "sending" and before "sent"
// leaves it sending: the server may or may not have taken the message, and SMTP offers no way to ask. We choose
// at-most-once there: such recipients become `unknown`, are listed to the broker, and are sent again only when the
// broker asks for it. The window is only the transmission itself; the Message-ID is stable per mailing and recipient,
// so a mail client could still recognise a duplicate after such an explicit retry.
// One runner at a time works on a mailing (a lease that expires when its process dies).
import { type MailChannel, MailSendError, type OutgoingMail } from '../../domain/mail-channel.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { Random } from '../../shared/random.js';
import type { Mailing, MailingRecipient, MailingStore } from '../../domain/mailing.js';
import { fillText, toHtml } from './mailing-templates.js';
import { recipientValues } from './mailing-service.js';

export interface MailingRunnerDeps {
  store: MailingStore;
  channel: MailChannel;
  clock: Clock;
  random: Random;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** The From header (MAIL_FROM). */
  from: string;
  /** Right-hand side of Message-IDs (the issuer's host). */
  messageIdDomain: string;
  /** How long a runner's lease on a mailing lasts without renewal (it renews at a third of it). */
  leaseMs: number;
  /** How often the runner looks for work. */
  pollMs: number;
}

/** The message one recipient gets: the mailing's template with the recipient's values, text and escaped HTML. */
export function messageFor(mailing: Mailing, r: MailingRecipient, from: string, domain: string, date: Date): OutgoingMail {
  const values = { ...recipientValues(r), brokerName: mailing.brokerName, guideLink: mailing.guideLink };
  return {
    from,
    to: r.email!,
    subject: fillText(mailing.subject, values),
    text: fillText(mailing.text, values),
    html: toHtml(mailing.text, values),
    messageId: `<${mailing.id}.${r.accountId.replace(/[^A-Za-z0-9_.-]/g, '_')}@${domain}>`,
    date,
  };
}

export class MailingRunner {
  readonly runnerId: string;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopping = false;

  constructor(private readonly deps: MailingRunnerDeps) {
    this.runnerId = `run_${deps.random.token(9)}`;
  }

  start(): void {
    if (this.timer) return;
    this.stopping = false;
    this.timer = setInterval(() => void this.tick(), this.deps.pollMs);
    this.timer.unref();
    void this.tick();
  }

  /** Stops after the message in flight (if any) and releases the lease. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass over every active mailing; does nothing while a pass is running. Resolves when the pass is done. */
  tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      try {
        for (const id of await this.deps.store.active()) {
          if (this.stopping) break;
          await this.work(id);
        }
      } catch (err) {
        this.deps.log.warn({ err: (err as Error).message }, 'mailing runner pass failed');
      }
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async work(id: string): Promise<void> {
    const { store, clock, leaseMs } = this.deps;
    if (!(await store.lease(id, this.runnerId, leaseMs))) return;
    try {
      const recovered = await store.recover(id);
      if (recovered.requeued || recovered.unknown) this.deps.log.warn({ mailing: id, ...recovered }, 'mailing recovered after an interruption');
      const mailing = await store.get(id);
      if (!mailing) return;
      let renewedAt = clock.now();
      while (!this.stopping) {
        if (clock.now() - renewedAt > leaseMs / 3) {
          if (!(await store.lease(id, this.runnerId, leaseMs))) return;
          renewedAt = clock.now();
        }
        const recipient = await store.claimNext(id);
        if (!recipient) break;
        if (!(await this.deliver(mailing, recipient))) break;
      }
    } finally {
      await store.release(id, this.runnerId);
    }
  }

  /** Sends to one claimed recipient; false when the server cannot be reached (the mailing waits for the next pass). */
  private async deliver(mailing: Mailing, r: MailingRecipient): Promise<boolean> {
    const { store, clock } = this.deps;
    const mail = messageFor(mailing, r, this.deps.from, this.deps.messageIdDomain, new Date(clock.now()));
    try {
      const result = await this.deps.channel.send(mail, () => store.transition(mailing.id, r.accountId, 'claimed', 'sending'));
      if (result.transmitted) await store.transition(mailing.id, r.accountId, 'sending', 'sent', { messageId: mail.messageId, at: clock.now() });
      return true;
    } catch (err) {
      const e = err instanceof MailSendError ? err : new MailSendError(String((err as Error).message ?? err).slice(0, 120), false, false);
      const at = clock.now();
      if (await store.transition(mailing.id, r.accountId, 'sending', e.transmitted ? 'unknown' : 'failed', { error: e.message, at })) return true;
      // Not yet sending: the connection failed before anything was handed over; the recipient goes back to pending.
      await store.recover(mailing.id);
      this.deps.log.warn({ mailing: mailing.id, err: e.message }, 'mail server not reachable; mailing paused until the next pass');
      return false;
    }
  }
}
