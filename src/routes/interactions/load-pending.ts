// Loads the interaction, its pending login (password already checked) and the account, or sends the user back.
import type { Context } from 'koa';
import type { InteractionDeps } from './interaction-deps.js';
import { loadInteraction, type InteractionDetails } from './load-interaction.js';
import type { PendingLogin } from '../../services/pending-login.js';
import type { Account } from '../../domain/account.js';
import type { LoginAttempt } from '../../services/second-factor/contract.js';
import { summariseUserAgent } from '../../services/user-agent-summary.js';
import { AppError } from '../../shared/errors.js';

/**
 * The interaction (bound to this browser by its cookie) and its pending login, read at the same time (the login is
 * keyed by the uid in the URL and used only when the interaction has that uid). Redirects to the login form and
 * gives null when the password step has not been passed.
 */
export async function loadLogin(ctx: Context, deps: InteractionDeps): Promise<{ details: InteractionDetails; login: PendingLogin } | null> {
  const [details, login] = await Promise.all([loadInteraction(deps.provider, ctx), deps.pending.get(String(ctx.params.uid ?? ''))]);
  if (!login || login.uid !== details.uid) {
    ctx.redirect(`/interaction/${details.uid}`);
    return null;
  }
  return { details, login };
}

/** The interaction, the pending login and its account (each loaded once per request), or null after redirecting to the login form. */
export async function loadPending(ctx: Context, deps: InteractionDeps): Promise<{ details: InteractionDetails; login: PendingLogin; account: Account } | null> {
  const loaded = await loadLogin(ctx, deps);
  if (!loaded) return null;
  const account = await deps.accounts.findById(loaded.login.accountId);
  if (!account) throw new AppError('error.interactionExpired', 400);
  return { ...loaded, account };
}

/** The login as a factor sees it: plain values from this request (IP, browser summary, page language). */
export function loginAttempt(ctx: Context, login: PendingLogin, account: Account): LoginAttempt {
  const lang = (ctx.state.page as { lang?: 'de' | 'en' } | undefined)?.lang ?? 'de';
  return { login, account, ip: ctx.ip, browser: summariseUserAgent(ctx.get('user-agent')), lang };
}
