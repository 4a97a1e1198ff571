// Ends a hosted login: done → remember the browser → tell the provider who logged in (acr, amr, auth_time from the proof).
import type { Context } from 'koa';
import type { InteractionDeps } from './interaction-deps.js';
import type { PendingLogin } from '../../services/pending-login.js';
import type { Account } from '../../domain/account.js';
import type { Proof } from '../../services/second-factor/contract.js';
import { summariseUserAgent } from '../../services/user-agent-summary.js';
import type { InteractionDetails } from './load-interaction.js';
import { resumeProvider, saveInteractionResult } from './finish-interaction.js';

/**
 * The one way a login ends after its second factor: a factor other than the remembered browser itself lets the
 * browser be remembered (cookie set when the account has an interval), then the provider finishes the login.
 * The remembering, the pending login's delete (an earlier attempt of this interaction may have saved one), the
 * interaction's result and `alongside` (work the request started before, e.g. the limiter's success step) go out
 * side by side, one round trip; any of them failing rejects (the caller answers 503) before anything is answered.
 */
export async function completeLogin(ctx: Context, deps: InteractionDeps, details: InteractionDetails, login: PendingLogin, account: Account, proof: Proof, alongside: readonly Promise<unknown>[] = []): Promise<void> {
  const remember = proof.method === 'remembered' ? null : deps.factors.remembered.remember(account, summariseUserAgent(ctx.get('user-agent')));
  const result = deps.flow.result(login, proof);
  const [token] = await Promise.all([
    remember,
    deps.pending.delete(login.uid),
    saveInteractionResult(details, { login: { accountId: result.accountId, acr: result.acr, amr: result.amr, remember: true, ts: result.auth_time } }),
    ...alongside,
  ]);
  if (token) deps.rememberedBrowsers.keep(ctx, account, token);
  deps.metrics.loginOutcome('success');
  resumeProvider(ctx, details);
}
