// OIDC-5: an account whose role the client does not admit sees why after the password; the relying party then gets access_denied.
import type { Context, Middleware } from 'koa';
import type { InteractionDeps } from './interaction-deps.js';
import { denyLogin } from './abort.js';
import { translate } from '../../i18n/messages.js';
import type { Language } from '../../i18n/language.js';
import type { Role } from '../../domain/account.js';

/** "Kunden", "Vermittlern, Mitarbeitern von Vermittlern und Untervermittlern" (the dative after "steht … offen"). */
function audienceOf(roles: readonly Role[], lang: Language): string {
  const names = roles.map((r) => translate(lang, `role.${r}.plural`));
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} ${translate(lang, 'list.and')} ${names.at(-1)}`;
}

/** Renders the refusal (403). Nothing was sent: this runs before any approval, push or SMS. */
export async function showRoleRefused(ctx: Context, deps: InteractionDeps, uid: string, clientId: string): Promise<void> {
  const page = ctx.state.page;
  deps.metrics.loginOutcome('role_refused');
  ctx.status = 403;
  ctx.body = await deps.render('interactions/role-refused', page, {
    uid,
    clientName: await deps.clientName(clientId),
    audience: audienceOf(deps.clientRoles.rolesOf(clientId), page.lang),
  });
}

/** GET /interaction/:uid/refused — back to the relying party with access_denied (OAuth 2.0 §4.1.2.1). */
export function finishRefused(deps: InteractionDeps): Middleware {
  return denyLogin(deps, 'this account may not use this client');
}
