// /broker/interval ("2FA-Intervall ändern": own interval, own mobile number, one interval for all customers with a
// confirmation naming the count), /broker/staff (Mitarbeiter-Rechte) and /broker/costs (SMS-Kosten, CSV).
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { translate } from '../../i18n/messages.js';
import { requireRight } from '../../services/broker/broker-access.js';
import { validDays } from '../../services/interval-service.js';
import { eurosDe, statementFileName, toCsv } from '../../services/sms-statement.js';
import { AppError } from '../../shared/errors.js';
import { BROKER_RIGHTS } from '../../domain/staff-rights.js';
import type { PageContext } from '../render.js';
import type { BrokerPageDeps } from './broker-pages.js';
import { type PageKit } from './broker-page-kit.js';
import { formatDate, intervalOptions } from './customer-pages.js';

/** The calendar quarter of `ms` in German time, e.g. 2026-Q4, and the three before it. */
function recentQuarters(ms: number): string[] {
  const [y, m] = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', timeZone: 'Europe/Berlin' }).format(ms).split('-').map(Number);
  let year = y!;
  let q = Math.floor((m! - 1) / 3) + 1;
  const out: string[] = [];
  for (let i = 0; i < 4; i++) {
    out.push(`${year}-Q${q}`);
    q -= 1;
    if (q === 0) {
      q = 4;
      year -= 1;
    }
  }
  return out;
}

const parseDays = (raw: string) => validDays(/^\d{1,2}$/.test(raw) ? Number(raw) : Number.NaN);

export function settingsPages(router: Router, deps: BrokerPageDeps, kit: PageKit, forms: Middleware[]): void {
  const { area } = deps;
  const lang = (ctx: Context) => (ctx.state.page as PageContext).lang;

  router.get('/interval', ...forms, kit.page(async (ctx, b) => {
    const change = await area.mobileChange.stateFor(b.actor.id);
    await kit.show(ctx, b, 'broker/interval', translate(lang(ctx), 'brokerPage.interval.title'), {
      own: { interval: b.actor.twoFactorIntervalDays, mobile: b.actor.mobile },
      change: change ? { ...change, expiresAt: formatDate(change.expiresAt, lang(ctx)) } : null,
      intervalOptions: intervalOptions(lang(ctx)),
    });
  }));

  router.post('/interval/own', ...forms, kit.action(() => '/broker/interval', async (ctx, b) => {
    await deps.intervals.setOwnInterval(b.actor.id, parseDays(kit.field(ctx, 'days', 5)), { ip: ctx.ip });
    return '/broker/interval?done=intervalOwn';
  }));

  router.post('/mobile/own', ...forms, kit.action(() => '/broker/interval', async (ctx, b) => {
    const sent = await area.mobileChange.requestMobileChange(b.actor, b.actor.id, kit.field(ctx, 'mobile', 40), ctx.ip);
    return `/broker/interval?done=${sent.delivery === 'sent' ? 'mobile' : 'mobileUnknown'}`;
  }));

  // Step 1 of "all customers": a confirmation page that says how many accounts change (nothing is changed yet).
  router.post('/interval/all/confirm', ...forms, kit.action(() => '/broker/interval', async (ctx) => {
    const days = parseDays(kit.field(ctx, 'days', 5));
    return `/broker/interval/all?days=${days}`;
  }));

  router.get('/interval/all', ...forms, kit.page(async (ctx, b) => {
    requireRight(b, 'settings');
    const days = parseDays(typeof ctx.query.days === 'string' ? ctx.query.days : '');
    const count = await area.customers.countIntervalChanges(b, days);
    const label = intervalOptions(lang(ctx))[days]!.label;
    await kit.show(ctx, b, 'broker/interval-all', translate(lang(ctx), 'brokerPage.interval.allConfirmTitle'), { days, label, count });
  }));

  router.post('/interval/all', ...forms, kit.action(() => '/broker/interval', async (ctx, b) => {
    const n = await area.customers.setIntervalForAll(b, parseDays(kit.field(ctx, 'days', 5)), ctx.ip);
    return `/broker/interval?done=intervalAll&n=${n}`;
  }));

  router.get('/staff', ...forms, kit.page(async (ctx, b) => {
    const staff = await area.staff.list(b);
    await kit.show(ctx, b, 'broker/staff', translate(lang(ctx), 'brokerPage.staff.title'), {
      staff: staff.map((s) => ({ id: s.employee.id, name: s.employee.name, accessNumber: s.employee.accessNumber, rights: s.rights })),
      allRights: BROKER_RIGHTS,
    });
  }));

  router.post('/staff/:employeeId', ...forms, kit.action(() => '/broker/staff', async (ctx, b) => {
    await area.staff.set(b, String(ctx.params.employeeId ?? '').slice(0, 100), kit.fields(ctx, 'rights'), ctx.ip);
    return '/broker/staff?done=rights';
  }));

  const statementOf = async (ctx: Context) => {
    const quarters = recentQuarters(deps.clock.now());
    const quarter = typeof ctx.query.quarter === 'string' && ctx.query.quarter ? ctx.query.quarter : quarters[0]!;
    return { quarters, quarter };
  };

  router.get('/costs', ...forms, kit.page(async (ctx, b) => {
    requireRight(b, 'costs');
    const { quarters, quarter } = await statementOf(ctx);
    const s = await deps.statements.statementFor(b.brokerId, quarter);
    await kit.show(ctx, b, 'broker/costs', translate(lang(ctx), 'brokerPage.costs.title'), {
      quarters,
      quarter: s.quarter,
      statement: { count: s.count, net: eurosDe(s.netCents), vat: eurosDe(s.vatCents), gross: eurosDe(s.grossCents), vatPercent: s.vatPercent },
      lines: s.lines.map((l) => ({ at: formatDate(Date.parse(l.at), lang(ctx)), accessNumber: l.accessNumber ?? '–', purpose: l.purpose, net: eurosDe(l.netCents) })),
    });
  }));

  router.get('/costs.csv', kit.page(async (ctx, b) => {
    requireRight(b, 'costs');
    const { quarter } = await statementOf(ctx);
    const s = await deps.statements.statementFor(b.brokerId, quarter);
    if (!s) throw new AppError('statement.badQuarter', 400);
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('Content-Disposition', `attachment; filename="${statementFileName(s, 'csv')}"`);
    ctx.body = toCsv(s);
  }));
}
