// POST /interaction/:uid/login — the first factor: login id and password, with lockout and no enumeration.
import type { Context, Middleware } from 'koa';
import type { InteractionDeps } from './interaction-deps.js';
import { demandsFreshSecondFactor, loadInteraction } from './load-interaction.js';
import { continueAfterPassword } from './second-factor.js';
import { showRoleRefused } from './role-refused.js';
import { AppError } from '../../shared/errors.js';
import type { MessageKey } from '../../i18n/messages.js';
import { clearFlash, setFlash } from '../flash.js';
import { requestLogger } from '../../middleware/koa-request-log.js';
import type { Account } from '../../domain/account.js';
import type { LookAhead } from '../../services/second-factor/login-flow.js';

export function submitPassword(deps: InteractionDeps): Middleware {
  return async function submitPassword(ctx: Context) {
    const details = await loadInteraction(deps.provider, ctx);
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const loginId = typeof body.loginId === 'string' ? body.loginId.slice(0, 254) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';

    // Post/redirect/get: the outcome is shown by GET /interaction/:uid (reload, Back and the language switch work).
    const again = (messageKey: MessageKey, params: Record<string, string | number> = {}, status = 400) => {
      setFlash(ctx, `/interaction/${details.uid}`, { key: messageKey, params, status, values: { loginId } }, deps.flash);
      ctx.status = 303;
      ctx.redirect(`/interaction/${details.uid}`);
    };

    if (!loginId.trim() || !password) return again('login.missingFields');

    const freshSecondFactor = demandsFreshSecondFactor(details, deps.acr.twoFactor);
    // What the step after the password reads is read while argon2id runs (used only if the password is right).
    let ahead: LookAhead | undefined;
    const whileVerifying = (candidate: Account) => {
      ahead = deps.flow.lookAhead(candidate, deps.rememberedBrowsers.token(ctx, candidate.id), freshSecondFactor);
    };
    let result;
    try {
      result = await deps.login.authenticate(loginId, password, ctx.ip, { whileVerifying });
    } catch (err) {
      requestLogger(ctx)?.warn({ err: (err as Error)?.message }, 'password not checked; answered login.unavailable');
      deps.metrics.loginOutcome('unavailable');
      return again('login.unavailable', {}, 503);
    }
    if (result.kind === 'locked') {
      deps.metrics.loginOutcome('locked');
      return again('login.locked', { untilMs: result.until }, 429);
    }
    if (result.kind === 'invalid') {
      deps.metrics.loginOutcome('invalid');
      return again('login.invalid', result.left !== undefined ? { left: result.left } : {}, 401);
    }
    if (result.kind === 'ambiguousEmail') {
      deps.metrics.loginOutcome('ambiguous_email');
      return again('login.ambiguousEmail', {}, 400);
    }

    // The limiter's success step is on its way; it is awaited before any answer below (a store failure: 503).
    const { account, settled } = result;
    const clientId = String(details.params.client_id ?? '');
    if (!clientId) {
      await settled;
      throw new AppError('error.interactionExpired', 400);
    }
    // OIDC-5: the wrong portal for this account ends here, before any approval, push or SMS.
    if (!deps.clientRoles.allows(clientId, account.role)) {
      await settled;
      clearFlash(ctx, `/interaction/${details.uid}`); // the password is right: earlier messages are done with
      return showRoleRefused(ctx, deps, details.uid, clientId);
    }
    if (!account.mobile) {
      await settled;
      deps.metrics.loginOutcome('no_mobile');
      // Shown by GET /interaction/:uid as well (the flash is signed, so it cannot name another account).
      setFlash(ctx, `/interaction/${details.uid}`, { key: 'notice.noMobile.text', status: 403, values: { accountId: account.id } }, deps.flash);
      ctx.status = 303;
      return ctx.redirect(`/interaction/${details.uid}`);
    }
    clearFlash(ctx, `/interaction/${details.uid}`); // the password is right: earlier messages are done with
    const pending = {
      uid: details.uid,
      accountId: account.id,
      clientId,
      passwordAt: deps.clock.now(),
      freshSecondFactor,
    };
    await continueAfterPassword(ctx, deps, details, pending, account, [settled], ahead);
  };
}
