// Bearer authentication for the JSON APIs of our relying parties' back ends: an access token this IdP issued.
import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { AppError } from '../shared/errors.js';
import type { Account, AccountStore, Role } from '../domain/account.js';

export interface ApiCaller {
  account: Account;
  clientId: string;
}

/**
 * Accepts `Authorization: Bearer <access token>` issued by this provider (not expired, not revoked)
 * to one of `clientIds`, with `scope` (if given), for an account whose role is in `roles`; sets `ctx.state.caller`.
 */
export function bearerAuth(opts: { provider: Provider; accounts: AccountStore; roles: Role[]; clientIds?: string[]; scope?: string }): Middleware {
  return async function bearerAuth(ctx, next) {
    const match = /^Bearer ([A-Za-z0-9_~.+/=-]{20,2048})$/.exec(ctx.get('authorization'));
    if (!match) throw new AppError('api.unauthorized', 401);
    const token = await opts.provider.AccessToken.find(match[1]!);
    if (!token || token.isExpired || !token.accountId) throw new AppError('api.unauthorized', 401);
    // A DPoP-bound token (RFC 9449) is worthless without its proof; these APIs take Bearer tokens only.
    if (token.jkt) throw new AppError('api.unauthorized', 401);
    if (opts.clientIds && !opts.clientIds.includes(String(token.clientId))) throw new AppError('api.forbidden', 403);
    // A scope only clients configured for it may request (e.g. broker_api): the token must carry it.
    if (opts.scope && !String(token.scope ?? '').split(' ').includes(opts.scope)) throw new AppError('api.insufficientScope', 403, { scope: opts.scope });
    const account = await opts.accounts.findById(token.accountId);
    if (!account || !opts.roles.includes(account.role)) throw new AppError('api.forbidden', 403);
    ctx.state.caller = { account, clientId: String(token.clientId) } satisfies ApiCaller;
    await next();
  };
}
