// JSON API to change a mobile number (ACC-3): a broker (or its employee) for one of its customers, or anyone but a
// customer for their own account (own access number). The code goes to the new number; /confirm stores it.
import Router from '@koa/router';
import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { z } from 'zod';
import type { MobileChangeService } from '../../services/mobile-change.js';
import { ROLES, type AccountStore } from '../../domain/account.js';
import { bearerAuth, type ApiCaller } from '../api-auth.js';
import { validBody } from '../ident/validate.js';
import { AppError } from '../../shared/errors.js';

export interface MobileRouteDeps {
  provider: Provider;
  accounts: AccountStore;
  mobileChange: MobileChangeService;
  /** Whether an employee may change customers' numbers (the right its broker granted); others are decided by the service. */
  employeeMayChangeMobile?: (employee: ApiCaller['account']) => Promise<boolean>;
}

const requestSchema = z.object({ mobile: z.string().trim().min(3).max(40) });
const confirmSchema = z.object({ code: z.string().regex(/^\d{4,10}$/) });

export function mobileRoutes(deps: MobileRouteDeps, json: Middleware[]): Router {
  const router = new Router({ prefix: '/api/broker/customers/:accessNumber/mobile' });
  // Customers pass authentication so that the service can refuse them with its own clear reason (mobile.brokerOnly).
  const auth = bearerAuth({ provider: deps.provider, accounts: deps.accounts, roles: [...ROLES], scope: 'broker_api' });
  const targetId = async (accessNumber: string) => (await deps.accounts.findByAccessNumber(accessNumber))?.id ?? `unknown:${accessNumber}`;

  router.post('/', ...json, auth, async (ctx) => {
    const caller = ctx.state.caller as ApiCaller;
    if (caller.account.role === 'employee' && deps.employeeMayChangeMobile && !(await deps.employeeMayChangeMobile(caller.account))) throw new AppError('broker.forbidden', 403);
    const body = validBody(ctx, requestSchema);
    const sent = await deps.mobileChange.requestMobileChange(caller.account, await targetId(ctx.params.accessNumber!), body.mobile, ctx.ip);
    ctx.status = 202;
    // delivery 'unknown': the SMS provider did not answer; the code may still arrive (and then works).
    ctx.body = { mobile: sent.mobileMasked, expiresAt: new Date(sent.expiresAt).toISOString(), delivery: sent.delivery };
  });

  router.post('/confirm', ...json, auth, async (ctx) => {
    const caller = ctx.state.caller as ApiCaller;
    const body = validBody(ctx, confirmSchema);
    const account = await deps.mobileChange.confirmMobileChange(await targetId(ctx.params.accessNumber!), body.code, { actor: caller.account, ip: ctx.ip });
    ctx.body = { accessNumber: account.accessNumber, mobile: account.mobile };
  });

  return router;
}
