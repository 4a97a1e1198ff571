// GET /api/broker/statement?quarter=2026-Q4&format=csv|json — the broker's quarterly SMS statement (SMS-4, BRK-1),
// for a broker or one of its employees with an access token of this IdP.
import Router from '@koa/router';
import type Provider from 'oidc-provider';
import { AppError } from '../../shared/errors.js';
import type { AccountStore } from '../../domain/account.js';
import { type SmsStatementService, statementFileName, toCsv, toJson } from '../../services/sms-statement.js';
import { type ApiCaller, bearerAuth } from '../api-auth.js';
import { MANAGING_ROLES, managingBrokerId } from '../../services/broker/broker-hierarchy.js';

export interface StatementRouteDeps {
  provider: Provider;
  accounts: AccountStore;
  /** The statements (built once in the composition root). */
  statements: SmsStatementService;
  /** Whether the caller may see the SMS costs (an employee only with the right its broker granted). */
  maySeeCosts?: (caller: ApiCaller['account']) => Promise<boolean>;
}

const single = (value: unknown): string | undefined => (Array.isArray(value) ? value[0] : typeof value === 'string' ? value : undefined);

export function statementRoutes(deps: StatementRouteDeps): Router {
  const router = new Router({ prefix: '/api/broker' });
  const { statements } = deps;

  router.get('/statement', bearerAuth({ provider: deps.provider, accounts: deps.accounts, roles: [...MANAGING_ROLES], scope: 'broker_api' }), async (ctx) => {
    const caller = ctx.state.caller as ApiCaller;
    const brokerId = managingBrokerId(caller.account);
    if (!brokerId) throw new AppError('api.forbidden', 403);
    if (deps.maySeeCosts && !(await deps.maySeeCosts(caller.account))) throw new AppError('broker.forbidden', 403);
    const format = single(ctx.query.format) ?? 'json';
    if (format !== 'csv' && format !== 'json') throw new AppError('statement.badFormat', 400);
    const statement = await statements.statementFor(brokerId, single(ctx.query.quarter) ?? '');
    ctx.set('Cache-Control', 'no-store');
    if (format === 'csv') {
      ctx.type = 'text/csv; charset=utf-8';
      ctx.set('Content-Disposition', `attachment; filename="${statementFileName(statement, 'csv')}"`);
      ctx.body = toCsv(statement);
    } else {
      ctx.type = 'application/json; charset=utf-8';
      ctx.body = toJson(statement);
    }
  });

  return router;
}
