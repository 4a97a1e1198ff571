// The provider's own pages (errors, logout) in our layout and language, without inline script.
import type { KoaContextWithOIDC } from 'oidc-provider';
import { fromUiLocales, pickLanguage } from '../i18n/language.js';
import { hasMessage, translate } from '../i18n/messages.js';
import { LANGUAGE_COOKIE } from '../middleware/koa-language.js';
import { type RenderPage, switchLanguageUrl } from '../routes/render.js';
import type { ProviderPages } from './create-provider.js';

function pageOf(ctx: KoaContextWithOIDC) {
  const lang = pickLanguage({ query: ctx.query.lang, uiLocales: fromUiLocales(ctx.oidc?.params?.ui_locales), cookie: ctx.cookies.get(LANGUAGE_COOKIE), acceptLanguage: ctx.get('accept-language') });
  return { lang, switchLanguageUrl: switchLanguageUrl(ctx.url, lang) };
}

export function providerPages(render: RenderPage): ProviderPages {
  return {
    async error(ctx, out) {
      const page = pageOf(ctx);
      const named = `oidc.${out.error}`;
      const key = hasMessage(named) ? named : 'oidc.other';
      const isRedirectProblem = out.error === 'invalid_request' && /redirect_uri/.test(out.error_description ?? '');
      // server_error is nearly always a store (Redis) that cannot be reached: say "try again shortly" with 503.
      const unavailable = out.error === 'server_error';
      if (unavailable) ctx.status = 503;
      const message = translate(page.lang, unavailable ? 'error.unavailable' : isRedirectProblem ? 'oidc.invalid_redirect_uri' : key);
      ctx.type = 'html';
      ctx.set('Cache-Control', 'no-store');
      ctx.body = await render('errors/error', page, { message, code: out.error, next: { label: 'error.next.app' } });
    },
    async logout(ctx, form) {
      ctx.type = 'html';
      ctx.body = await render('interactions/logout', pageOf(ctx), { form });
    },
    async logoutSuccess(ctx) {
      ctx.type = 'html';
      ctx.body = await render('interactions/logout-success', pageOf(ctx));
    },
  };
}
