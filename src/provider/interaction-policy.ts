// Adds step-up to the login prompt: acr_values naming the two-factor level always needs a fresh second factor.
import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';

const { Check, base } = interactionPolicy;

export const STEP_UP_REASON = 'acr_two_factor_required';

export function buildInteractionPolicy(acrTwoFactor: string) {
  const policy = base();
  const login = policy.get('login')!;
  login.checks.add(
    new Check(STEP_UP_REASON, 'a fresh second factor is required', 'login_required', (ctx: KoaContextWithOIDC) => {
      const requested = String(ctx.oidc.params?.acr_values ?? '').split(' ');
      if (!requested.includes(acrTwoFactor)) return Check.NO_NEED_TO_PROMPT;
      const result = ctx.oidc.result?.login as { acr?: string } | undefined;
      return result?.acr === acrTwoFactor ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    }),
  );
  return policy;
}
