// OIDC-4: the three relying parties are first-party; a consent prompt is answered without a screen, the grant recorded.
import type { Context } from 'koa';
import type { InteractionDeps } from './interaction-deps.js';
import type { InteractionDetails } from './load-interaction.js';
import { finishInteraction } from './finish-interaction.js';

export async function grantConsent(ctx: Context, deps: InteractionDeps, details: InteractionDetails): Promise<void> {
  const accountId = details.session?.accountId;
  const clientId = String(details.params.client_id);
  if (!accountId) throw new Error('consent prompt without a session');
  const existing = details.grantId ? await deps.provider.Grant.find(details.grantId) : undefined;
  const grant = existing ?? new deps.provider.Grant({ accountId, clientId });
  const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
  const scopes = new Set([...(missing.missingOIDCScope ?? []), ...String(details.params.scope ?? '').split(' ').filter(Boolean)]);
  grant.addOIDCScope([...scopes].join(' '));
  if (missing.missingOIDCClaims?.length) grant.addOIDCClaims(missing.missingOIDCClaims);
  const grantId = await grant.save();
  await finishInteraction(ctx, details, { consent: { grantId } }, true);
}
