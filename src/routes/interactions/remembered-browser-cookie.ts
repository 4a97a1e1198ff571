// The remembered-browser cookie: one per account (name derived from the account id), httpOnly, SameSite=Lax.
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { rememberedBrowserId, type RememberedBrowserService } from '../../services/remembered-browsers.js';
import type { Account } from '../../domain/account.js';

const DAY = 24 * 3600 * 1000;
const cookieName = (accountId: string) => `fi_rb_${createHash('sha256').update(accountId).digest('base64url').slice(0, 12)}`;

export interface RememberedBrowserCookies {
  isRemembered(ctx: Context, account: Account): Promise<boolean>;
  /** This browser's remembered-browser token for the account (its signed cookie), if any. */
  token(ctx: Context, accountId: string): string | undefined;
  /** Sets the cookie for a token just issued (it lasts the account's interval). */
  keep(ctx: Context, account: Account, token: string): void;
  /** The id of this browser's remembered-browser record for the account (from its cookie), or null. */
  currentId(ctx: Context, accountId: string): string | null;
}

export function rememberedBrowserCookies(service: RememberedBrowserService): RememberedBrowserCookies {
  return {
    currentId(ctx, accountId) {
      const token = ctx.cookies.get(cookieName(accountId), { signed: true });
      return token ? rememberedBrowserId(token) : null;
    },
    isRemembered(ctx, account) {
      return service.check(account.id, ctx.cookies.get(cookieName(account.id), { signed: true }), account.twoFactorIntervalDays);
    },
    token(ctx, accountId) {
      return ctx.cookies.get(cookieName(accountId), { signed: true });
    },
    keep(ctx, account, token) {
      ctx.cookies.set(cookieName(account.id), token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: ctx.secure,
        signed: true,
        maxAge: account.twoFactorIntervalDays * DAY,
        path: '/',
      });
    },
  };
}
