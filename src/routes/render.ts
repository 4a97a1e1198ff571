// Renders EJS views inside the common layout, with the language and the translator.
import { join } from 'node:path';
import ejs from 'ejs';
import type { Language } from '../i18n/language.js';
import { translateAny } from '../i18n/messages.js';
import { formatMobile } from '../services/mobile-number.js';

export interface PageContext {
  lang: Language;
  /** The same page in the other language. */
  switchLanguageUrl: string;
  csrfToken?: string;
  /** Message key of a notice shown above the page (e.g. a form that had expired). */
  notice?: string;
}

export type RenderPage = (view: string, page: PageContext, locals?: Record<string, unknown>) => Promise<string>;

export function createRenderer(viewsDir: string, cache: boolean): RenderPage {
  const options = { cache, async: true, root: viewsDir };
  return async (view, page, locals = {}) => {
    const t = (key: string, params?: Record<string, string | number>) => translateAny(page.lang, key, params);
    // `phone`: numbers as people read them (+49 151 1111 1101), in every view.
    const data = { ...locals, ...page, t, phone: formatMobile };
    const body = await ejs.renderFile(join(viewsDir, `${view}.ejs`), data, options);
    return ejs.renderFile(join(viewsDir, '_layout.ejs'), { ...data, body }, options);
  };
}

/** The current URL with `lang` set to the other language. */
export function switchLanguageUrl(url: string, lang: Language): string {
  const parsed = new URL(url, 'http://x');
  parsed.searchParams.set('lang', lang === 'de' ? 'en' : 'de');
  return `${parsed.pathname}${parsed.search}`;
}
