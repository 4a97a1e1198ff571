// Rollout mailings (BRK-2): the broker's template copies (edit, reset), recipients from the customer filters (no email
// = not reachable), a preview per customer, and creating a mailing job that the runner sends. Needs the right `mailings`.
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import type { Random } from '../../shared/random.js';
import type { AccountStore } from '../../domain/account.js';
import type { AuditLog } from '../../domain/audit-log.js';
import type { CustomerRow } from '../../domain/customer-directory.js';
import type { MailingTemplateStore } from '../../domain/mailing-template.js';
import { type Mailing, type MailingFilter, type MailingRecipient, type MailingStore, mailingStatus, type RecipientCounts } from '../../domain/mailing.js';
import { type BrokerContext, requireRight } from './broker-access.js';
import type { BrokerCustomerService } from './broker-customers.js';
import { BUILT_IN_TEMPLATES, builtInTemplate, checkPlaceholders, fillText, salutationFor, toHtml, type BuiltInTemplate } from './mailing-templates.js';

export interface MailingServiceDeps {
  templates: MailingTemplateStore;
  mailings: MailingStore;
  customers: BrokerCustomerService;
  accounts: AccountStore;
  audit: AuditLog;
  clock: Clock;
  random: Random;
  /** The customer guide ("Anleitung zur Einrichtung der 2FA"), filled into {{guideLink}}. */
  guideUrl: string;
}

export interface TemplateView extends BuiltInTemplate {
  /** Whether the broker edited its copy. */
  edited: boolean;
}

export interface MailingProgress {
  status: 'sending' | 'done';
  total: number;
  sent: number;
  failed: number;
  unknown: number;
  pending: number;
  unreachable: number;
}

export const MAX_SUBJECT = 200;
export const MAX_TEXT = 20_000;

export function progressOf(counts: RecipientCounts): MailingProgress {
  return {
    status: mailingStatus(counts),
    total: counts.pending + counts.claimed + counts.sending + counts.sent + counts.failed + counts.unknown,
    sent: counts.sent,
    failed: counts.failed,
    unknown: counts.unknown,
    pending: counts.pending + counts.claimed + counts.sending,
    unreachable: counts.unreachable,
  };
}

export class MailingService {
  constructor(private readonly deps: MailingServiceDeps) {}

  async templates(ctx: BrokerContext): Promise<TemplateView[]> {
    requireRight(ctx, 'mailings');
    const copies = new Map((await this.deps.templates.listByBroker(ctx.brokerId)).map((c) => [c.templateId, c]));
    return BUILT_IN_TEMPLATES.map((t) => {
      const copy = copies.get(t.id);
      return { ...t, filter: { ...t.filter }, subject: copy?.subject ?? t.subject, text: copy?.text ?? t.text, edited: Boolean(copy) };
    });
  }

  async template(ctx: BrokerContext, id: string): Promise<TemplateView> {
    requireRight(ctx, 'mailings');
    const base = builtInTemplate(id);
    const copy = await this.deps.templates.get(ctx.brokerId, id);
    return { ...base, filter: { ...base.filter }, subject: copy?.subject ?? base.subject, text: copy?.text ?? base.text, edited: Boolean(copy) };
  }

  /** Saves the broker's copy; mailing.subjectInvalid / mailing.textInvalid / mailing.unknownPlaceholder (400). */
  async saveTemplate(ctx: BrokerContext, id: string, subject: string, text: string, ip: string): Promise<void> {
    requireRight(ctx, 'mailings');
    builtInTemplate(id);
    const s = subject.replace(/[\r\n]+/g, ' ').trim();
    const t = text.replace(/\r\n?/g, '\n').trim();
    if (!s || s.length > MAX_SUBJECT) throw new AppError('mailing.subjectInvalid', 400, { max: MAX_SUBJECT });
    if (!t || t.length > MAX_TEXT) throw new AppError('mailing.textInvalid', 400, { max: MAX_TEXT });
    checkPlaceholders(s);
    checkPlaceholders(t);
    const now = this.deps.clock.now();
    await this.deps.templates.save({ brokerId: ctx.brokerId, templateId: id, subject: s, text: t, updatedAt: now, updatedBy: ctx.actor.id });
    await this.deps.audit.append({ at: now, type: 'mailing.templateSaved', accountId: ctx.brokerId, ip, details: { template: id, by: ctx.actor.id } });
  }

  async resetTemplate(ctx: BrokerContext, id: string, ip: string): Promise<void> {
    requireRight(ctx, 'mailings');
    builtInTemplate(id);
    if (await this.deps.templates.remove(ctx.brokerId, id)) {
      await this.deps.audit.append({ at: this.deps.clock.now(), type: 'mailing.templateReset', accountId: ctx.brokerId, ip, details: { template: id, by: ctx.actor.id } });
    }
  }

  /** Recipients of a filter: with email (reachable) and without (not reachable by email). */
  async recipients(ctx: BrokerContext, filter: MailingFilter): Promise<{ reachable: CustomerRow[]; unreachable: CustomerRow[] }> {
    requireRight(ctx, 'mailings');
    const all = await this.deps.customers.listAll(ctx, filter);
    return { reachable: all.filter((c) => c.email), unreachable: all.filter((c) => !c.email) };
  }

  private async brokerName(ctx: BrokerContext): Promise<string> {
    return (await this.deps.accounts.findById(ctx.brokerId))?.name ?? '';
  }

  /** The message one customer would get: subject, text and HTML (values escaped). */
  async preview(ctx: BrokerContext, templateId: string, customerId: string): Promise<{ subject: string; text: string; html: string; to: string | null }> {
    const template = await this.template(ctx, templateId);
    const customer = await this.deps.customers.get(ctx, customerId);
    const values = { ...this.brokerValues(await this.brokerName(ctx)), ...recipientValues(customer) };
    return { subject: fillText(template.subject, values), text: fillText(template.text, values), html: toHtml(template.text, values), to: customer.email };
  }

  private brokerValues(brokerName: string) {
    return { brokerName, guideLink: this.deps.guideUrl };
  }

  /** Creates the mailing job (sent in the background by the runner); returns its id and how many will get it. */
  async create(ctx: BrokerContext, templateId: string, filter: MailingFilter, ip: string): Promise<{ id: string; recipients: number; unreachable: number }> {
    const template = await this.template(ctx, templateId);
    const { reachable, unreachable } = await this.recipients(ctx, filter);
    if (reachable.length === 0) throw new AppError('mailing.noRecipients', 400);
    const now = this.deps.clock.now();
    const broker = this.brokerValues(await this.brokerName(ctx));
    const mailing: Mailing = {
      id: `ml_${this.deps.random.token(12)}`,
      brokerId: ctx.brokerId,
      templateId,
      subject: template.subject,
      text: template.text,
      filter,
      brokerName: broker.brokerName,
      guideLink: broker.guideLink,
      createdBy: ctx.actor.id,
      createdAt: now,
    };
    const list = [...reachable, ...unreachable].map((c) => ({ accountId: c.id, accessNumber: c.accessNumber, name: c.name, email: c.email }));
    await this.deps.mailings.create(mailing, list);
    await this.deps.audit.append({ at: now, type: 'mailing.created', accountId: ctx.brokerId, ip, details: { mailing: mailing.id, template: templateId, filter: { ...filter }, recipients: reachable.length, unreachable: unreachable.length, by: ctx.actor.id } });
    return { id: mailing.id, recipients: reachable.length, unreachable: unreachable.length };
  }

  /** A mailing of this broker; a foreign and an unknown one both throw mailing.notFound (404). */
  async get(ctx: BrokerContext, id: string): Promise<Mailing> {
    requireRight(ctx, 'mailings');
    const mailing = /^ml_[A-Za-z0-9_-]{1,40}$/.test(id) ? await this.deps.mailings.get(id) : null;
    if (!mailing || mailing.brokerId !== ctx.brokerId) throw new AppError('mailing.notFound', 404);
    return mailing;
  }

  async progress(ctx: BrokerContext, id: string): Promise<MailingProgress> {
    await this.get(ctx, id);
    return progressOf(await this.deps.mailings.counts(id));
  }

  async list(ctx: BrokerContext): Promise<(Mailing & { progress: MailingProgress })[]> {
    requireRight(ctx, 'mailings');
    const mailings = await this.deps.mailings.listByBroker(ctx.brokerId, 20);
    return Promise.all(mailings.map(async (m) => ({ ...m, progress: progressOf(await this.deps.mailings.counts(m.id)) })));
  }

  async recipientsOf(ctx: BrokerContext, id: string): Promise<MailingRecipient[]> {
    await this.get(ctx, id);
    return this.deps.mailings.recipients(id);
  }

  /** The broker explicitly sends again to recipients whose delivery is unknown (they may get it twice). */
  async retryUnknown(ctx: BrokerContext, id: string, ip: string): Promise<number> {
    await this.get(ctx, id);
    const n = await this.deps.mailings.retryUnknown(id);
    if (n) await this.deps.audit.append({ at: this.deps.clock.now(), type: 'mailing.retryUnknown', accountId: ctx.brokerId, ip, details: { mailing: id, count: n, by: ctx.actor.id } });
    return n;
  }
}

export function recipientValues(c: { name: string; accessNumber: string }) {
  return { salutation: salutationFor(c.name), name: c.name, accessNumber: c.accessNumber };
}
