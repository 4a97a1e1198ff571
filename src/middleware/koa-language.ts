// Decides the page language per request and remembers an explicit choice in a cookie.
import type { Middleware } from 'koa';
import { pickLanguage } from '../i18n/language.js';
import type { PageContext } from '../routes/render.js';
import { switchLanguageUrl } from '../routes/render.js';

export const LANGUAGE_COOKIE = 'fi_lang';

export function language(): Middleware {
  return async function language(ctx, next) {
    const lang = pickLanguage({ query: ctx.query.lang, cookie: ctx.cookies.get(LANGUAGE_COOKIE), acceptLanguage: ctx.get('accept-language') });
    if (ctx.query.lang === lang) {
      ctx.cookies.set(LANGUAGE_COOKIE, lang, { httpOnly: true, sameSite: 'lax', maxAge: 365 * 24 * 3600 * 1000, signed: false, secure: ctx.secure });
    }
    const page: PageContext = { lang, switchLanguageUrl: switchLanguageUrl(ctx.url, lang) };
    ctx.state.page = page;
    await next();
  };
}
