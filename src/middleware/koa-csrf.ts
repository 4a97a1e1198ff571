// CSRF protection for form posts: a random cookie and a token derived from it (HMAC) that every form must echo.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { AppError } from '../shared/errors.js';
import type { Random } from '../shared/random.js';

export const CSRF_COOKIE = 'fi_csrf';
export const CSRF_FIELD = '_csrf';

export function csrf(opts: { secret: string; random: Random }): Middleware {
  const tokenFor = (value: string) => createHmac('sha256', opts.secret).update(`csrf:${value}`).digest('base64url');
  /**
   * A form post that fails the check changes nothing; a browser is sent back (303) to the form's page, which shows it
   * again with a fresh token and says why (`?expired=csrf`). Other clients get the 403 error.
   */
  const refuse = (ctx: Context) => {
    if (!ctx.get('accept').includes('text/html') || ctx.path.startsWith('/api/') || ctx.path.startsWith('/ident/api')) throw new AppError('error.csrf', 403);
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 303;
    ctx.redirect(`${ctx.path}?expired=csrf`);
  };
  return async function csrf(ctx, next) {
    let value = ctx.cookies.get(CSRF_COOKIE);
    if (!value || !/^[A-Za-z0-9_-]{43}$/.test(value)) {
      value = opts.random.token(32);
      ctx.cookies.set(CSRF_COOKIE, value, { httpOnly: true, sameSite: 'lax', secure: ctx.secure, signed: false, path: '/' });
      if (ctx.method === 'POST') return refuse(ctx);
    }
    const expected = tokenFor(value);
    if (ctx.method === 'POST') {
      const body = (ctx.request as { body?: unknown }).body as Record<string, unknown> | undefined;
      const sent = String(body?.[CSRF_FIELD] ?? ctx.get('x-csrf-token') ?? '');
      const a = Buffer.from(sent);
      const b = Buffer.from(expected);
      if (a.length !== b.length || !timingSafeEqual(a, b)) return refuse(ctx);
    }
    if (ctx.state.page) {
      ctx.state.page.csrfToken = expected;
      if (ctx.method === 'GET' && ctx.query.expired === 'csrf') ctx.state.page.notice = 'error.csrfRetry';
    }
    await next();
  };
}
