// The SMS login code page (SMS-1…3): sends a code to the number on file, checks it, finishes the login.
// It says only what happened: "sent" only for a code the provider accepted; otherwise why nothing went out and when
// to ask again (cool-down, cap, provider refused), or that the SMS could not be confirmed (it may still arrive).
import type { Context, Middleware } from 'koa';
import type { InteractionDeps } from './interaction-deps.js';
import { loadPending, loginAttempt } from './load-pending.js';
import type { InteractionDetails } from './load-interaction.js';
import { completeLogin } from './finish-login.js';
import type { PendingLogin } from '../../services/pending-login.js';
import type { Account } from '../../domain/account.js';
import { maskMobile } from '../../services/mobile-number.js';
import { translate, type MessageKey } from '../../i18n/messages.js';
import { AppError, isAppError } from '../../shared/errors.js';
import { clearFlash, readFlash, setFlash } from '../flash.js';
import { readSmsCode } from '../sms-code-input.js';

/**
 * Renders the code page from what is true now: the intro says "sent" only while this login's code was accepted by
 * the provider and can still be used; without a fresh error, a code whose SMS failed or is unconfirmed says so.
 */
async function renderSms(ctx: Context, deps: InteractionDeps, login: PendingLogin, account: Account, extra: { error?: AppError | null; info?: MessageKey | null } = {}): Promise<void> {
  const lang = ctx.state.page.lang;
  const current = await deps.smsCodes.current(login.uid);
  const delivered = current !== null && current.delivery === 'sent' && !current.void && deps.clock.now() < current.expiresAt;
  let error = extra.error ?? null;
  if (!error && current?.delivery === 'unknown') error = new AppError('sms.deliveryUnknown', 503, { retryAt: current.resendAt });
  if (!error && current?.delivery === 'failed') error = new AppError('sms.notSent', 503, { retryAt: current.resendAt });
  if (error) ctx.status = error.status;
  const mobileMasked = account.mobile ? maskMobile(account.mobile) : '';
  ctx.body = await deps.render('interactions/sms', ctx.state.page, {
    uid: login.uid,
    notAllowed: false,
    mobileMasked,
    intro: translate(lang, delivered ? 'sms.intro' : 'sms.introPending', { mobile: mobileMasked }),
    error: error ? translate(lang, error.code, error.params) : null,
    info: extra.info && delivered ? translate(lang, extra.info) : null,
    showBackToApp: account.twoFactorMethod === 'app',
  });
}

/** Loads the login and refuses (403) accounts that may not use SMS or have no number on file. */
async function loadSmsLogin(ctx: Context, deps: InteractionDeps): Promise<{ details: InteractionDetails; login: PendingLogin; account: Account & { mobile: string } } | null> {
  const loaded = await loadPending(ctx, deps);
  if (!loaded) return null;
  const { details, login, account } = loaded;
  if (!deps.factors.sms.available(account)) {
    ctx.status = 403;
    ctx.body = await deps.render('interactions/sms', ctx.state.page, {
      uid: login.uid,
      notAllowed: true,
      message: translate(ctx.state.page.lang, account.mobile ? 'sms.notAllowed' : 'notice.noMobile.text'),
      showBackToApp: account.twoFactorMethod === 'app',
    });
    return null;
  }
  return { details, login, account: account as Account & { mobile: string } };
}

/** GET /interaction/:uid/sms — on the first view sends a code, then asks for it. */
export function showSmsCode(deps: InteractionDeps): Middleware {
  return async function showSmsCode(ctx) {
    const loaded = await loadSmsLogin(ctx, deps);
    if (!loaded) return;
    const { login, account } = loaded;
    const flash = readFlash(ctx);
    if (flash) clearFlash(ctx, `/interaction/${login.uid}`);
    const shown = flash?.key.startsWith('sms.') ? new AppError(flash.key, flash.status ?? 400, flash.params ?? {}) : null;
    // The first view sends the code (a simultaneous first view's code is this page's code, nothing was refused).
    const error = shown ?? (await deps.factors.sms.start(loginAttempt(ctx, login, account)));
    const info = typeof ctx.query.info === 'string' && ctx.query.info === 'sms.resent' ? 'sms.resent' : null;
    await renderSms(ctx, deps, login, account, { error, info });
  };
}

/** POST /interaction/:uid/sms/resend — a new code (cool-down and caps apply). */
export function resendSmsCode(deps: InteractionDeps): Middleware {
  return async function resendSmsCode(ctx) {
    const loaded = await loadSmsLogin(ctx, deps);
    if (!loaded) return;
    const { login, account } = loaded;
    const error = await deps.factors.sms.resend(loginAttempt(ctx, login, account));
    if (!error) return ctx.redirect(`/interaction/${login.uid}/sms?info=sms.resent`);
    await renderSms(ctx, deps, login, account, { error });
  };
}

/** POST /interaction/:uid/sms — checks the code; on success the login is finished with amr sms. */
export function submitSmsCode(deps: InteractionDeps): Middleware {
  return async function submitSmsCode(ctx) {
    const loaded = await loadSmsLogin(ctx, deps);
    if (!loaded) return;
    const { login, account } = loaded;
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    let proof;
    try {
      proof = await deps.factors.sms.complete(loginAttempt(ctx, login, account), readSmsCode(body.code));
    } catch (e) {
      if (!isAppError(e)) throw e;
      // Post/redirect/get: a reload cannot send the same wrong code again (and cost a try).
      setFlash(ctx, `/interaction/${login.uid}`, { key: e.code, params: e.params, status: e.status }, deps.flash);
      ctx.status = 303;
      return ctx.redirect(`/interaction/${login.uid}/sms`);
    }
    // The right code also proved the number on file (phone_number_verified).
    await completeLogin(ctx, deps, loaded.details, login, account, proof);
  };
}
