// Ends a hosted login: done → remember the browser → tell the provider who logged in (acr, amr, auth_time from the proof).
import type { Context } from 'koa';
import type { InteractionDeps } from './interaction-deps.js';
import type { PendingLogin } from '../../services/pending-login.js';
import type { Account } from '../../domain/account.js';
import type { Proof } from '../../services/second-factor/contract.js';
import { summariseUserAgent } from '../../services/user-agent-summary.js';
import type { InteractionDetails } from './load-interaction.js';
import { finishInteraction } from './finish-interaction.js';

/**
 * The one way a login ends after its second factor: a factor other than the remembered browser itself lets the
 * browser be remembered (cookie set when the account has an interval), then the provider finishes the login.
 */
export async function completeLogin(ctx: Context, deps: InteractionDeps, details: InteractionDetails, login: PendingLogin, account: Account, proof: Proof): Promise<void> {
  const remember = proof.method === 'remembered' ? null : deps.factors.remembered.remember(account, summariseUserAgent(ctx.get('user-agent')));
  const [token] = await Promise.all([remember, deps.pending.delete(login.uid)]);
  if (token) deps.rememberedBrowsers.keep(ctx, account, token);
  deps.metrics.loginOutcome('success');
  const result = deps.flow.result(login, proof);
  await finishInteraction(ctx, details, { login: { accountId: result.accountId, acr: result.acr, amr: result.amr, remember: true, ts: result.auth_time } });
}
