// /broker/mailings (BRK-2): templates (edit, reset), recipients from the customer filters with the ones not reachable by
// email (CSV), a preview per customer, sending as a job with live progress, results as CSV.
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { translate } from '../../i18n/messages.js';
import { requireRight } from '../../services/broker/broker-access.js';
import { toCsvRows } from '../../services/broker/csv.js';
import { PLACEHOLDERS } from '../../services/broker/mailing-templates.js';
import type { MailingFilter } from '../../domain/mailing.js';
import type { PageContext } from '../render.js';
import type { BrokerPageDeps } from './broker-pages.js';
import { idParam, type PageKit } from './broker-page-kit.js';
import { formatDate } from './customer-pages.js';
import { parseListQuery } from './customer-query.js';

const templateParam = (v: unknown) => (typeof v === 'string' && /^[a-z-]{1,40}$/.test(v) ? v : '');

/** The body of the generated HTML part (the preview shows it inside the page; all values are escaped already). */
const htmlBody = (html: string) => /<body[^>]*>([\s\S]*)<\/body>/.exec(html)?.[1] ?? '';

export function mailingPages(router: Router, deps: BrokerPageDeps, kit: PageKit, forms: Middleware[]): void {
  const { area } = deps;
  const lang = (ctx: Context) => (ctx.state.page as PageContext).lang;

  router.get('/mailings', ...forms, kit.page(async (ctx, b) => {
    const templates = await area.mailings.templates(b);
    const mailings = await area.mailings.list(b);
    await kit.show(ctx, b, 'broker/mailings', translate(lang(ctx), 'brokerPage.mailings.title'), {
      templates: templates.map((t) => ({ id: t.id, name: t.name, edited: t.edited, filter: t.filter })),
      mailings: mailings.map((m) => ({ id: m.id, name: templates.find((t) => t.id === m.templateId)?.name ?? m.templateId, createdAt: formatDate(m.createdAt, lang(ctx)), progress: m.progress })),
    });
  }));

  const templateBack = (ctx: Context) => `/broker/mailings/templates/${templateParam(ctx.params.tid)}`;

  router.get('/mailings/templates/:tid', ...forms, kit.page(async (ctx, b) => {
    const t = await area.mailings.template(b, templateParam(ctx.params.tid));
    await kit.show(ctx, b, 'broker/template', t.name, { template: t, placeholders: PLACEHOLDERS });
  }));

  router.post('/mailings/templates/:tid', ...forms, kit.action(templateBack, async (ctx, b) => {
    await area.mailings.saveTemplate(b, templateParam(ctx.params.tid), kit.field(ctx, 'subject', 1000), kit.field(ctx, 'text', 40_000), ctx.ip);
    return `${templateBack(ctx)}?done=template`;
  }));

  router.post('/mailings/templates/:tid/reset', ...forms, kit.action(templateBack, async (ctx, b) => {
    await area.mailings.resetTemplate(b, templateParam(ctx.params.tid), ctx.ip);
    return `${templateBack(ctx)}?done=templateReset`;
  }));

  const selection = (ctx: Context) => {
    const params = parseListQuery(ctx);
    const filter: MailingFilter = { ...params.filter };
    return { filter, raw: params.raw };
  };

  router.get('/mailings/new', ...forms, kit.page(async (ctx, b) => {
    const template = await area.mailings.template(b, templateParam(ctx.query.template));
    const { filter, raw } = selection(ctx);
    const { reachable, unreachable } = await area.mailings.recipients(b, filter);
    const previewId = typeof ctx.query.preview === 'string' && reachable.some((r) => r.id === ctx.query.preview) ? ctx.query.preview : reachable[0]?.id;
    const preview = previewId ? await area.mailings.preview(b, template.id, previewId) : null;
    const query = new URLSearchParams({ template: template.id, ...Object.fromEntries(Object.entries({ q: raw.q, mobile: raw.mobile, enrolled: raw.enrolled, method: raw.method }).filter(([, v]) => v)) });
    await kit.show(ctx, b, 'broker/mailing-new', translate(lang(ctx), 'brokerPage.mailingNew.title'), {
      template,
      raw,
      reachableCount: reachable.length,
      previewChoices: reachable.slice(0, 100).map((r) => ({ id: r.id, label: `${r.name} (${r.accessNumber})` })),
      previewId,
      preview: preview ? { subject: preview.subject, to: preview.to, text: preview.text, htmlBody: htmlBody(preview.html) } : null,
      unreachable: unreachable.map((r) => ({ name: r.name, accessNumber: r.accessNumber, mobile: r.mobile })),
      csvUrl: `/broker/mailings/recipients.csv?${query.toString()}`,
    });
  }));

  router.get('/mailings/recipients.csv', kit.page(async (ctx, b) => {
    requireRight(b, 'mailings');
    const { filter } = selection(ctx);
    const { reachable, unreachable } = await area.mailings.recipients(b, filter);
    const yes = translate(lang(ctx), 'brokerPage.yes');
    const no = translate(lang(ctx), 'brokerPage.no');
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('Content-Disposition', 'attachment; filename="rundmail-empfaenger.csv"');
    ctx.body = toCsvRows(
      ['Zugangsnummer', 'Name', 'E-Mail', 'Mobilnummer', 'per E-Mail erreichbar'],
      [...reachable, ...unreachable].map((r) => [r.accessNumber, r.name, r.email, r.mobile, r.email ? yes : no]),
    );
  }));

  router.post('/mailings', ...forms, kit.action(() => '/broker/mailings', async (ctx, b) => {
    const filter: MailingFilter = {};
    const mobile = kit.field(ctx, 'mobile', 5);
    const enrolled = kit.field(ctx, 'enrolled', 5);
    const method = kit.field(ctx, 'method', 5);
    const search = kit.field(ctx, 'q', 100).trim();
    if (mobile === 'yes' || mobile === 'no') filter.mobile = mobile;
    if (enrolled === 'yes' || enrolled === 'no') filter.enrolled = enrolled;
    if (method === 'app' || method === 'sms') filter.method = method;
    if (search) filter.search = search;
    const created = await area.mailings.create(b, templateParam(kit.field(ctx, 'template', 40)), filter, ctx.ip);
    return `/broker/mailings/${created.id}`;
  }));

  router.get('/mailings/:id', ...forms, kit.page(async (ctx, b) => {
    const mailing = await area.mailings.get(b, idParam(ctx, 'id'));
    const progress = await area.mailings.progress(b, mailing.id);
    const recipients = await area.mailings.recipientsOf(b, mailing.id);
    const template = (await area.mailings.templates(b)).find((t) => t.id === mailing.templateId);
    await kit.show(ctx, b, 'broker/mailing', translate(lang(ctx), 'brokerPage.mailing.title'), {
      mailing: { id: mailing.id, subject: mailing.subject, name: template?.name ?? mailing.templateId, createdAt: formatDate(mailing.createdAt, lang(ctx)) },
      progress,
      recipients: recipients.map((r) => ({ ...r, at: r.at ? formatDate(r.at, lang(ctx)) : '' })),
      scripts: ['/public/js/broker-mailing.js'],
    });
  }));

  router.get('/mailings/:id/progress', kit.page(async (ctx, b) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await area.mailings.progress(b, idParam(ctx, 'id'));
  }));

  router.get('/mailings/:id/export.csv', kit.page(async (ctx, b) => {
    const mailing = await area.mailings.get(b, idParam(ctx, 'id'));
    const recipients = await area.mailings.recipientsOf(b, mailing.id);
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('Content-Disposition', `attachment; filename="rundmail-${mailing.id}.csv"`);
    ctx.body = toCsvRows(
      ['Zugangsnummer', 'Name', 'E-Mail', 'Status', 'Zeitpunkt (UTC)', 'Message-ID', 'Fehler'],
      recipients.map((r) => [r.accessNumber, r.name, r.email, translate('de', `brokerPage.state.${r.state}`), r.at ? new Date(r.at).toISOString() : '', r.messageId, r.error]),
    );
  }));

  router.post('/mailings/:id/retry-unknown', ...forms, kit.action((ctx) => `/broker/mailings/${idParam(ctx, 'id')}`, async (ctx, b) => {
    const n = await area.mailings.retryUnknown(b, idParam(ctx, 'id'), ctx.ip);
    return `/broker/mailings/${idParam(ctx, 'id')}?done=retry&n=${n}`;
  }));
}
