// /broker/customers: the customer table (search, filters with counts, sorting, pages) and one customer (mobile
// number change, method, interval, devices with confirmation, remembered browsers).
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { hasMessage, translate } from '../../i18n/messages.js';
import { requireRight, type BrokerContext } from '../../services/broker/broker-access.js';
import { MAX_INTERVAL_DAYS } from '../../services/interval-service.js';
import { AppError } from '../../shared/errors.js';
import type { PageContext } from '../render.js';
import type { BrokerPageDeps } from './broker-pages.js';
import { idParam, type PageKit } from './broker-page-kit.js';
import { listUrl, parseListQuery } from './customer-query.js';

export function formatDate(ms: number, lang: string): string {
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'de-DE', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Berlin' }).format(ms);
}

export function intervalOptions(lang: PageContext['lang']) {
  return Array.from({ length: MAX_INTERVAL_DAYS + 1 }, (_, days) => ({
    value: days,
    label: days === 0 ? translate(lang, 'account.interval.always') : translate(lang, days === 1 ? 'account.interval.day' : 'account.interval.days', { days }),
  }));
}

const SECTIONS = [
  { right: 'customers', href: '/broker/customers', key: 'brokerPage.nav.customers' },
  { right: 'settings', href: '/broker/interval', key: 'brokerPage.nav.interval' },
  { right: 'mailings', href: '/broker/mailings', key: 'brokerPage.nav.mailings' },
  { right: 'costs', href: '/broker/costs', key: 'brokerPage.nav.costs' },
] as const;

export function customerPages(router: Router, deps: BrokerPageDeps, kit: PageKit, forms: Middleware[]): void {
  const { area } = deps;
  const lang = (ctx: Context) => (ctx.state.page as PageContext).lang;
  const back = (ctx: Context) => `/broker/customers/${encodeURIComponent(String(ctx.params.id ?? ''))}`;

  router.get('/', ...forms, kit.page(async (ctx, b) => {
    const sections: { href: string; label: string }[] = SECTIONS.filter((s) => b.rights.has(s.right)).map((s) => ({ href: s.href, label: translate(lang(ctx), s.key) }));
    if (b.mayManageStaff) sections.push({ href: '/broker/staff', label: translate(lang(ctx), 'brokerPage.nav.staff') });
    await kit.show(ctx, b, 'broker/home', translate(lang(ctx), 'brokerPage.home.title'), { sections });
  }));

  router.get('/customers', ...forms, kit.page(async (ctx, b) => {
    const params = parseListQuery(ctx, { size: 25 });
    const result = await area.customers.list(b, params);
    const pages = Math.max(1, Math.ceil(result.matched / params.pageSize));
    const link = (change: Record<string, string | number>) => listUrl('/broker/customers', params.raw, change);
    await kit.show(ctx, b, 'broker/customers', translate(lang(ctx), 'brokerPage.customers.title'), {
      result,
      raw: params.raw,
      page: params.page,
      pages,
      link,
      sortLink: (field: string) => link({ sort: field, dir: params.raw.sort === field && params.raw.dir === 'asc' ? 'desc' : 'asc', page: 1 }),
    });
  }));

  router.get('/customers/:id', ...forms, kit.page(async (ctx, b) => {
    const customer = await area.customers.get(b, idParam(ctx, 'id'));
    const devices = b.rights.has('devices') ? await area.customers.devices(b, customer.id) : null;
    const remembered = b.rights.has('settings') ? await area.customers.rememberedCount(b, customer.id) : null;
    const change = await area.mobileChange.stateFor(customer.id);
    // An audit type without a text of its own is shown as it is stored.
    const auditText = (type: string) => {
      const key = `brokerPage.audit.${type}`;
      return hasMessage(key) ? translate(lang(ctx), key) : type;
    };
    const history = (await area.customers.history(b, customer.id)).map((h) => ({
      what: auditText(h.type),
      at: formatDate(h.at, lang(ctx)),
      by: h.by ?? '–',
      ip: h.ip ?? '–',
    }));
    await kit.show(ctx, b, 'broker/customer', customer.name, {
      history,
      customer,
      change: change ? { ...change, requestedAt: formatDate(change.requestedAt, lang(ctx)), expiresAt: formatDate(change.expiresAt, lang(ctx)) } : null,
      devices: devices?.map((d) => ({ id: d.id, name: d.name, platform: d.platform, osVersion: d.osVersion, createdAt: formatDate(d.createdAt, lang(ctx)) })) ?? null,
      remembered,
      intervalOptions: intervalOptions(lang(ctx)),
    });
  }));

  router.post('/customers/:id/mobile', ...forms, kit.action(back, async (ctx, b) => {
    requireRight(b, 'mobile');
    const customer = await area.customers.get(b, idParam(ctx, 'id'));
    const sent = await area.mobileChange.requestMobileChange(b.actor, customer.id, kit.field(ctx, 'mobile', 40), ctx.ip);
    return `${back(ctx)}?done=${sent.delivery === 'sent' ? 'mobile' : 'mobileUnknown'}`;
  }));

  router.post('/customers/:id/method', ...forms, kit.action(back, async (ctx, b) => {
    await area.customers.setMethod(b, idParam(ctx, 'id'), kit.field(ctx, 'method', 10), ctx.ip);
    return `${back(ctx)}?done=method`;
  }));

  router.post('/customers/:id/interval', ...forms, kit.action(back, async (ctx, b) => {
    const raw = kit.field(ctx, 'days', 5);
    await area.customers.setInterval(b, idParam(ctx, 'id'), /^\d{1,2}$/.test(raw) ? Number(raw) : Number.NaN, ctx.ip);
    return `${back(ctx)}?done=interval`;
  }));

  router.post('/customers/:id/browsers/end', ...forms, kit.action(back, async (ctx, b) => {
    const n = await area.customers.endRememberedBrowsers(b, idParam(ctx, 'id'), ctx.ip);
    return `${back(ctx)}?done=browsers&n=${n}`;
  }));

  const deviceOf = async (ctx: Context, b: BrokerContext) => {
    const list = await area.customers.devices(b, idParam(ctx, 'id'));
    const device = list.find((d) => d.id === idParam(ctx, 'deviceId'));
    if (!device) throw new AppError('device.notFound', 404);
    return device;
  };

  router.get('/customers/:id/devices/:deviceId/remove', ...forms, kit.page(async (ctx, b) => {
    const customer = await area.customers.get(b, idParam(ctx, 'id'));
    const device = await deviceOf(ctx, b);
    await kit.show(ctx, b, 'broker/device-remove', translate(lang(ctx), 'brokerPage.device.confirmTitle'), {
      customer,
      device: { id: device.id, name: device.name, platform: device.platform, createdAt: formatDate(device.createdAt, lang(ctx)) },
    });
  }));

  router.post('/customers/:id/devices/:deviceId/remove', ...forms, kit.action(back, async (ctx, b) => {
    await area.customers.removeDevice(b, idParam(ctx, 'id'), idParam(ctx, 'deviceId'), ctx.ip);
    return `${back(ctx)}?done=device`;
  }));
}
