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

/** Whether the `claims` parameter (OIDC Core 5.5.1.1) asks for the two-factor acr as essential. */
function essentialAcrRequested(claims: unknown, acrTwoFactor: string): boolean {
  if (typeof claims !== 'string') return false;
  let acr: { essential?: unknown; value?: unknown; values?: unknown } | undefined;
  try {
    acr = (JSON.parse(claims) as { id_token?: { acr?: typeof acr } })?.id_token?.acr;
  } catch {
    return false; // the provider refused malformed claims before any interaction
  }
  if (!acr || acr.essential !== true) return false;
  return acr.value === acrTwoFactor || (Array.isArray(acr.values) && acr.values.includes(acrTwoFactor));
}

/** The relying party asked for a fresh authentication (or the two-factor acr) that nothing remembered may satisfy. */
export function demandsFreshSecondFactor(details: InteractionDetails, acrTwoFactor: string): boolean {
  const params = details.params as Record<string, unknown>;
  const reasons = details.prompt.reasons ?? [];
  const acrValues = String(params.acr_values ?? '').split(' ');
  return (
    acrValues.includes(acrTwoFactor) ||
    essentialAcrRequested(params.claims, acrTwoFactor) ||
    params.max_age !== undefined ||
    String(params.prompt ?? '').split(' ').includes('login') ||
    reasons.includes('max_age') ||
    reasons.includes('login_prompt')
  );
}
