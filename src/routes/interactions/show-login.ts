// GET /interaction/:uid — the login form, or the step this login has reached.
import type { Middleware } from 'koa';
import type { InteractionDeps } from './interaction-deps.js';
import { loadInteraction } from './load-interaction.js';
import { grantConsent } from './grant-consent.js';

export function clientNameOf(details: { params: Record<string, unknown> }, provider: InteractionDeps['provider']): Promise<string> {
  const clientId = String(details.params.client_id ?? '');
  return provider.Client.find(clientId).then((c) => String(c?.clientName ?? clientId));
}

export function showLogin(deps: InteractionDeps): Middleware {
  return async function showLogin(ctx) {
    const details = await loadInteraction(deps.provider, ctx);
    if (details.prompt.name === 'consent') return grantConsent(ctx, deps, details);
    const pending = await deps.pending.get(details.uid);
    if (pending) return ctx.redirect(`/interaction/${details.uid}/second-factor`);
    const loginHint = typeof details.params.login_hint === 'string' ? details.params.login_hint : '';
    ctx.body = await deps.render('interactions/login', ctx.state.page, {
      uid: details.uid,
      clientName: await clientNameOf(details, deps.provider),
      loginId: loginHint,
    });
  };
}
