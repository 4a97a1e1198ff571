// Ends a login with access_denied to the relying party (OAuth 2.0 §4.1.2.1): the user cancelled, or the account may not use the client.
import type { Middleware } from 'koa';
import type { InteractionDeps } from './interaction-deps.js';
import { loadInteraction } from './load-interaction.js';
import { finishInteraction } from './finish-interaction.js';

/** A middleware that drops the pending login and sends the relying party `access_denied` with `description`. */
export function denyLogin(deps: InteractionDeps, description: string): Middleware {
  return async function denyLogin(ctx) {
    const details = await loadInteraction(deps.provider, ctx);
    await deps.pending.delete(details.uid);
    await finishInteraction(ctx, details, { error: 'access_denied', error_description: description });
  };
}

/** GET /interaction/:uid/abort — the user cancels. */
export function abortLogin(deps: InteractionDeps): Middleware {
  return denyLogin(deps, 'the user cancelled the login');
}
