// The web app's texts in the page's language (the JSON block #i18n the server renders) and its local date/time formats.

/**
 * Texts and formats for `lang` ('de' or 'en'). `t(key, params)` fills `{name}` placeholders from `params`; an unknown
 * key shows the generic error text (or the key itself), never "undefined". Formats use de-DE or en-GB.
 */
export function createI18n(texts, lang) {
  const locale = lang === 'de' ? 'de-DE' : 'en-GB';
  function t(key, params) {
    const text = texts[key] || texts['error.generic'] || key;
    return text.replace(/\{(\w+)\}/g, (_, name) => (params && params[name] !== undefined ? String(params[name]) : '{' + name + '}'));
  }
  return {
    lang,
    t,
    /** 09:44:12 */
    timeFormat: new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' }),
    /** 30.11.2026 */
    dateFormat: new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric' }),
    /** 09:44 */
    clockFormat: new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }),
  };
}
