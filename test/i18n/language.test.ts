// Which language a page speaks: ?lang=, then the relying party's ui_locales, then the cookie, then Accept-Language.
import { describe, expect, it } from '@jest/globals';
import { fromUiLocales, pickLanguage } from '../../src/i18n/language.js';

describe('ui_locales (OIDC Core 3.1.2.1)', () => {
  it.each([
    ['en', 'en'],
    ['de-DE', 'de'],
    ['fr-CA en-GB de', 'en'],
    ['fr it', undefined],
    ['', undefined],
    [42, undefined],
  ])('%j → %j', (value, expected) => {
    expect(fromUiLocales(value)).toBe(expected);
  });
});

describe('pickLanguage', () => {
  it('ranks ?lang= over ui_locales over the cookie over Accept-Language', () => {
    expect(pickLanguage({ query: 'de', uiLocales: 'en', cookie: 'en', acceptLanguage: 'en' })).toBe('de');
    expect(pickLanguage({ uiLocales: 'en', cookie: 'de', acceptLanguage: 'de' })).toBe('en');
    expect(pickLanguage({ uiLocales: 'fr', cookie: 'en', acceptLanguage: 'de' })).toBe('en');
    expect(pickLanguage({ acceptLanguage: 'fr-FR,en;q=0.5' })).toBe('en');
    expect(pickLanguage({})).toBe('de');
  });
});
