// ACC-3 for the owner of the number: the hosted confirmation page behind the link in the SMS (/mobile/confirm/:token),
// and the step at the next login, before anything else (/interaction/:uid/mobile), where the code can also be sent again.
// Until confirmed, the old number (or none) stays in force.
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { translate } from '../i18n/messages.js';
import type { MobileChangeService } from '../services/mobile-change.js';
import { AppError, isAppError } from '../shared/errors.js';
import type { InteractionDeps } from './interactions/interaction-deps.js';
import { loadPending } from './interactions/load-pending.js';
import { continueAfterPassword } from './interactions/second-factor.js';
import type { PageContext, RenderPage } from './render.js';

export interface MobileConfirmDeps {
  mobileChange: MobileChangeService;
  render: RenderPage;
}

// sms.notSent / sms.deliveryUnknown: a resend that went nowhere (or maybe somewhere) is said as such, never as sent.
const CODE_ERRORS = new Set(['sms.wrong', 'sms.expired', 'sms.tooManyTries', 'sms.resendTooSoon', 'sms.tooMany', 'mobile.noPendingChange', 'sms.notSent', 'sms.deliveryUnknown']);

function codeField(ctx: Context): string {
  const v = ((ctx.request as { body?: unknown }).body as Record<string, unknown> | undefined)?.code;
  return typeof v === 'string' ? v.replace(/\s+/g, '').slice(0, 10) : '';
}

async function html(ctx: Context, render: RenderPage, view: string, locals: Record<string, unknown>, status = 200): Promise<void> {
  const page = ctx.state.page as PageContext;
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.type = 'html';
  ctx.body = await render(view, page, { title: translate(page.lang, 'mobileConfirm.heading'), error: undefined, info: undefined, ...locals });
}

function errorText(ctx: Context, e: unknown): string {
  if (!isAppError(e) || !CODE_ERRORS.has(e.code)) throw e;
  return translate((ctx.state.page as PageContext).lang, e.code, e.params);
}

/** The page behind the SMS link. */
export function mobileConfirmRoutes(deps: MobileConfirmDeps, forms: Middleware[]): Router {
  const router = new Router({ prefix: '/mobile/confirm' });

  const target = async (ctx: Context) => {
    const accountId = await deps.mobileChange.accountForLink(String(ctx.params.token ?? ''));
    const pending = accountId ? await deps.mobileChange.pendingFor(accountId) : null;
    if (!accountId || !pending) throw new AppError('mobile.confirm.invalidLink', 410);
    return { accountId, pending };
  };

  router.get('/:token', ...forms, async (ctx) => {
    const { pending } = await target(ctx);
    await html(ctx, deps.render, 'mobile/confirm', { action: ctx.path, mobileMasked: pending.mobileMasked });
  });

  router.post('/:token', ...forms, async (ctx) => {
    const { accountId, pending } = await target(ctx);
    try {
      await deps.mobileChange.confirmMobileChange(accountId, codeField(ctx), { ip: ctx.ip });
    } catch (e) {
      return html(ctx, deps.render, 'mobile/confirm', { action: ctx.path, mobileMasked: pending.mobileMasked, error: errorText(ctx, e) }, 400);
    }
    await html(ctx, deps.render, 'mobile/confirmed', { mobileMasked: pending.mobileMasked, continueUrl: null });
  });

  return router;
}

/** The login step (added to the interaction routes): asked right after the password when a change waits. */
export function loginMobileStep(deps: MobileConfirmDeps & { interaction: InteractionDeps }, forms: Middleware[]) {
  return (router: Router) => {
    const show = async (ctx: Context, accountId: string, uid: string, extra: Record<string, unknown> = {}, status = 200) => {
      const pending = await deps.mobileChange.pendingFor(accountId);
      if (!pending) return ctx.redirect(`/interaction/${uid}/mobile/continue`);
      await html(ctx, deps.render, 'mobile/login-step', { uid, mobileMasked: pending.mobileMasked, ...extra }, status);
    };

    router.get('/mobile', ...forms, async (ctx) => {
      const loaded = await loadPending(ctx, deps.interaction);
      if (loaded) await show(ctx, loaded.account.id, loaded.login.uid);
    });

    router.post('/mobile', ...forms, async (ctx) => {
      const loaded = await loadPending(ctx, deps.interaction);
      if (!loaded) return;
      try {
        await deps.mobileChange.confirmMobileChange(loaded.account.id, codeField(ctx), { ip: ctx.ip });
      } catch (e) {
        return show(ctx, loaded.account.id, loaded.login.uid, { error: errorText(ctx, e) }, 400);
      }
      await html(ctx, deps.render, 'mobile/confirmed', { mobileMasked: '', continueUrl: `/interaction/${loaded.login.uid}/mobile/continue` });
    });

    router.post('/mobile/resend', ...forms, async (ctx) => {
      const loaded = await loadPending(ctx, deps.interaction);
      if (!loaded) return;
      try {
        const sent = await deps.mobileChange.resendCode(loaded.account.id, ctx.ip);
        return show(ctx, loaded.account.id, loaded.login.uid, { info: translate((ctx.state.page as PageContext).lang, 'mobileConfirm.resent', { mobile: sent.mobileMasked }) });
      } catch (e) {
        return show(ctx, loaded.account.id, loaded.login.uid, { error: errorText(ctx, e) }, isAppError(e) ? e.status : 429);
      }
    });

    // "Later" and after a confirmation: on to the second factor (the number in force is used for SMS).
    const proceed = async (ctx: Context) => {
      const loaded = await loadPending(ctx, deps.interaction);
      if (!loaded) return;
      loaded.login.mobileChangeAsked = true;
      const account = (await deps.interaction.accounts.findById(loaded.account.id)) ?? loaded.account;
      await continueAfterPassword(ctx, deps.interaction, loaded.details, loaded.login, account);
    };
    router.get('/mobile/continue', ...forms, proceed);
    router.post('/mobile/later', ...forms, proceed);
  };
}
