// Loads the interaction, its pending login (password already checked) and the account, or sends the user back.
import type { Context } from 'koa';
import type { InteractionDeps } from './interaction-deps.js';
import { loadInteraction } from './load-interaction.js';
import type { PendingLogin } from '../../services/pending-login.js';
import type { Account } from '../../stores/account-store.js';
import type { LoginAttempt } from '../../services/second-factor/contract.js';
import { summariseUserAgent } from '../../services/user-agent-summary.js';
import { AppError } from '../../shared/errors.js';

/** The pending login of this browser's interaction, or null after redirecting to the login form. */
export async function loadLogin(ctx: Context, deps: InteractionDeps): Promise<PendingLogin | null> {
  const details = await loadInteraction(deps.provider, ctx);
  const login = await deps.pending.get(details.uid);
  if (!login) ctx.redirect(`/interaction/${details.uid}`);
  return login;
}

/** The pending login and its account (each loaded once per request), or null after redirecting to the login form. */
export async function loadPending(ctx: Context, deps: InteractionDeps): Promise<{ login: PendingLogin; account: Account } | null> {
  const login = await loadLogin(ctx, deps);
  if (!login) return null;
  const account = await deps.accounts.findById(login.accountId);
  if (!account) throw new AppError('error.interactionExpired', 400);
  return { login, account };
}

/** The login as a factor sees it: plain values from this request (IP, browser summary, page language). */
export function loginAttempt(ctx: Context, login: PendingLogin, account: Account): LoginAttempt {
  const lang = (ctx.state.page as { lang?: 'de' | 'en' } | undefined)?.lang ?? 'de';
  return { login, account, ip: ctx.ip, browser: summariseUserAgent(ctx.get('user-agent')), lang };
}
