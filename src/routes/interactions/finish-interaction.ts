// Hands an interaction's result to the provider (OIDC: the login, consent or error) using the interaction this request already loaded.
import type { Context } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import type { InteractionDetails } from './load-interaction.js';

/**
 * What `provider.interactionFinished` does, without loading the interaction a second time: stores `result` on
 * the loaded interaction (merged over its last submission when `merge` and not an error), keeps its expiry, and
 * answers 303 to its `returnTo` (the provider's resume endpoint).
 */
export async function finishInteraction(ctx: Context, details: InteractionDetails, result: InteractionResults, merge = false): Promise<void> {
  details.result = merge && !('error' in result) ? { ...details.lastSubmission, ...result } : result;
  await details.save(details.exp - Math.floor(Date.now() / 1000));
  ctx.respond = false;
  ctx.res.statusCode = 303;
  ctx.res.setHeader('Location', details.returnTo);
  ctx.res.setHeader('Content-Length', '0');
  ctx.res.end();
}
