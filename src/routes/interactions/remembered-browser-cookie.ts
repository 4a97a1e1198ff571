// The remembered-browser cookie: one per account (name derived from the account id), httpOnly, SameSite=Lax.
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { rememberedBrowserId, type RememberedBrowserService } from '../../services/remembered-browsers.js';
import { summariseUserAgent } from '../../services/user-agent-summary.js';
import type { Account } from '../../stores/account-store.js';
import { requestLogger } from '../../middleware/koa-request-log.js';

const DAY = 24 * 3600 * 1000;
const cookieName = (accountId: string) => `fi_rb_${createHash('sha256').update(accountId).digest('base64url').slice(0, 12)}`;

export interface RememberedBrowserCookies {
  isRemembered(ctx: Context, account: Account): Promise<boolean>;
  remember(ctx: Context, account: Account): Promise<void>;
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
    async remember(ctx, account) {
      if (account.twoFactorIntervalDays <= 0) return;
      try {
        const token = await service.remember(account.id, account.twoFactorIntervalDays, summariseUserAgent(ctx.get('user-agent')));
        ctx.cookies.set(cookieName(account.id), token, {
          httpOnly: true,
          sameSite: 'lax',
          secure: ctx.secure,
          signed: true,
          maxAge: account.twoFactorIntervalDays * DAY,
          path: '/',
        });
      } catch (err) {
        // Not remembering is the safe failure: the next login asks for the second factor again.
        requestLogger(ctx)?.warn({ err: (err as Error)?.message, accountId: account.id }, 'browser not remembered; the next login asks for the second factor');
      }
    },
  };
}
