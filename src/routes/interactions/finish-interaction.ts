// Hands an interaction's result to the provider (OIDC: the login, consent or error) using the interaction this request already loaded.
import type { Context } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import type { InteractionDetails } from './load-interaction.js';

/**
 * Stores `result` on the loaded interaction (merged over its last submission when `merge` and not an error) and
 * keeps its expiry: what `provider.interactionFinished` stores, without loading the interaction a second time.
 * Rejects when the store fails (the caller answers 503).
 */
export async function saveInteractionResult(details: InteractionDetails, result: InteractionResults, merge = false): Promise<void> {
  details.result = merge && !('error' in result) ? { ...details.lastSubmission, ...result } : result;
  await details.save(details.exp - Math.floor(Date.now() / 1000));
}

/** Answers 303 to the interaction's `returnTo` (the provider's resume endpoint); call after its result is saved. */
export function resumeProvider(ctx: Context, details: InteractionDetails): void {
  ctx.respond = false;
  ctx.res.statusCode = 303;
  ctx.res.setHeader('Location', details.returnTo);
  ctx.res.setHeader('Content-Length', '0');
  ctx.res.end();
}

/** What `provider.interactionFinished` does (save the result, 303 to the provider), with the interaction already loaded. */
export async function finishInteraction(ctx: Context, details: InteractionDetails, result: InteractionResults, merge = false): Promise<void> {
  await saveInteractionResult(details, result, merge);
  resumeProvider(ctx, details);
}
