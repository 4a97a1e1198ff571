// GET /interaction/:uid/abort — the user cancels; the relying party gets access_denied.
import type { Middleware } from 'koa';
import type { InteractionDeps } from './interaction-deps.js';
import { loadInteraction } from './load-interaction.js';

export function abortLogin(deps: InteractionDeps): Middleware {
  return async function abortLogin(ctx) {
    const details = await loadInteraction(deps.provider, ctx);
    await deps.pending.delete(details.uid);
    ctx.respond = false;
    await deps.provider.interactionFinished(
      ctx.req,
      ctx.res,
      { error: 'access_denied', error_description: 'the user cancelled the login' },
      { mergeWithLastSubmission: false },
    );
  };
}
