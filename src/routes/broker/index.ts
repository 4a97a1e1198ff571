// The broker's JSON API for smartMSC's back end (BRK-1, BRK-2, RD-3, SMS-2, ENR-4): customers with filters and pages,
// intervals, method, devices, rollout mailings. Access tokens of this IdP with the scope `broker_api` (only clients
// configured for it may request it); callers are brokers, employees (only what their broker granted) and sub-brokers
// (only their own customers). Foreign and unknown customers both answer 404 account.notFound.
// Documented in docs/openapi/broker-api.yaml (test/docs/broker-openapi.test.ts checks routes against it).
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import type { ApiCaller } from '../api-auth.js';
import { brokerContext, requireRight, type BrokerContext } from '../../services/broker/broker-access.js';
import type { BrokerArea } from '../../services/broker/build-broker-area.js';
import type { IntervalService } from '../../services/interval-service.js';
import { AppError } from '../../shared/errors.js';
import type { CustomerRow } from '../../domain/customer-directory.js';
import { validBody } from '../ident/validate.js';
import { parseListQuery } from './customer-query.js';

export const BROKER_API_SCOPE = 'broker_api';

export interface BrokerApiDeps {
  intervals: IntervalService;
  area: BrokerArea;
}

/** Days as a JSON number; "x", 91, -1 or 1.5 are 400 (interval.invalid from the service or api.invalidBody here). */
const intervalBody = z.object({ days: z.number() });
const methodBody = z.object({ method: z.enum(['app', 'sms']) });
const yesNo = z.enum(['yes', 'no']).optional();
const mailingBody = z.object({
  templateId: z.string().min(1).max(40),
  filter: z.object({ mobile: yesNo, enrolled: yesNo, method: z.enum(['app', 'sms']).optional() }).strict().default({}),
});

async function broker(ctx: Context, deps: BrokerApiDeps): Promise<BrokerContext> {
  return brokerContext((ctx.state.caller as ApiCaller).account, deps.area.stores.rights);
}

const row = (c: CustomerRow) => ({
  accessNumber: c.accessNumber,
  name: c.name,
  mobile: c.mobile ? 'yes' : 'no',
  enrolled: c.enrolled ? 'yes' : 'no',
  method: c.method,
  interval: c.intervalDays,
});

/** `auth` is bearerAuth with the scope broker_api for brokers, employees and sub-brokers; `json` parses bodies. */
export function brokerRoutes(deps: BrokerApiDeps, auth: Middleware, json: Middleware[]): Router {
  const router = new Router({ prefix: '/api/broker' });
  const { area } = deps;
  router.use(auth);
  const accessNumberOf = (ctx: Context) => String((ctx as Context & { params: Record<string, string> }).params.accessNumber ?? '');

  router.get('/customers', async (ctx) => {
    const b = await broker(ctx, deps);
    const q = parseListQuery(ctx, { size: 100 });
    const page = await area.customers.list(b, q);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { customers: page.rows.map(row), total: page.matched, page: page.page, pageSize: page.pageSize, counts: page.counts };
  });

  router.get('/customers/:accessNumber', async (ctx) => {
    const b = await broker(ctx, deps);
    const c = await area.customers.byAccessNumber(b, accessNumberOf(ctx));
    const change = await area.mobileChange.stateFor(c.id);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { ...row(c), email: c.email, mobileChange: change ? { state: change.state, mobile: change.mobileMasked, requestedAt: new Date(change.requestedAt).toISOString(), expiresAt: new Date(change.expiresAt).toISOString() } : null };
  });

  router.put('/interval', ...json, async (ctx) => {
    const { days } = validBody(ctx, intervalBody);
    const account = await deps.intervals.setOwnInterval((ctx.state.caller as ApiCaller).account.id, days, { ip: ctx.ip });
    ctx.body = { accessNumber: account.accessNumber, interval: account.twoFactorIntervalDays };
  });

  router.put('/customers/interval', ...json, async (ctx) => {
    const { days } = validBody(ctx, intervalBody);
    const changed = await area.customers.setIntervalForAll(await broker(ctx, deps), days, ctx.ip);
    ctx.body = { changed, interval: days };
  });

  router.put('/customers/:accessNumber/interval', ...json, async (ctx) => {
    const { days } = validBody(ctx, intervalBody);
    const b = await broker(ctx, deps);
    requireRight(b, 'settings');
    const c = await area.customers.byAccessNumber(b, accessNumberOf(ctx));
    await area.customers.setInterval(b, c.id, days, ctx.ip);
    ctx.body = { accessNumber: c.accessNumber, interval: days };
  });

  router.put('/customers/:accessNumber/method', ...json, async (ctx) => {
    const { method } = validBody(ctx, methodBody);
    const b = await broker(ctx, deps);
    requireRight(b, 'settings');
    const c = await area.customers.byAccessNumber(b, accessNumberOf(ctx));
    await area.customers.setMethod(b, c.id, method, ctx.ip);
    ctx.body = { accessNumber: c.accessNumber, method };
  });

  router.delete('/customers/:accessNumber/devices/:deviceId', async (ctx) => {
    const b = await broker(ctx, deps);
    requireRight(b, 'devices');
    const c = await area.customers.byAccessNumber(b, accessNumberOf(ctx));
    await area.customers.removeDevice(b, c.id, String(ctx.params.deviceId ?? '').slice(0, 100), ctx.ip);
    ctx.status = 204;
  });

  router.get('/mailing-templates', async (ctx) => {
    const templates = await area.mailings.templates(await broker(ctx, deps));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { templates: templates.map((t) => ({ id: t.id, name: t.name, subject: t.subject, text: t.text, edited: t.edited, filter: t.filter })) };
  });

  router.post('/mailings', ...json, async (ctx) => {
    const body = validBody(ctx, mailingBody);
    const filter = Object.fromEntries(Object.entries(body.filter).filter(([, v]) => v !== undefined));
    const created = await area.mailings.create(await broker(ctx, deps), body.templateId, filter, ctx.ip);
    ctx.status = 201;
    ctx.set('Location', `/api/broker/mailings/${created.id}`);
    ctx.body = { id: created.id, recipients: created.recipients, unreachable: created.unreachable };
  });

  router.get('/mailings/:id', async (ctx) => {
    const id = String(ctx.params.id ?? '');
    if (!/^ml_[A-Za-z0-9_-]{1,40}$/.test(id)) throw new AppError('mailing.notFound', 404);
    const p = await area.mailings.progress(await broker(ctx, deps), id);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: p.status, total: p.total, sent: p.sent, failed: p.failed, unknown: p.unknown, pending: p.pending, unreachable: p.unreachable };
  });

  return router;
}
