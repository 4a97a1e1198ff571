// The broker's JSON API (RD-3, BRK-1 subset): list own customers, set intervals, remove a customer's device.
// Callers: brokers and their employees (bearer access token of this IdP); every employee has the broker's rights
// here, as there is no finer rights model yet. Foreign and unknown customers both answer 404 account.notFound.
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import type { ApiCaller } from '../api-auth.js';
import type { DeviceService } from '../../services/device-service.js';
import { validDays, type IntervalService } from '../../services/interval-service.js';
import { AppError } from '../../shared/errors.js';
import type { DeviceStore } from '../../stores/device-store.js';
import { validBody } from '../ident/validate.js';

export interface BrokerApiDeps {
  intervals: IntervalService;
  devices: DeviceStore;
  deviceService: DeviceService;
}

const yesNo = z.enum(['yes', 'no']);
const listQuery = z.object({
  mobile: yesNo.optional(),
  enrolled: yesNo.optional(),
  method: z.enum(['sms', 'app']).optional(),
});
/** Days as a JSON number; "x", 91, -1 or 1.5 are 400 (interval.invalid from the service or api.invalidBody here). */
const intervalBody = z.object({ days: z.number() });
const accessNumber = /^[A-Za-z0-9_-]{1,64}$/;

function caller(ctx: Context): ApiCaller {
  return ctx.state.caller as ApiCaller;
}

function validQuery(ctx: Context) {
  const parsed = listQuery.safeParse(ctx.query);
  if (!parsed.success) throw new AppError('api.invalidQuery', 400, { field: parsed.error.issues[0]?.path.join('.') || '(query)' });
  return parsed.data;
}

function accessNumberParam(ctx: Context & { params: Record<string, string> }): string {
  const value = ctx.params.accessNumber ?? '';
  if (!accessNumber.test(value)) throw new AppError('account.notFound', 404);
  return value;
}

/** `auth` is bearerAuth for the roles broker and employee; `json` parses bodies. */
export function brokerRoutes(deps: BrokerApiDeps, auth: Middleware, json: Middleware[]): Router {
  const router = new Router({ prefix: '/api/broker' });
  router.use(auth);

  router.get('/customers', async (ctx) => {
    const filters = validQuery(ctx);
    const customers = await deps.intervals.customersOf(caller(ctx).account);
    const rows = [];
    for (const c of customers) {
      const enrolled = (await deps.devices.listByAccount(c.id)).length > 0;
      const row = {
        accessNumber: c.accessNumber,
        name: c.name,
        mobile: c.mobile ? 'yes' : 'no',
        enrolled: enrolled ? 'yes' : 'no',
        method: c.twoFactorMethod,
        interval: c.twoFactorIntervalDays,
      } as const;
      if (filters.mobile && row.mobile !== filters.mobile) continue;
      if (filters.enrolled && row.enrolled !== filters.enrolled) continue;
      if (filters.method && row.method !== filters.method) continue;
      rows.push(row);
    }
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { customers: rows };
  });

  router.put('/interval', ...json, async (ctx) => {
    const { days } = validBody(ctx, intervalBody);
    const account = await deps.intervals.setOwnInterval(caller(ctx).account.id, days, { ip: ctx.ip });
    ctx.body = { accessNumber: account.accessNumber, interval: account.twoFactorIntervalDays };
  });

  router.put('/customers/interval', ...json, async (ctx) => {
    const { days } = validBody(ctx, intervalBody);
    const changed = await deps.intervals.setAllCustomersInterval(caller(ctx).account, days, { ip: ctx.ip });
    ctx.body = { changed, interval: days };
  });

  router.put('/customers/:accessNumber/interval', ...json, async (ctx) => {
    const days = validDays(validBody(ctx, intervalBody).days);
    const me = caller(ctx).account;
    const customer = await deps.intervals.customerByAccessNumber(me, accessNumberParam(ctx));
    const updated = await deps.intervals.setCustomerInterval(me, customer.id, days, { ip: ctx.ip });
    ctx.body = { accessNumber: updated.accessNumber, interval: updated.twoFactorIntervalDays };
  });

  router.delete('/customers/:accessNumber/devices/:deviceId', async (ctx) => {
    const me = caller(ctx).account;
    const customer = await deps.intervals.customerByAccessNumber(me, accessNumberParam(ctx));
    await deps.deviceService.remove(customer.id, String(ctx.params.deviceId ?? ''), { accountId: me.id, ip: ctx.ip });
    ctx.status = 204;
  });

  return router;
}
