// The login prompt's extra checks: step-up (acr_values), the client's allowed roles (OIDC-5) and the interval (OIDC-6) for a session's account.
import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import type { ClientRoles } from '../config/client-roles.js';
import type { Clock } from '../shared/clock.js';
import type { Account, AccountStore } from '../domain/account.js';

const { Check, base } = interactionPolicy;

export const STEP_UP_REASON = 'acr_two_factor_required';
export const ROLE_REASON = 'account_role_not_allowed';
export const INTERVAL_REASON = 'second_factor_outside_interval';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface InteractionPolicyDeps {
  acrTwoFactor: string;
  accounts: Pick<AccountStore, 'findById'>;
  clientRoles: ClientRoles;
  clock: Clock;
  /** Interval 0 ("Immer"): how long a session's second factor still counts for another authorization, in s (0 = never). */
  ssoGraceSeconds: number;
  /** Whether this browser is still remembered for the account (a session whose login skipped the second factor). */
  stillRemembered(ctx: KoaContextWithOIDC, account: Account): Promise<boolean>;
}

/**
 * OIDC-6: single sign-on never beats the interval. A session whose login had a second factor (acr = two-factor)
 * counts while that second factor is younger than the account's interval (interval 0: younger than the grace,
 * default never). A session whose login skipped it (a remembered browser, acr = password) counts only while the
 * browser is still remembered. The interval is read now, so shortening it takes effect for open sessions too.
 */
export async function sessionSecondFactorCounts(ctx: KoaContextWithOIDC, account: Account, deps: InteractionPolicyDeps): Promise<boolean> {
  const session = ctx.oidc.session!;
  const intervalMs = account.twoFactorIntervalDays * DAY_MS;
  if (session.acr === deps.acrTwoFactor) {
    const loginTs = session.authTime();
    if (typeof loginTs !== 'number') return false;
    const age = deps.clock.now() - loginTs * 1000;
    return age >= 0 && age < (intervalMs > 0 ? intervalMs : deps.ssoGraceSeconds * 1000);
  }
  if (intervalMs <= 0) return false;
  // The check fails closed and logs its own store failure (RememberedBrowserService.check); this only keeps a throw
  // from becoming a server error: not remembered = the second factor is asked.
  return deps.stillRemembered(ctx, account).catch(() => false);
}

/** The account of the browser's session, unless this very authorization has just logged in (then our pages decided). */
function sessionAccountId(ctx: KoaContextWithOIDC): string | undefined {
  if (ctx.oidc.result?.login) return undefined;
  return ctx.oidc.session?.accountId;
}

export function buildInteractionPolicy(deps: InteractionPolicyDeps) {
  // Both session checks need the session's account: one store read per authorization request, not two.
  const accountOf = new WeakMap<KoaContextWithOIDC, Promise<Account | null>>();
  const sessionAccount = (ctx: KoaContextWithOIDC, accountId: string) => {
    let found = accountOf.get(ctx);
    if (!found) accountOf.set(ctx, (found = deps.accounts.findById(accountId)));
    return found;
  };
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
      const account = await sessionAccount(ctx, accountId);
      if (!account) return Check.REQUEST_PROMPT;
      return deps.clientRoles.allows(ctx.oidc.client.clientId, account.role) ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    }),
  );
  // OIDC-6: a session's second factor counts only within the interval; otherwise log in again (prompt=none: login_required).
  login.checks.add(
    new Check(INTERVAL_REASON, 'the session\'s second factor is older than the account\'s interval', 'login_required', async (ctx: KoaContextWithOIDC) => {
      const accountId = sessionAccountId(ctx);
      if (!accountId) return Check.NO_NEED_TO_PROMPT;
      const account = await sessionAccount(ctx, accountId);
      if (!account) return Check.REQUEST_PROMPT;
      return (await sessionSecondFactorCounts(ctx, account, deps)) ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    }),
  );
  return policy;
}
