// Post/redirect/get: a form's outcome kept in a short-lived signed cookie for the page the POST redirects to.
// The page reads it on every GET (so a reload or a language switch shows the same message); a new POST replaces it.
import type { Context } from 'koa';
import { hasMessage, type MessageKey } from '../i18n/messages.js';

export const FLASH_COOKIE = 'fi_flash';

/** How long a flash is kept (FLASH_MESSAGE_TTL_SECONDS), passed in from the composition root. */
export interface FlashSettings {
  /** ms */
  maxAgeMs: number;
}

export interface Flash {
  /** Message key (src/i18n/messages.ts). */
  key: MessageKey;
  params?: Record<string, string | number>;
  /** HTTP status the page is shown with. */
  status?: number;
  /** Form values to fill in again (never a password). */
  values?: Record<string, string>;
}

/** Stores `flash` for GET pages under `path` (a signed, httpOnly cookie kept `settings.maxAgeMs`). */
export function setFlash(ctx: Context, path: string, flash: Flash, settings: FlashSettings): void {
  const value = Buffer.from(JSON.stringify(flash)).toString('base64url');
  ctx.cookies.set(FLASH_COOKIE, value, { path, httpOnly: true, sameSite: 'lax', secure: ctx.secure, signed: true, maxAge: settings.maxAgeMs });
}

/** The flash for this request, or null (a missing, unsigned or malformed cookie is ignored). */
export function readFlash(ctx: Context): Flash | null {
  const raw = ctx.cookies.get(FLASH_COOKIE, { signed: true });
  if (!raw) return null;
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Flash;
    return hasMessage(parsed?.key) ? parsed : null;
  } catch {
    return null;
  }
}

/** Ends the flash under `path`; nothing to end (no Set-Cookie, no signing) when the request brought none. */
export function clearFlash(ctx: Context, path: string): void {
  if (ctx.cookies.get(FLASH_COOKIE, { signed: false }) === undefined) return;
  ctx.cookies.set(FLASH_COOKIE, null, { path, signed: true });
}

/** Answers a GET on a POST-only URL (a reload, Back, or the language switch) with a redirect to its page, keeping ?lang. */
export function redirectToPage(target: (ctx: Context) => string) {
  return async function redirectToPage(ctx: Context): Promise<void> {
    const url = new URL(target(ctx), 'http://x');
    for (const [name, value] of Object.entries(ctx.query)) {
      if (typeof value === 'string' && (name === 'lang' || name === 'expired')) url.searchParams.set(name, value);
    }
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect(`${url.pathname}${url.search}`);
  };
}
