// Picks the page language: ?lang= (remembered in a cookie), then the relying party's ui_locales, then the cookie, then Accept-Language; German first.
export const LANGUAGES = ['de', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return value === 'de' || value === 'en';
}

/** The first supported language in an Accept-Language header, by quality; German when none fits. */
export function fromAcceptLanguage(header: string | undefined): Language {
  if (!header) return 'de';
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = Number(params.find((p) => p.trim().startsWith('q='))?.split('=')[1] ?? 1);
      return { lang: tag.trim().slice(0, 2).toLowerCase(), q: Number.isFinite(q) ? q : 0 };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked.map((r) => r.lang).find(isLanguage) ?? 'de';
}

/** The first supported language of an OIDC `ui_locales` value (space-separated BCP 47 tags, OIDC Core 3.1.2.1), if any. */
export function fromUiLocales(value: unknown): Language | undefined {
  if (typeof value !== 'string') return undefined;
  return value
    .split(' ')
    .map((tag) => tag.trim().slice(0, 2).toLowerCase())
    .find(isLanguage);
}

export function pickLanguage(input: { query?: unknown; uiLocales?: unknown; cookie?: string | undefined; acceptLanguage?: string | undefined }): Language {
  if (isLanguage(input.query)) return input.query;
  if (isLanguage(input.uiLocales)) return input.uiLocales;
  if (isLanguage(input.cookie)) return input.cookie;
  return fromAcceptLanguage(input.acceptLanguage);
}
