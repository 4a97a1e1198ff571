// The login prompt's extra checks: step-up (acr_values), the client's allowed roles for a session's account (OIDC-5).
import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import type { ClientRoles } from '../config/client-roles.js';
import type { AccountStore } from '../stores/account-store.js';

const { Check, base } = interactionPolicy;

export const STEP_UP_REASON = 'acr_two_factor_required';
export const ROLE_REASON = 'account_role_not_allowed';

export interface InteractionPolicyDeps {
  acrTwoFactor: string;
  accounts: Pick<AccountStore, 'findById'>;
  clientRoles: ClientRoles;
}

/** The account of the browser's session, unless this very authorization has just logged in (then our pages decided). */
function sessionAccountId(ctx: KoaContextWithOIDC): string | undefined {
  if (ctx.oidc.result?.login) return undefined;
  return ctx.oidc.session?.accountId;
}

export function buildInteractionPolicy(deps: InteractionPolicyDeps) {
  const policy = base();
  const login = policy.get('login')!;
  login.checks.add(
    new Check(STEP_UP_REASON, 'a fresh second factor is required', 'login_required', (ctx: KoaContextWithOIDC) => {
      const requested = String(ctx.oidc.params?.acr_values ?? '').split(' ');
      if (!requested.includes(deps.acrTwoFactor)) return Check.NO_NEED_TO_PROMPT;
      const result = ctx.oidc.result?.login as { acr?: string } | undefined;
      return result?.acr === deps.acrTwoFactor ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    }),
  );
  // Single sign-on must not carry an account into a client its role may not use: sign in again (prompt=none: login_required).
  login.checks.add(
    new Check(ROLE_REASON, 'the signed-in account may not use this client', 'login_required', async (ctx: KoaContextWithOIDC) => {
      const accountId = sessionAccountId(ctx);
      if (!accountId || !ctx.oidc.client) return Check.NO_NEED_TO_PROMPT;
      const account = await deps.accounts.findById(accountId);
      if (!account) return Check.REQUEST_PROMPT;
      return deps.clientRoles.allows(ctx.oidc.client.clientId, account.role) ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    }),
  );
  return policy;
}
