// POST /interaction/:uid/login — the first factor: login id and password, with lockout and no enumeration.
import type { Context, Middleware } from 'koa';
import type { InteractionDeps } from './interaction-deps.js';
import { demandsFreshSecondFactor, loadInteraction } from './load-interaction.js';
import { clientNameOf } from './show-login.js';
import { continueAfterPassword } from './second-factor.js';
import { showRoleRefused } from './role-refused.js';
import { translate } from '../../i18n/messages.js';
import { AppError } from '../../shared/errors.js';
import type { PageContext } from '../render.js';

function formatTime(ms: number, lang: string): string {
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'de-DE', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Berlin' }).format(ms);
}

export function submitPassword(deps: InteractionDeps): Middleware {
  return async function submitPassword(ctx: Context) {
    const details = await loadInteraction(deps.provider, ctx);
    const page = ctx.state.page as PageContext;
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const loginId = typeof body.loginId === 'string' ? body.loginId.slice(0, 254) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';

    const again = async (messageKey: string, params: Record<string, string | number> = {}, status = 400) => {
      ctx.status = status;
      ctx.body = await deps.render('interactions/login', page, {
        uid: details.uid,
        clientName: await clientNameOf(details, deps.provider),
        loginId,
        error: translate(page.lang, messageKey, params),
      });
    };

    if (!loginId.trim() || !password) return again('login.missingFields');

    let result;
    try {
      result = await deps.login.authenticate(loginId, password, ctx.ip);
    } catch {
      deps.metrics.loginOutcome('unavailable');
      return again('login.unavailable', {}, 503);
    }
    if (result.kind === 'locked') {
      deps.metrics.loginOutcome('locked');
      return again('login.locked', { until: formatTime(result.until, page.lang) }, 429);
    }
    if (result.kind === 'invalid') {
      deps.metrics.loginOutcome('invalid');
      return again('login.invalid', {}, 401);
    }
    if (result.kind === 'ambiguousEmail') {
      deps.metrics.loginOutcome('ambiguous_email');
      return again('login.ambiguousEmail', {}, 400);
    }

    const account = result.account;
    const clientId = String(details.params.client_id ?? '');
    if (!clientId) throw new AppError('error.interactionExpired', 400);
    // OIDC-5: the wrong portal for this account ends here, before any approval, push or SMS.
    if (!deps.clientRoles.allows(clientId, account.role)) return showRoleRefused(ctx, deps, details.uid, clientId);
    if (!account.mobile) {
      deps.metrics.loginOutcome('no_mobile');
      const broker = account.role === 'customer' && account.brokerId ? await deps.accounts.findById(account.brokerId) : null;
      ctx.status = 403;
      ctx.body = await deps.render('interactions/no-mobile', page, {
        uid: details.uid,
        broker: broker ? { name: broker.name, email: broker.email, mobile: broker.mobile } : null,
      });
      return;
    }
    const pending = {
      uid: details.uid,
      accountId: account.id,
      clientId,
      passwordAt: deps.clock.now(),
      freshSecondFactor: demandsFreshSecondFactor(details, deps.acr.twoFactor),
    };
    await continueAfterPassword(ctx, deps, pending, account);
  };
}
