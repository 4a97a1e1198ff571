// Decides the page language per request and remembers an explicit choice in a cookie.
import type { Middleware } from 'koa';
import { pickLanguage } from '../i18n/language.js';
import type { PageContext } from '../routes/render.js';
import { switchLanguageUrl } from '../routes/render.js';

export const LANGUAGE_COOKIE = 'fi_lang';
/** The relying party's ui_locales for one hosted login; set by the provider's interaction URL, scoped to /interaction/<uid>. */
export const UI_LOCALES_COOKIE = 'fi_ui_lang';

export function language(): Middleware {
  // Not async: it runs on every page request, and an async wrapper would only add promises.
  return function language(ctx, next) {
    const lang = pickLanguage({ query: ctx.query.lang, uiLocales: ctx.cookies.get(UI_LOCALES_COOKIE), cookie: ctx.cookies.get(LANGUAGE_COOKIE), acceptLanguage: ctx.get('accept-language') });
    if (ctx.query.lang === lang) {
      ctx.cookies.set(LANGUAGE_COOKIE, lang, { httpOnly: true, sameSite: 'lax', maxAge: 365 * 24 * 3600 * 1000, signed: false, secure: ctx.secure });
      // The person's own choice outranks the relying party's ui_locales for the rest of this login.
      const interaction = /^\/interaction\/([^/]+)/.exec(ctx.path)?.[1];
      if (interaction && ctx.cookies.get(UI_LOCALES_COOKIE)) {
        ctx.cookies.set(UI_LOCALES_COOKIE, lang, { path: `/interaction/${interaction}`, httpOnly: true, sameSite: 'lax', signed: false, secure: ctx.secure });
      }
    }
    // The link to the other language is built only when a page is rendered (most requests render none: redirects,
    // JSON, the provider's endpoints), from the URL as it came in.
    const url = ctx.url;
    let switchUrl: string | undefined;
    const page: PageContext = {
      lang,
      get switchLanguageUrl() {
        return (switchUrl ??= switchLanguageUrl(url, lang));
      },
      set switchLanguageUrl(value: string) {
        switchUrl = value;
      },
    };
    ctx.state.page = page;
    return next();
  };
}
