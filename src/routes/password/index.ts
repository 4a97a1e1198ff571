// The hosted password-setting pages (PWD-1, PWD-2) under /password: login id → code by SMS → code and new password.
// The flow lives in a signed, httpOnly cookie (its random id); every form carries the CSRF token.
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { translate, type MessageKey } from '../../i18n/messages.js';
import type { PasswordFlow, PasswordSettingService } from '../../services/password-setting.js';
import { AppError, isAppError } from '../../shared/errors.js';
import { readSmsCode } from '../sms-code-input.js';
import type { AccountStore } from '../../domain/account.js';
import type { PageContext, RenderPage } from '../render.js';
import { redirectToPage } from '../flash.js';

export const PASSWORD_FLOW_COOKIE = 'fi_pwflow';

export interface PasswordRouteDeps {
  passwords: PasswordSettingService;
  accounts: AccountStore;
  render: RenderPage;
  minLength: number;
  flowTtlMs: number;
}

/** The hosted login to return to, if the id looks like an interaction uid. */
function interactionParam(value: unknown): string | null {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{8,128}$/.test(value) ? value : null;
}

const field = (body: Record<string, unknown>, name: string, max: number) => (typeof body[name] === 'string' ? body[name].slice(0, max) : '');

export function passwordRoutes(deps: PasswordRouteDeps, forms: Middleware[]): Router {
  const router = new Router({ prefix: '/password' });
  const page = (ctx: Context) => ctx.state.page as PageContext;
  const message = (ctx: Context, e: AppError) => translate(page(ctx).lang, e.code, e.params);

  const showForgot = async (ctx: Context, locals: { interaction: string | null; loginId?: string; error?: string | null }, status = 200) => {
    ctx.status = status;
    ctx.body = await deps.render('password/forgot', page(ctx), { loginId: '', error: null, ...locals });
  };

  const showCode = async (ctx: Context, flow: PasswordFlow, extra: { error?: AppError | null; info?: MessageKey | null; code?: string } = {}) => {
    if (extra.error) ctx.status = extra.error.status;
    ctx.body = await deps.render('password/code', page(ctx), {
      code: extra.code ?? '',
      minLength: deps.minLength,
      interaction: flow.interaction,
      error: extra.error ? message(ctx, extra.error) : null,
      info: extra.info ? translate(page(ctx).lang, extra.info) : null,
    });
  };

  const loadFlow = async (ctx: Context): Promise<PasswordFlow | null> => {
    const flow = await deps.passwords.find(ctx.cookies.get(PASSWORD_FLOW_COOKIE, { signed: true }));
    if (!flow) {
      await showForgot(ctx, { interaction: interactionParam(ctx.query.interaction), error: translate(page(ctx).lang, 'password.flowExpired') }, 410);
    }
    return flow;
  };

  router.get('/forgot', ...forms, async (ctx) => {
    await showForgot(ctx, { interaction: interactionParam(ctx.query.interaction) });
  });

  router.post('/forgot', ...forms, async (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const interaction = interactionParam(body.interaction);
    const loginId = field(body, 'loginId', 254);
    let flow: PasswordFlow;
    try {
      // The same answer for every id (ACC-2): no account, no mobile number, cool-down or cap are never told here.
      flow = await deps.passwords.start({ loginId, ip: ctx.ip, interaction, lang: page(ctx).lang });
    } catch (e) {
      if (!isAppError(e)) throw e;
      return showForgot(ctx, { interaction, loginId, error: message(ctx, e) }, e.status);
    }
    ctx.cookies.set(PASSWORD_FLOW_COOKIE, flow.id, {
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.secure,
      signed: true,
      path: '/password',
      maxAge: deps.flowTtlMs,
    });
    ctx.status = 303;
    ctx.redirect('/password/code');
  });

  router.get('/code', ...forms, async (ctx) => {
    const flow = await loadFlow(ctx);
    if (!flow) return;
    const info = ctx.query.info === 'requested' ? 'password.code.requested' : null;
    await showCode(ctx, flow, { info });
  });

  router.get('/code/resend', redirectToPage(() => '/password/code'));

  router.post('/code/resend', ...forms, async (ctx) => {
    const flow = await loadFlow(ctx);
    if (!flow) return;
    try {
      await deps.passwords.resend(flow, ctx.ip);
    } catch (e) {
      if (!isAppError(e)) throw e;
      return showCode(ctx, flow, { error: e });
    }
    ctx.status = 303;
    ctx.redirect('/password/code?info=requested');
  });

  router.post('/code', ...forms, async (ctx) => {
    const flow = await loadFlow(ctx);
    if (!flow) return;
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const typed = field(body, 'code', 40);
    try {
      const password = field(body, 'password', 4096);
      const repeat = field(body, 'repeat', 4096);
      if (!typed.trim() || !password || !repeat) throw new AppError('password.missingFields', 400);
      await deps.passwords.complete(flow, { code: readSmsCode(typed), password, repeat, ip: ctx.ip });
    } catch (e) {
      if (!isAppError(e)) throw e;
      // A code that is still valid stays in the field; only the passwords are typed again.
      const codeStillValid = !['sms.wrong', 'sms.expired', 'sms.tooManyTries', 'sms.notACode'].includes(e.code);
      return showCode(ctx, flow, { error: e, code: codeStillValid ? typed : '' });
    }
    ctx.cookies.set(PASSWORD_FLOW_COOKIE, null, { path: '/password', signed: true });
    // Post/redirect/get: a reload or the language switch shows "saved" again, not an expired form.
    ctx.status = 303;
    ctx.redirect(`/password/done${flow.interaction ? `?interaction=${flow.interaction}` : ''}`);
  });

  router.get('/done', ...forms, async (ctx) => {
    ctx.body = await deps.render('password/done', page(ctx), { interaction: interactionParam(ctx.query.interaction) });
  });

  return router;
}
