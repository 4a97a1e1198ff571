// Loads the provider's interaction for this browser (its cookie must match the uid) or ends with a clear page.
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';
import { AppError } from '../../shared/errors.js';

export type InteractionDetails = Awaited<ReturnType<Provider['interactionDetails']>>;

export async function loadInteraction(provider: Provider, ctx: Context): Promise<InteractionDetails> {
  let details: InteractionDetails;
  try {
    details = await provider.interactionDetails(ctx.req, ctx.res);
  } catch (e) {
    // The provider's own errors mean "no such interaction"; anything else is its store (Redis) failing: 503, not "expired".
    if (e instanceof errors.OIDCProviderError) throw new AppError('error.interactionExpired', 400);
    throw new AppError('error.unavailable', 503);
  }
  if (details.uid !== ctx.params.uid) throw new AppError('error.interactionExpired', 400);
  return details;
}

/** The relying party asked for a fresh authentication that nothing remembered may satisfy. */
export function demandsFreshSecondFactor(details: InteractionDetails, acrTwoFactor: string): boolean {
  const params = details.params as Record<string, unknown>;
  const reasons = details.prompt.reasons ?? [];
  const acrValues = String(params.acr_values ?? '').split(' ');
  return (
    acrValues.includes(acrTwoFactor) ||
    params.max_age !== undefined ||
    String(params.prompt ?? '').split(' ').includes('login') ||
    reasons.includes('max_age') ||
    reasons.includes('login_prompt')
  );
}
