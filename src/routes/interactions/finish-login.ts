// Ends a hosted login: tells the provider who logged in, with a truthful acr and amr, and lets it redirect.
import type { Context } from 'koa';
import type { InteractionDeps } from './interaction-deps.js';
import type { PendingLogin } from '../../services/pending-login.js';

/** amr values (RFC 8176) for each way the second factor was met. */
const AMR: Record<string, string[]> = {
  none: ['pwd'],
  remembered: ['pwd'],
  hwk: ['pwd', 'mfa', 'hwk'],
  webauthn: ['pwd', 'mfa', 'hwk', 'user'],
  sms: ['pwd', 'mfa', 'sms'],
};

export async function finishLogin(ctx: Context, deps: InteractionDeps, login: PendingLogin): Promise<void> {
  const method = login.secondFactor?.method ?? 'none';
  const twoFactor = method !== 'none' && method !== 'remembered';
  await deps.pending.delete(login.uid);
  deps.metrics.loginOutcome('success');
  ctx.respond = false;
  await deps.provider.interactionFinished(
    ctx.req,
    ctx.res,
    {
      login: {
        accountId: login.accountId,
        acr: twoFactor ? deps.acr.twoFactor : deps.acr.password,
        amr: AMR[method] ?? ['pwd'],
        remember: true,
        ts: Math.floor((login.secondFactor?.at ?? login.passwordAt) / 1000),
      },
    },
    { mergeWithLastSubmission: false },
  );
}
