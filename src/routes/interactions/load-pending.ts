// Loads the interaction, its pending login (password already checked) and the account, or sends the user back.
import type { Context } from 'koa';
import type { InteractionDeps } from './interaction-deps.js';
import { loadInteraction } from './load-interaction.js';
import type { PendingLogin } from '../../services/pending-login.js';
import type { Account } from '../../stores/account-store.js';
import { AppError } from '../../shared/errors.js';

export async function loadPending(ctx: Context, deps: InteractionDeps): Promise<{ login: PendingLogin; account: Account } | null> {
  const details = await loadInteraction(deps.provider, ctx);
  const login = await deps.pending.get(details.uid);
  if (!login) {
    ctx.redirect(`/interaction/${details.uid}`);
    return null;
  }
  const account = await deps.accounts.findById(login.accountId);
  if (!account) throw new AppError('error.interactionExpired', 400);
  return { login, account };
}
